"""Poll administration in the Wagtail admin: schedule polls, write their questions and options.

Writes go through votes.services (audited, locked once the poll opens); the forms
also disable what can no longer change, so an administrator sees why. Nothing
here shows per-option counts: before the close only turnout exists.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import AdminDateTimeInput
from wagtail.permission_policies.base import BasePermissionPolicy

from accounts.models import User
from accounts.roles import ADMINISTRATOR
from legislation.models import Version
from proposals.models import Proposal, ProposalKind, ProposalStatus

from . import permissions, services
from .models import OutcomeRule, Poll, Question


class AdministratorPolicy(BasePermissionPolicy):
    """Administrators (the role, not Django model permissions) run polls; opened polls cannot be deleted."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        return permissions.can_manage_polls(user)

    def users_with_any_permission(self, actions: Any) -> QuerySet[User]:
        return User.objects.filter(Q(is_superuser=True) | Q(groups__name=ADMINISTRATOR), is_active=True).distinct()

    def user_has_permission_for_instance(self, user: Any, action: str, instance: Any) -> bool:
        if not permissions.can_manage_polls(user):
            return False
        poll = instance if isinstance(instance, Poll) else getattr(instance, "poll", None)
        if action == "delete" and poll is not None and poll.has_opened():
            return False
        return not (action == "change" and isinstance(instance, Question) and instance.poll.has_opened())

    def instances_user_has_any_permission_for(self, user: Any, actions: Any) -> QuerySet[Any]:
        manager = self.model._default_manager
        instances: QuerySet[Any] = manager.all() if permissions.can_manage_polls(user) else manager.none()
        return instances

    def users_with_any_permission_for_instance(self, actions: Any, instance: Any) -> QuerySet[User]:
        return self.users_with_any_permission(actions)


def _votable_proposals() -> QuerySet[Proposal]:
    return Proposal.objects.filter(
        Q(status__in=[ProposalStatus.QUALIFIED, ProposalStatus.IN_VOTE])
        | Q(kind=ProposalKind.INSTITUTIONAL, status=ProposalStatus.PUBLISHED)
    ).select_related("process")


