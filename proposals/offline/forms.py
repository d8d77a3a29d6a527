"""Forms of offline participation: the desk's acts and the 20-row signature sheet."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..forms import ProposalForm
from ..models import ProcessPage
from .sheets import ROWS_PER_SHEET, SheetLine, sheet_line


class DeskSupportForm(forms.Form):
    code = forms.CharField(
        label=_("Proposal code"),
        max_length=8,
        help_text=_("The short code printed on the proposal's page and signature sheet, e.g. K3F9Q."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )

    def clean_code(self) -> str:
        return "".join(str(self.cleaned_data["code"]).split()).upper()


class DeskProposalForm(ProposalForm):
    """The proposal form, with the process chosen (the desk is not inside a process page)."""

    process = forms.ModelChoiceField(label=_("Process"), queryset=ProcessPage.objects.none())

    field_order = ["process", "title", "summary", "body", "category", "district"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["process"].queryset = ProcessPage.objects.live().order_by("title")  # type: ignore[attr-defined]


class SignatureSheetForm(forms.Form):
    """A sheet as printed: its number, where it was collected, and 20 numbered rows (or a CSV file)."""

    reference = forms.CharField(
        label=_("Sheet number"), max_length=40, required=False, help_text=_("As written on the paper, if any.")
    )
    location = forms.CharField(label=_("Where it was collected or entered"), max_length=200)
    csv_file = forms.FileField(
        label=_("Or a CSV file"),
        required=False,
        help_text=_("Two columns: document number, birth date. Used instead of the rows below."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for line in range(1, ROWS_PER_SHEET + 1):
            self.fields[f"document_{line}"] = forms.CharField(
                label=_("Line %(line)d: document number") % {"line": line},
                max_length=30,
                required=False,
                widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
            )
            self.fields[f"birth_{line}"] = forms.CharField(
                label=_("Line %(line)d: birth date") % {"line": line},
                max_length=10,
                required=False,
                widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "28/07/1984"}),
            )

    def typed_lines(self) -> list[SheetLine]:
        lines = []
        for line in range(1, ROWS_PER_SHEET + 1):
            parsed = sheet_line(
                line, self.cleaned_data.get(f"document_{line}", ""), self.cleaned_data.get(f"birth_{line}", "")
            )
            if parsed is not None:
                lines.append(parsed)
        return lines

    def row_fields(self) -> list[tuple[int, forms.BoundField, forms.BoundField]]:
        return [(line, self[f"document_{line}"], self[f"birth_{line}"]) for line in range(1, ROWS_PER_SHEET + 1)]
