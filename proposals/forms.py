"""Forms for citizens and moderators: they parse and bound input; services decide and clean."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import District

from .models import Category, ProcessPage, ProposalStatus
from .permissions import VISIBLE_STATUSES
from .services import BODY_MAX, SUMMARY_MAX, TITLE_MAX


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or two sentences: what should change, and for whom."),
    )
    body = forms.CharField(
        label=_("Text of the proposal"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "Plain text, or simple HTML: paragraphs, bold, italics, lists, quotes and links. Anything else is removed."
        ),
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.all(), required=False, empty_label=_("No category")
    )
    district = forms.ModelChoiceField(
        label=_("District it concerns"),
        queryset=District.objects.select_related("province").order_by("province__name", "name"),
        required=False,
        empty_label=_("The whole area of the process"),
    )


class ReasonForm(forms.Form):
    """A reason is required to withdraw, flag, hide or block: the person concerned reads it."""

    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4}))


class CategoryDistrictFilter(forms.Form):
    """The category and district filters a list of proposals offers (the list, the outcomes page)."""

    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.all(), required=False, empty_label=_("All categories")
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.select_related("province").order_by("province__name", "name"),
        required=False,
        empty_label=_("All districts"),
    )


class ProposalFilterForm(CategoryDistrictFilter):
    """The list's search and filters (GET): an invalid value is ignored, never an error page."""

    field_order = ["q", "category", "district"]

    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All open to the public"))]
        + [(s.value, s.label) for s in ProposalStatus if s.value in VISIBLE_STATUSES],
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[("newest", pgettext_lazy("sort order", "Newest")), ("supported", _("Most supported"))],
    )


class InstitutionalBillForm(ProposalForm):
    """An administrator's bill: the same fields as a citizen's proposal, plus the process it belongs to."""

    process = forms.ModelChoiceField(label=_("Process"), queryset=ProcessPage.objects.all().order_by("title"))

    field_order = ["process", "title", "summary", "body", "category", "district"]
