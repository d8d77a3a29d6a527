"""Forms after the vote: they parse and bound input; services check files, clean text and decide."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.forms import TypedDateField
from decide.uploads import ALT_TEXT_MAX
from proposals.forms import CategoryDistrictFilter

from .models import AnswerState, MilestoneStatus
from .selectors import OVERDUE, UNANSWERED
from .services import ANSWER_TEXT_MAX, MILESTONE_DESCRIPTION_MAX, ORIGINAL_NAME_MAX, RESPONSIBLE_BODY_MAX

ACCEPT = "application/pdf,image/png,image/jpeg,image/webp"


class _DocumentFields(forms.Form):
    document = forms.FileField(
        label=_("Document or picture"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text=_("Optional. A PDF (10 MB at most) or a PNG, JPEG or WebP picture (5 MB at most)."),
    )
    alt_text = forms.CharField(
        label=_("Description of the picture"),
        required=False,
        max_length=ALT_TEXT_MAX,
        help_text=_("Required for a picture: what it shows, for people who cannot see it."),
    )


class AnswerForm(_DocumentFields):
    state = forms.ChoiceField(label=_("State"), choices=AnswerState.choices)
    text = forms.CharField(
        label=_("Answer"),
        max_length=ANSWER_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Paragraphs, bold, italics, lists, quotes and links. Anything else is removed."),
    )
    responsible_body = forms.CharField(label=_("Responsible body"), max_length=RESPONSIBLE_BODY_MAX)
    answered_on = TypedDateField(label=_("Date of the answer"), initial=timezone.localdate)

    field_order = ["state", "text", "responsible_body", "answered_on", "document", "alt_text"]


class MilestoneEditForm(forms.Form):
    date = TypedDateField(label=_("Date"), initial=timezone.localdate)
    description = forms.CharField(
        label=_("What was done or is planned"),
        max_length=MILESTONE_DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    status = forms.ChoiceField(label=_("Status"), choices=MilestoneStatus.choices)


class MilestoneForm(MilestoneEditForm, _DocumentFields):
    field_order = ["date", "description", "progress", "status", "document", "alt_text"]


class AttachmentForm(_DocumentFields):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["document"].required = True
        self.fields["document"].help_text = _("A PDF (10 MB at most) or a PNG, JPEG or WebP picture (5 MB at most).")


class AttachmentEditForm(forms.Form):
    """A document's name as shown on the page; a picture's description too (a document has none)."""

    name = forms.CharField(label=_("Name shown on the page"), max_length=ORIGINAL_NAME_MAX)
    alt_text = forms.CharField(
        label=_("Description of the picture"),
        max_length=ALT_TEXT_MAX,
        help_text=_("Required for a picture: what it shows, for people who cannot see it."),
    )

    def __init__(self, *args: object, image: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not image:
            del self.fields["alt_text"]


class OutcomeFilterForm(CategoryDistrictFilter):
    """The outcomes page's filters (GET): an invalid value is ignored, never an error page."""

    state = forms.ChoiceField(
        label=_("Answer"),
        required=False,
        choices=[
            ("", pgettext_lazy("filter: any value", "All")),
            (UNANSWERED, _("Not answered yet")),
            (OVERDUE, _("Answer overdue")),
            *AnswerState.choices,
        ],
    )
