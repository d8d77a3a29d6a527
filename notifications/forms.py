from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import EmailMode


class NotificationSettingsForm(forms.Form):
    email_mode = forms.ChoiceField(
        label=_("Emails about what you follow"), choices=EmailMode.choices, widget=forms.RadioSelect
    )
    sms = forms.BooleanField(
        label=_("Text messages for votes in my district"),
        required=False,
        help_text=_(
            "When a vote opens, two days before it closes if you have not voted, and when results are out. "
            "Needs a confirmed mobile phone. Answer STOP to any message to end them."
        ),
    )
    newsletter = forms.BooleanField(label=_("Newsletters"), required=False)
