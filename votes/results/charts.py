"""Server-rendered, accessible SVG bar charts (no JavaScript; the data table always sits beside them).

The Content Security Policy forbids inline styles, so the drawing uses SVG
presentation attributes (fill=, font-size=) and classes, never `style=`.
Every text is escaped here; templates include the result as is.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
LABEL_WIDTH = 230
BAR_AREA = 300
ROW_HEIGHT = 26
TOP = 8
BAR_COLOUR = "#0b5cad"
LOW_COLOUR = "#8a4b00"  # under-represented groups stand out (with the value in words beside it)
REFERENCE_COLOUR = "#a1141b"
TEXT_COLOUR = "#1b1f24"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: suppressed or undefined; no bar is drawn
    display: str  # the figure in words, shown beside the bar
    low: bool = False


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    bars: list[Bar],
    reference: float | None = None,
    reference_label: str = "",
) -> SafeString:
    """A horizontal bar chart; `reference` draws a dashed line (e.g. 1.0 for the representation index)."""
    values = [bar.value for bar in bars if bar.value is not None]
    scale_max = max([*values, reference or 0.0, 1e-9])
    height = TOP * 2 + ROW_HEIGHT * max(len(bars), 1) + (18 if reference is not None else 0)

    def x_of(value: float) -> float:
        return LABEL_WIDTH + BAR_AREA * value / scale_max

    rows = []
    for n, bar in enumerate(bars):
        y = TOP + n * ROW_HEIGHT
        bar_width = max(x_of(bar.value) - LABEL_WIDTH, 0.0) if bar.value is not None else 0.0
        value_x = LABEL_WIDTH + bar_width + 6
        rows.append(
            format_html(
                '<g class="bar-row"><text x="{}" y="{}" text-anchor="end" font-size="13" fill="{}">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" class="bar{}"></rect>'
                '<text x="{}" y="{}" font-size="13" fill="{}">{}</text></g>',
                LABEL_WIDTH - 8,
                y + 17,
                TEXT_COLOUR,
                bar.label,
                LABEL_WIDTH,
                y + 4,
                f"{bar_width:.1f}",
                ROW_HEIGHT - 8,
                LOW_COLOUR if bar.low else BAR_COLOUR,
                " bar-low" if bar.low else "",
                f"{value_x:.1f}",
                y + 17,
                TEXT_COLOUR,
                bar.display,
            )
        )
    reference_markup = SafeString("")
    if reference is not None:
        x = x_of(reference)
        bottom = TOP + ROW_HEIGHT * len(bars)
        reference_markup = format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2" stroke-dasharray="5 4">'
            '</line><text x="{}" y="{}" font-size="12" text-anchor="middle" fill="{}">{}</text>',
            f"{x:.1f}",
            TOP,
            f"{x:.1f}",
            bottom,
            REFERENCE_COLOUR,
            f"{x:.1f}",
            bottom + 14,
            REFERENCE_COLOUR,
            reference_label,
        )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" role="img" viewBox="0 0 {} {}" width="{}" '
        'height="{}" aria-labelledby="{}-title {}-desc"><title id="{}-title">{}</title><desc id="{}-desc">{}</desc>'
        "{}{}</svg>",
        WIDTH,
        height,
        WIDTH,
        height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
        mark_safe(format_html_join("", "{}", ((row,) for row in rows))),  # rows come from format_html
        reference_markup,
    )
