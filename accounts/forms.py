from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .display_names import DISPLAY_NAME_MAX, DISPLAY_NAME_MIN, display_name_clean
from .models import User
from .services import signup_complete


class DisplayNameField(forms.CharField):
    """A public name: plain text, 2 to 80 characters, no email address in it (accounts.display_names)."""

    def __init__(self, **kwargs: Any) -> None:
        # From the model field: its generated default is no initial value to offer, and needs no hidden copy.
        for model_only in ("initial", "show_hidden_initial", "help_text", "label", "max_length"):
            kwargs.pop(model_only, None)
        super().__init__(
            label=_("Public name"),
            max_length=DISPLAY_NAME_MAX,
            help_text=_(
                "Everyone sees it beside your proposals and comments. Your first name or a pseudonym is fine; "
                "your email is never shown."
            ),
            **kwargs,
        )
        self.widget.attrs.update({"autocomplete": "nickname", "minlength": str(DISPLAY_NAME_MIN)})

    def clean(self, value: Any) -> str:
        return display_name_clean(super().clean(value))


class SignupLanguageForm(forms.Form):
    """Added to allauth's sign-up form (ACCOUNT_SIGNUP_FORM_CLASS): the public name, and the language of every
    message to this person."""

    display_name = DisplayNameField()
    preferred_language = forms.ChoiceField(
        label=_("Language of the messages we send you"), choices=settings.LANGUAGES, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["preferred_language"].initial = translation.get_language() or settings.LANGUAGE_CODE

    def signup(self, request: Any, user: User) -> None:
        """Called by allauth after it saves the new account."""
        chosen = self.cleaned_data.get("preferred_language") or translation.get_language() or settings.LANGUAGE_CODE
        signup_complete(user=user, display_name=self.cleaned_data["display_name"], preferred_language=chosen)


class ProfileForm(forms.ModelForm):  # type: ignore[type-arg]  # subscripting fails at runtime without django_stubs_ext
    class Meta:
        model = User
        fields = ["display_name", "preferred_language", "declared_gender", "declared_district"]
        field_classes = {"display_name": DisplayNameField}
        help_texts = {
            "preferred_language": _(
                "Emails and text messages reach you in this language. Pages, your notifications included, "
                "follow the language chosen at the top of the page."
            ),
            "declared_gender": _("Optional. Only used, anonymously, to check that everyone takes part equally."),
            "declared_district": _("Optional. Once you verify against the census, the census data is used instead."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Left out of a post, the account keeps the language it has.
        self.fields["preferred_language"].required = False


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That password is not correct."))
        return password


DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]


class DateInputWithFallback(forms.DateInput):
    """A calendar where the browser has one (type="date"); where it has not, a text box for the date as typed.

    The value is always written ISO (1984-07-28): a date input shows nothing for any other form, so a
    localised initial value ("01/12/2026" in Spanish) left the field blank.
    """

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class TypedDateField(forms.DateField):
    """A date field for every form: the calendar, or typed as 1984-07-28, 28/07/1984, 28-07-1984 or 28.07.1984
    whatever the page's language (an old phone's browser shows the date input as plain text)."""

    widget = DateInputWithFallback

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        super().__init__(**kwargs)


class CensusDetailsForm(forms.Form):
    """Document number and birth date, as the census holds them."""

    document_number = forms.CharField(
        label=_("Identity document number"),
        max_length=30,
        help_text=_("As printed on your DNI or foreign resident card."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )
    birth_date = TypedDateField(
        label=_("Birth date"),
        help_text=_("For example 1984-07-28 or 28/07/1984."),
        widget=DateInputWithFallback(attrs={"autocomplete": "bday"}),
    )

    def clean_document_number(self) -> str:
        value: str = self.cleaned_data["document_number"].strip()
        if not any(char.isalnum() for char in value):
            raise forms.ValidationError(_("Enter the document number."))
        return value

    def clean_birth_date(self) -> date:
        value: date = self.cleaned_data["birth_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The birth date cannot be in the future."))
        return value


class VerificationForm(CensusDetailsForm):
    def __init__(self, *args: Any, with_phone: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if with_phone:
            self.fields["phone"] = forms.CharField(
                label=_("Mobile phone number"),
                max_length=20,
                help_text=_("We send a six-digit code to this number to finish the verification."),
                widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
            )


class VerificationCodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Code from the SMS"),
        regex=r"^\s*[0-9]{6}\s*$",
        error_messages={"invalid": _("The code has six digits.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class AssistedVerificationForm(CensusDetailsForm):
    location = forms.CharField(
        label=_("Where you are"),
        max_length=200,
        help_text=_("The booth or office, e.g. 'Booth 3, Municipalidad de Otuzco'. Kept in the audit log."),
    )
    account_email = forms.EmailField(
        label=_("The person's account email (optional)"),
        required=False,
        help_text=_("To verify their online account. Leave empty to only confirm their identity at the booth."),
    )


class UnbindForm(forms.Form):
    account_email = forms.EmailField(label=_("Account email"))
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_("Why the census record is released (lost access, fraud...). Kept in the audit log."),
    )


class CensusUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Census file (CSV)"),
        help_text=_(
            "Header: document_number,birth_date,district_code,gender and optionally area. UTF-8 or Latin-1. "
            "If any row is wrong, nothing is imported and every problem is listed."
        ),
    )
