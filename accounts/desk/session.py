"""The desk session: which person an officer is helping, where, since when. Kept in the officer's session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import can_assist_verification
from decide.refusals import NotAllowed

SESSION_KEY = "decide.desk"
DEFAULT_MINUTES = 20


def desk_session_minutes() -> int:
    return int(getattr(settings, "DESK_SESSION_MINUTES", DEFAULT_MINUTES))


@dataclass(frozen=True)
class DeskVisit:
    officer_id: int
    person_id: int
    location: str
    started_at: datetime

    @property
    def expires_at(self) -> datetime:
        return self.started_at + timedelta(minutes=desk_session_minutes())


def desk_visit_start(request: HttpRequest, *, person: User, location: str) -> DeskVisit:
    assert request.user.is_authenticated
    visit = DeskVisit(officer_id=request.user.pk, person_id=person.pk, location=location, started_at=timezone.now())
    request.session[SESSION_KEY] = {
        "officer": visit.officer_id,
        "person": visit.person_id,
        "location": visit.location,
        "started": visit.started_at.isoformat(),
    }
    return visit


def desk_visit_end(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def desk_visit_current(request: HttpRequest) -> DeskVisit | None:
    """The visit under way at this officer's desk, or None (none started, another officer, or timed out)."""
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict) or not request.user.is_authenticated:
        return None
    try:
        visit = DeskVisit(
            officer_id=int(data["officer"]),
            person_id=int(data["person"]),
            location=str(data["location"]),
            started_at=datetime.fromisoformat(str(data["started"])),
        )
    except (KeyError, TypeError, ValueError):
        desk_visit_end(request)
        return None
    if visit.officer_id != request.user.pk or visit.expires_at <= timezone.now():
        desk_visit_end(request)
        return None
    return visit


def desk_visit_required(request: HttpRequest) -> tuple[User, User, DeskVisit]:
    """The officer, the person and the visit, or a refusal saying what is missing."""
    officer = request.user
    if not isinstance(officer, User) or not can_assist_verification(officer):
        raise NotAllowed(_("Only officers work at the desk."))
    visit = desk_visit_current(request)
    if visit is None:
        raise NotAllowed(_("No visit is open at your desk (it ended or timed out). Find the person again."))
    person = User.objects.select_related("census_record__district__province").filter(pk=visit.person_id).first()
    if person is None or not person.is_active:
        desk_visit_end(request)
        raise NotAllowed(_("This person's account is no longer active."))
    return officer, person, visit
