"""Administrators' views of the results app in the Wagtail admin: the platform's weekly activity.

Under the admin's prefix, so every request passes the staff second factor first
(`accounts.middleware.StaffMFAMiddleware`); the predicate refuses anyone but administrators.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from votes.results.activity import (
    ACTIVITY_STAGES,
    STAGE_LABELS,
    WEEK_CHOICES,
    WeekRow,
    activity_columns,
    activity_rows,
)
from votes.results.charts import Bar, bar_chart
from votes.results.permissions import can_read_activity
from votes.results.stats import suppression_threshold
from votes.templatetags.results_format import stat_count


def _weeks(request: HttpRequest) -> int:
    value = request.GET.get("weeks", "")
    return int(value) if value.isdigit() and int(value) in WEEK_CHOICES else WEEK_CHOICES[0]


def _charts(rows: list[WeekRow]) -> list[Any]:
    """One chart per stage: its people week by week (a suppressed week draws no bar and says so)."""
    charts = []
    for stage in ACTIVITY_STAGES:
        label = STAGE_LABELS[stage]
        bars = [
            Bar(
                label=_("Week of %(day)s") % {"day": date_format(row.week, "SHORT_DATE_FORMAT")},
                value=None if row.stages[stage][0] is None else float(row.stages[stage][0] or 0),
                display=stat_count(row.stages[stage][0]),
            )
            for row in rows
        ]
        charts.append(
            bar_chart(
                chart_id=f"activity-{stage}",
                title=_("%(stage)s: people week by week") % {"stage": label},
                description=_("Distinct people each week, every channel together. The table below gives the figures."),
                bars=bars,
            )
        )
    return charts


class ActivityView(WagtailAdminTemplateMixin, TemplateView):
    page_title = gettext_lazy("Platform activity")
    header_icon = "table"
    template_name = "votes/results/activity.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not can_read_activity(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        weeks = _weeks(self.request)
        threshold = suppression_threshold(self.request)
        rows = activity_rows(weeks=weeks, threshold=threshold)
        context.update(
            weeks=weeks,
            week_choices=WEEK_CHOICES,
            threshold=threshold,
            columns=activity_columns(),
            rows=list(reversed(rows)),  # newest first in the table
            charts=_charts(rows),
        )
        return context
