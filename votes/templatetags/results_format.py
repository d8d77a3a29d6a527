"""Formatting of published figures: a suppressed or undefined figure says so in words."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def stat_count(value: int | None) -> str:
    return _("suppressed") if value is None else number_format(value, force_grouping=True)


@register.filter
def stat_percent(value: float | None) -> str:
    # Round first: number_format cuts digits off (11.28 would read 11.2).
    return "—" if value is None else f"{number_format(round(value * 100, 1), decimal_pos=1)} %"


@register.filter
def stat_index(value: float | None) -> str:
    return "—" if value is None else number_format(round(value, 2), decimal_pos=2)
