"""Forms of the debate: they parse and bound input; the services decide and clean."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from decide.sanitize import clean_html, plain_text
from proposals.debate.services import COMMENT_MAX_CHARS, REASON_MAX_CHARS
from proposals.models import Stance


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_MAX_CHARS * 2,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Be respectful. Links and simple formatting are kept; anything else is removed."),
    )
    stance = forms.ChoiceField(
        label=_("Your position"), choices=Stance.choices, initial=Stance.NEUTRAL, widget=forms.RadioSelect
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"]
        if not plain_text(clean_html(body)):
            raise forms.ValidationError(_("Write a comment before sending it."), code="empty")
        return body


class CommentEditForm(CommentForm):
    parent = None  # type: ignore[assignment]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=REASON_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 3}))


class FlagForm(forms.Form):
    reason = forms.CharField(
        label=_("Why should the moderators look at this comment?"),
        max_length=REASON_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ModerationForm(forms.Form):
    ACTIONS = (
        ("hide", _("Hide")),
        ("restore", _("Restore")),
        ("official", _("Mark as official answer")),
        ("unofficial", _("Remove the official mark")),
        ("pin", _("Pin to the top of the debate")),
        ("unpin", _("Unpin")),
    )
    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=REASON_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to hide or restore; shown in the audit log."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") in {"hide", "restore"} and not plain_text(data.get("reason", "")):
            self.add_error("reason", _("Give a reason to hide or restore a comment."))
        return data


class LockForm(forms.Form):
    locked = forms.BooleanField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=REASON_MAX_CHARS, widget=forms.TextInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("locked") and not plain_text(data.get("reason", "")):
            self.add_error("reason", _("Give a reason to lock the debate."))
        return data


class ReactionForm(forms.Form):
    # The reaction to have after this click: a set, not a toggle (0 takes it back).
    value = forms.TypedChoiceField(coerce=int, choices=((1, _("Agree")), (-1, _("Disagree")), (0, _("No reaction"))))
