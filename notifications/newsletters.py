"""Newsletters: who a segment reaches, a test to oneself, and the sending (through notify, in the background).

The "followers of a process" segment comes from proposals through the Wagtail hook
`notifications_process_followers` (a function process_id → QuerySet[User]): notifications
knows nothing of proposals.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task
from wagtail import hooks

from accounts.models import User
from accounts.roles import ADMINISTRATOR, has_role
from decide.refusals import Conflict, NotAllowed
from decide.sanitize import clean_html

from .kinds import Kind
from .models import Delivery, Newsletter, Notification
from .services import notify
from .tasks import deliveries_send_enqueue


def newsletter_refusal(user: object) -> str | None:
    """Why `user` may not write or send newsletters (administrators only), or None."""
    if not has_role(user, ADMINISTRATOR):
        return _("Only administrators write and send newsletters.")
    return None


def newsletter_recipients(newsletter: Newsletter) -> QuerySet[User]:
    """Active accounts of the newsletter's segment (census district when verified, declared district otherwise)."""
    people = get_user_model().objects.filter(is_active=True)
    segment = newsletter.segment
    if segment == Newsletter.Segment.DISTRICT:
        return people.filter(
            Q(census_record__district_id=newsletter.district_id)
            | Q(census_record__isnull=True, declared_district_id=newsletter.district_id)
        )
    if segment == Newsletter.Segment.PROVINCE:
        return people.filter(
            Q(census_record__district__province_id=newsletter.province_id)
            | Q(census_record__isnull=True, declared_district__province_id=newsletter.province_id)
        )
    if segment == Newsletter.Segment.PROCESS:
        finders = hooks.get_hooks("notifications_process_followers")
        if not finders or newsletter.process_id is None:
            return people.none()
        followers: QuerySet[User] = finders[0](newsletter.process_id)
        return people.filter(pk__in=followers.values("pk"))
    return people


def newsletter_body_clean(body: str) -> str:
    """The one cleaner of user rich text (decide.sanitize), applied before a newsletter is stored."""
    return clean_html(body)


@transaction.atomic
def newsletter_send(*, newsletter: Newsletter, actor: User) -> Newsletter:
    """Send `newsletter` to its segment, once: in-app and email (to those who accept newsletters), in the background."""
    if reason := newsletter_refusal(actor):
        raise NotAllowed(reason)
    locked = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
    if locked.status != Newsletter.Status.DRAFT:
        raise Conflict(_("This newsletter has already been sent."))
    recipients = newsletter_recipients(locked)
    locked.status = Newsletter.Status.SENDING
    locked.recipient_count = recipients.count()
    locked.sent_at = timezone.now()
    locked.save(update_fields=["status", "recipient_count", "sent_at"])
    notify(
        kind=Kind.NEWSLETTER,
        recipients=recipients,
        key=f"newsletter:{locked.pk}",
        params={"subject": locked.subject, "newsletter": locked.pk},
    )
    return locked


@task(backend="background", queue_name="notifications")
def newsletter_test_task(newsletter_id: int, user_id: int) -> None:
    """The test copy: a notification of its own for the administrator (key "newsletter-test:…"), sent now."""
    newsletter = Newsletter.objects.get(pk=newsletter_id)
    notification, _created = Notification.objects.get_or_create(
        recipient_id=user_id,
        kind=Kind.NEWSLETTER,
        key=f"newsletter-test:{newsletter_id}:{timezone.now():%Y%m%d%H%M%S%f}",
        defaults={"params": {"subject": newsletter.subject, "newsletter": newsletter_id}, "read_at": timezone.now()},
    )
    Delivery.objects.get_or_create(notification=notification, channel="email")
    deliveries_send_enqueue()


def newsletter_test_send(*, newsletter: Newsletter, actor: User) -> None:
    """Queue a copy of `newsletter` to `actor` only (after commit; never inside the request)."""
    if reason := newsletter_refusal(actor):
        raise NotAllowed(reason)
    transaction.on_commit(lambda: newsletter_test_task.enqueue(newsletter.pk, actor.pk))
