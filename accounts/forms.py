from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User


class ProfileForm(forms.ModelForm[User]):
    class Meta:
        model = User
        fields = ["display_name", "declared_gender", "declared_district"]
        help_texts = {
            "display_name": _("Shown beside your proposals and comments. Leave empty to use the start of your email."),
            "declared_gender": _("Optional. Only used, anonymously, to check that everyone takes part equally."),
            "declared_district": _("Optional. Once you verify against the census, the census data is used instead."),
        }


class AccountDeleteForm(forms.Form):
    password = forms.CharField(label=_("Your password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That password is not correct."))
        return password
