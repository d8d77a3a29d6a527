"""Forms of the officer desk and of signing in with a code."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import CensusDetailsForm


class DeskPersonForm(CensusDetailsForm):
    location = forms.CharField(
        label=_("Where you are"),
        max_length=200,
        help_text=_("The desk or office, e.g. 'Municipalidad de Otuzco'. Kept in the audit log with every act."),
    )
    display_name = forms.CharField(
        label=_("Public name"),
        max_length=80,
        required=False,
        help_text=_("Only for a new account: a first name or a pseudonym the person chooses. Others will see it."),
    )
    phone = forms.CharField(
        label=_("Mobile phone (optional)"),
        max_length=24,
        required=False,
        help_text=_("With the country code, e.g. +51 987 654 321. The person confirms it later by SMS."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off", "inputmode": "tel"}),
    )


class LoginCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Your sign-in code"),
        max_length=20,
        help_text=_("The code the officer gave you, e.g. ABCD-EFGH-JKLM."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}),
    )
