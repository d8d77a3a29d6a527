"""Forms of the legislation pages and the import preview: they parse and bound input; the services decide and clean."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from proposals.debate.forms import CommentForm
from proposals.models import Proposal

from .models import SectionKind
from .services import AMENDMENT_TEXT_MAX, JUSTIFICATION_MAX, REASON_MAX


class AnnotationForm(CommentForm):
    """A debate comment on an article; `quote` is filled by the page's script from the reader's selection."""

    parent = None  # type: ignore[assignment]
    quote = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
    amendment = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].label = _("Your comment on this article")


class AmendmentForm(forms.Form):
    text = forms.CharField(
        label=_("New wording of the article"),
        max_length=AMENDMENT_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    justification = forms.CharField(
        label=_("Why it should change"),
        max_length=JUSTIFICATION_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (required to reject)"),
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class VersionForm(forms.Form):
    note = forms.CharField(
        label=_("What changed"), required=False, max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


# --- the Wagtail admin's import -------------------------------------------------------


class ImportForm(forms.Form):
    """Step 1: which bill, its calendar, and the text (pasted or as a file)."""

    proposal: forms.ModelChoiceField = forms.ModelChoiceField(  # type: ignore[type-arg]
        label=_("Bill"), queryset=Proposal.objects.none()
    )
    reading_opens = forms.DateTimeField(label=_("reading opens"))
    annotation_opens = forms.DateTimeField(label=_("annotation opens"))
    annotation_closes = forms.DateTimeField(label=_("annotation closes"))
    amendments_opens = forms.DateTimeField(label=_("amendments open"))
    amendments_closes = forms.DateTimeField(label=_("amendments close"))
    final_text_on = forms.DateTimeField(label=_("final text from"))
    text = forms.CharField(
        label=_("Paste the text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Plain text or Markdown; each article starts on its own line with “Artículo 1.”"),
    )
    file = forms.FileField(
        label=_("Or upload a file"), required=False, help_text=_(".docx, .md or .txt, at most 2 MB.")
    )

    def __init__(self, *args: Any, proposals: Any, confirming: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["proposal"].queryset = proposals.select_related("process")  # type: ignore[attr-defined]
        # Bills of different processes may share a title: the process tells them apart.
        self.fields["proposal"].label_from_instance = lambda p: f"{p.title} ({p.process.title})"  # type: ignore[attr-defined]
        # At the confirmation the corrected sections come instead of the text.
        self.confirming = confirming

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.confirming and not data.get("text", "").strip() and not data.get("file"):
            raise forms.ValidationError(_("Paste the text or upload a file."))
        return data


class SectionForm(forms.Form):
    """Step 2: one parsed section, as the administrator corrects it."""

    kind = forms.ChoiceField(label=_("kind"), choices=SectionKind.choices)
    number = forms.CharField(label=_("number"), required=False, max_length=30)
    heading = forms.CharField(label=_("heading"), required=False, max_length=300)
    text = forms.CharField(label=_("text"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    delete = forms.BooleanField(label=_("leave out"), required=False)


SectionFormSet = forms.formset_factory(SectionForm, extra=0, max_num=1000, validate_max=True)
