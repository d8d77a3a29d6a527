"""Forms of the ballot, the receipt check and the booth desk. Validation of shape only; rules live in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import TypedDateField
from accounts.models import District

from .models import Booth, Option, Question


def _field_name(question: Question) -> str:
    return f"q{question.pk}"


class BallotForm(forms.Form):
    """One field per question: radio buttons for a single choice, checkboxes up to the maximum.

    `hidden=True` renders the same fields as hidden inputs for the confirmation step,
    so the confirmed choices are checked again exactly like the first time.
    """

    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, questions: list[Question], hidden: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        self._options: dict[str, Option] = {}
        for question in questions:
            options = list(question.options.all())
            choices = [(str(o.pk), o.label) for o in options]
            self._options.update({str(o.pk): o for o in options})
            field: forms.Field
            if question.max_choices == 1:
                field = forms.ChoiceField(
                    label=question.text,
                    choices=choices,
                    widget=forms.HiddenInput if hidden else forms.RadioSelect,
                    error_messages={"required": _("Choose an option."), "invalid_choice": _("Unknown option.")},
                )
            else:
                field = forms.MultipleChoiceField(
                    label=question.text,
                    choices=choices,
                    widget=forms.MultipleHiddenInput if hidden else forms.CheckboxSelectMultiple,
                    help_text=_("Choose up to %(max)d.") % {"max": question.max_choices},
                    error_messages={
                        "required": _("Choose at least one option."),
                        "invalid_choice": _("Unknown option."),
                    },
                )
            self.fields[_field_name(question)] = field

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for question in self.questions:
            value = cleaned.get(_field_name(question))
            if isinstance(value, list) and len(value) > question.max_choices:
                self.add_error(
                    _field_name(question), _("Choose at most %(max)d options.") % {"max": question.max_choices}
                )
        return cleaned

    def chosen_options(self) -> list[Option]:
        chosen: list[Option] = []
        for question in self.questions:
            value = self.cleaned_data.get(_field_name(question))
            for option_id in value if isinstance(value, list) else [value]:
                if option_id:
                    chosen.append(self._options[option_id])
        return chosen

    def review(self) -> list[tuple[Question, list[Option]]]:
        """Each question with what the voter chose, for the confirmation page."""
        chosen = self.chosen_options()
        return [(q, [o for o in chosen if o.question_id == q.pk]) for q in self.questions]


class ReceiptCheckForm(forms.Form):
    code = forms.CharField(
        label=_("Receipt code"),
        max_length=64,
        help_text=_("The code shown after you voted, for example ABCD-EFGH-IJKL-MNOP-QRST."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )


class BoothOpenForm(forms.ModelForm):  # type: ignore[type-arg]  # ModelForm[X] is not subscriptable at runtime (no django-stubs-ext)
    class Meta:
        model = Booth
        fields = ["name", "location", "district"]
        labels = {"district": _("District")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.select_related("province").order_by("name")  # type: ignore[attr-defined]


class BoothLookupForm(forms.Form):
    """The document number is only hashed for the lookup; it is never stored or logged."""

    document_number = forms.CharField(
        label=_("Identity document number"), max_length=32, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    birth_date = TypedDateField(label=_("Birth date"), help_text=_("For example 1984-07-28 or 28/07/1984."))


class BoothConfirmForm(forms.Form):
    person = forms.CharField(widget=forms.HiddenInput)
    identity_checked = forms.BooleanField(
        label=_("I have checked this person's identity document in person."),
        error_messages={"required": _("Check the identity document in person before recording the vote.")},
    )


class BoothTallyForm(forms.Form):
    """One count per option of the poll, and a note for corrections."""

    note = forms.CharField(
        label=_("Note"), max_length=300, required=False, help_text=_("Say why, when you correct an earlier count.")
    )

    def __init__(self, *args: Any, options: list[Option], initial_counts: dict[int, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options = options
        for option in options:
            self.fields[f"option_{option.pk}"] = forms.IntegerField(
                label=f"{option.question.text} — {option.label}",
                min_value=0,
                max_value=1_000_000,
                initial=initial_counts.get(option.pk),
            )
        # The note goes last, after the counts.
        self.order_fields([f"option_{o.pk}" for o in options] + ["note"])

    def counts(self) -> dict[int, int]:
        return {o.pk: int(self.cleaned_data[f"option_{o.pk}"]) for o in self.options}