def _labels(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class PollAdminForm(forms.ModelForm):  # type: ignore[type-arg]  # ModelForm[X] is not subscriptable at runtime (no django-stubs-ext)
    question_text = forms.CharField(
        label=_("First question"),
        max_length=300,
        initial=_("Do you approve this proposal?"),
        help_text=_("More questions can be added under “Poll questions” until the poll opens."),
    )
    option_labels = forms.CharField(
        label=_("Options"),
        widget=forms.Textarea(attrs={"rows": 4}),
        initial=lambda: "\n".join(str(label) for label in services.DEFAULT_OPTIONS),  # in the admin's language
        help_text=_("One option per line."),
    )
    max_choices = forms.IntegerField(label=_("Maximum choices"), min_value=1, initial=1)
    blank_label = forms.CharField(
        label=_("Blank vote"),
        required=False,
        max_length=200,
        initial=lambda: str(services.DEFAULT_OPTIONS[-1]),
        help_text=_(
            "Optional: the option (written as above) that counts as a blank vote, such as “Abstain”. "
            "A blank vote counts as cast but is never a valid vote and never wins."
        ),
    )

    class Meta:
        model = Poll
        fields = [services.POLL_FIELDS[0], "proposals", *services.POLL_FIELDS[1:]]
        widgets = {"opens_at": AdminDateTimeInput, "closes_at": AdminDateTimeInput}

    def __init__(self, *args: Any, for_user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["proposals"].queryset = _votable_proposals()  # type: ignore[attr-defined]
        self.fields["proposals"].help_text = _("Qualified proposals and institutional bills of the poll's process.")
        self.fields["version"].queryset = Version.objects.select_related("draft__proposal")  # type: ignore[attr-defined]
        self.fields["version"].help_text = _("For a bill drafted article by article: the exact text put to the vote.")
        for name in ("outcome_rule", "quorum_percent"):  # left out, the model's default (today's rule, no quorum)
            self.fields[name].required = False
        if self.instance.pk:
            for name in ("question_text", "option_labels", "max_choices", "blank_label"):
                del self.fields[name]
            if self.instance.has_opened():
                # The services' list of what may still change decides; everything else is locked.
                for name in set(self.fields) - services.POLL_FIELDS_EDITABLE_WHEN_OPEN:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = _("Locked: the poll has opened.")

    def clean_outcome_rule(self) -> str:
        return str(self.cleaned_data.get("outcome_rule") or OutcomeRule.SIMPLE)

    def clean_quorum_percent(self) -> int:
        value = self.cleaned_data.get("quorum_percent")
        return 0 if value is None else int(value)


class QuestionAdminForm(forms.ModelForm):  # type: ignore[type-arg]  # ModelForm[X] is not subscriptable at runtime (no django-stubs-ext)
    option_labels = forms.CharField(
        label=_("Options"), widget=forms.Textarea(attrs={"rows": 5}), help_text=_("One option per line.")
    )
    blank_label = forms.CharField(
        label=_("Blank vote"),
        required=False,
        max_length=200,
        help_text=_(
            "Optional: the option (written as above) that counts as a blank vote, such as “Abstain”. "
            "A blank vote counts as cast but is never a valid vote and never wins."
        ),
    )

    class Meta:
        model = Question
        fields = ["poll", "text", "position", "max_choices"]

    def __init__(self, *args: Any, for_user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from django.utils import timezone

        self.fields["poll"].queryset = Poll.objects.filter(opens_at__gt=timezone.now())  # type: ignore[attr-defined]
        self.fields["poll"].help_text = _("Only polls that have not opened can take new questions.")
        if self.instance.pk:
            self.fields["option_labels"].initial = "\n".join(o.label for o in self.instance.options.all())
            self.fields["blank_label"].initial = next((o.label for o in self.instance.options.all() if o.blank), "")
            self.fields["poll"].queryset = Poll.objects.filter(pk=self.instance.poll_id)  # type: ignore[attr-defined]
            self.fields["poll"].disabled = True
            if self.instance.poll.has_opened():
                for field in self.fields.values():
                    field.disabled = True
                    field.help_text = _("Locked: the poll has opened.")


class _ServiceFormMixin:
    """Turn refusals of the services into form errors instead of 500s."""

    def form_valid(self, form: forms.ModelForm[Any]) -> HttpResponse:
        try:
            response: HttpResponse = super().form_valid(form)  # type: ignore[misc]
            return response
        except services.VoteError as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            form.add_error(None, exc)
        self.produced_error_message = self.get_error_message()  # type: ignore[attr-defined]
        return self.form_invalid(form)  # type: ignore[attr-defined,no-any-return]


class PollCreateView(_ServiceFormMixin, generic.CreateView):
    def save_instance(self) -> Poll:
        data = dict(self.form.cleaned_data)
        return services.poll_create(
            actor=self.request.user,
            option_labels=_labels(data.pop("option_labels")),
            **data,
        )


class PollEditView(_ServiceFormMixin, generic.EditView):
    def save_instance(self) -> Poll:
        # Disabled (locked) fields are left out: the service decides what may still change.
        data = {k: v for k, v in self.form.cleaned_data.items() if not self.form.fields[k].disabled}
        proposals = data.pop("proposals", None)
        return services.poll_update(actor=self.request.user, poll=self.object, proposals=proposals, **data)


class PollDeleteView(generic.DeleteView):
    def delete_action(self) -> None:
        services.poll_delete(actor=self.request.user, poll=self.object)


class QuestionCreateView(_ServiceFormMixin, generic.CreateView):
    def save_instance(self) -> Question:
        data = self.form.cleaned_data
        return services.question_save(
            actor=self.request.user,
            poll=data["poll"],
            text=data["text"],
            position=data["position"],
            max_choices=data["max_choices"],
            option_labels=_labels(data["option_labels"]),
            blank_label=data.get("blank_label", ""),
        )


class QuestionEditView(_ServiceFormMixin, generic.EditView):
    def save_instance(self) -> Question:
        data = self.form.cleaned_data
        question = Question.objects.get(pk=self.object.pk)
        return services.question_save(
            actor=self.request.user,
            poll=question.poll,
            question=question,
            text=data["text"],
            position=data["position"],
            max_choices=data["max_choices"],
            option_labels=_labels(data["option_labels"]),
            blank_label=data.get("blank_label", ""),
        )


class QuestionDeleteView(generic.DeleteView):
    def delete_action(self) -> None:
        services.question_delete(actor=self.request.user, question=self.object)


def _status(poll: Poll) -> str:
    if poll.is_closed():
        return str(pgettext_lazy("state of a poll", "Closed"))
    return str(pgettext_lazy("state of a poll", "Open")) if poll.is_open() else str(_("Scheduled"))


class PollViewSet(ModelViewSet):
    model = Poll
    icon = "tasks"
    menu_label = _("Polls")
    add_to_admin_menu = False
    form_fields = PollAdminForm.Meta.fields
    add_view_class = PollCreateView
    edit_view_class = PollEditView
    delete_view_class = PollDeleteView
    list_display = [
        "title",
        Column("status", label=_("Status"), accessor=_status),
        "opens_at",
        "closes_at",
        Column("turnout", label=_("Turnout"), accessor="turnout"),
    ]
    search_fields = ["title"]

    def get_form_class(self, for_update: bool = False) -> type[forms.ModelForm[Any]]:
        return PollAdminForm

    def get_queryset(self, request: Any) -> QuerySet[Poll]:
        # Turnout only (participations), never anything about ballots.
        return Poll.objects.annotate(turnout=Count("participations")).order_by("-opens_at")


def _options(question: Question) -> str:
    return ", ".join(o.label for o in question.options.all())


class QuestionViewSet(ModelViewSet):
    model = Question
    icon = "list-ul"
    menu_label = _("Poll questions")
    add_to_admin_menu = False
    form_fields = ["poll", "text", "position", "max_choices"]
    add_view_class = QuestionCreateView
    edit_view_class = QuestionEditView
    delete_view_class = QuestionDeleteView
    list_display = ["text", "poll", Column("options", label=_("Options"), accessor=_options), "max_choices"]

    def get_form_class(self, for_update: bool = False) -> type[forms.ModelForm[Any]]:
        return QuestionAdminForm

    def get_queryset(self, request: Any) -> QuerySet[Question]:
        return (
            Question.objects.select_related("poll").prefetch_related("options").order_by("-poll__opens_at", "position")
        )


class VotingGroup(ViewSetGroup):
    menu_label = _("Voting")
    menu_icon = "tasks"
    menu_order = 300
    items = (PollViewSet("polls"), QuestionViewSet("poll_questions"))
