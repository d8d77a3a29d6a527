"""Accounts, districts, the census registry, and the audit log.

A census record holds no identity document in clear: only its keyed hash
(`accounts.census.document_hash`). Verification binds an account to one record,
and a record to at most one account (a one-to-one column, so a unique index).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .display_names import DISPLAY_NAME_MAX, display_name_generate


class Area(models.TextChoices):
    RURAL = "rural", _("Rural")
    URBAN = "urban", _("Urban")


class Gender(models.TextChoices):
    """As the census registry records it; `unknown` when the registry has nothing."""

    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    ANOTHER = "another", _("Another")
    UNKNOWN = "unknown", _("Unknown")


class DeclaredGender(models.TextChoices):
    """What a citizen may say of themselves on the profile (optional)."""

    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    ANOTHER = "another", _("Another")
    PREFER_NOT = "prefer_not", _("Prefer not to say")


class Region(models.Model):
    code = models.CharField(_("code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Province(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="provinces")
    code = models.CharField(_("code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="districts")
    code = models.CharField(_("code"), max_length=6, unique=True, help_text=_("e.g. Peru's six-digit ubigeo"))
    name = models.CharField(_("name"), max_length=120)
    area = models.CharField(_("area"), max_length=5, choices=Area.choices)

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=Q(area__in=Area.values), name="district_area_valid")]

    def __str__(self) -> str:
        return f"{self.name} ({self.province.name})"


class CensusRecord(models.Model):
    """One eligible resident. Eligibility to vote and support belongs to this row, not to an account."""

    document_hash = models.CharField(_("document hash"), max_length=64, unique=True)
    birth_date = models.DateField(_("birth date"))
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="census_records")
    gender = models.CharField(_("gender"), max_length=7, choices=Gender.choices, default=Gender.UNKNOWN)
    # Copied from the district unless the census file overrides it; kept here so statistics need no join.
    area = models.CharField(_("area"), max_length=5, choices=Area.choices)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(gender__in=Gender.values), name="census_gender_valid"),
            models.CheckConstraint(condition=Q(area__in=Area.values), name="census_area_valid"),
        ]
        indexes = [models.Index(fields=["district", "gender", "area"], name="census_cell_idx")]

    def __str__(self) -> str:
        return f"census #{self.pk}"


class User(AbstractUser):
    """An account. `census_record` set means verified; email is the sign-in identity when there is one.

    An officer at a desk may open an account for a person with no email: it has a public
    name, maybe a phone, and signs in with one-time codes the officer hands over (LoginCode).
    """

    # NULL, not "", for accounts without email: unique ignores NULLs, so many can have none.
    # Nullable on purpose (AbstractUser says str): a person signed up at an officer's desk may have no email.
    email = models.EmailField(_("email address"), unique=True, null=True, blank=True)  # type: ignore[assignment]
    # Chosen at sign-up; never derived from the email (accounts.display_names says why).
    display_name = models.CharField(_("public name"), max_length=DISPLAY_NAME_MAX, default=display_name_generate)
    census_record = models.OneToOneField(
        CensusRecord,
        verbose_name=_("census record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="account",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    declared_gender = models.CharField(
        _("gender (optional)"), max_length=10, choices=DeclaredGender.choices, blank=True
    )
    declared_district = models.ForeignKey(
        District,
        verbose_name=_("district (optional)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    blocked_at = models.DateTimeField(_("blocked at"), null=True, blank=True)
    blocked_reason = models.TextField(_("reason for blocking"), blank=True)
    # Every message this person receives (in-app, email, SMS) is written in this language.
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    # A phone in E.164 (accounts.sms.phone_normalise), confirmed by a code sent to it; one account per phone.
    phone = models.CharField(_("mobile phone"), max_length=16, unique=True, null=True, blank=True)
    phone_confirmed_at = models.DateTimeField(_("phone confirmed at"), null=True, blank=True)
    # The person texted STOP: no SMS is sent to this phone until they text START (or change it in settings).
    sms_opt_out_at = models.DateTimeField(_("SMS stopped at"), null=True, blank=True)

    objects = UserManager()  # type: ignore[misc]

    class Meta(AbstractUser.Meta):
        constraints = [
            models.CheckConstraint(
                condition=Q(census_record__isnull=True) | Q(verified_at__isnull=False),
                name="user_verified_has_date",
            ),
            models.CheckConstraint(
                condition=Q(phone__isnull=False) | Q(phone_confirmed_at__isnull=True),
                name="user_confirmed_phone_exists",
            ),
            models.CheckConstraint(condition=~Q(email=""), name="user_email_null_not_empty"),
            models.CheckConstraint(condition=~Q(display_name=""), name="user_display_name_not_empty"),
        ]

    @property
    def is_verified(self) -> bool:
        return self.census_record_id is not None

    @property
    def is_blocked(self) -> bool:
        return self.blocked_at is not None

    @property
    def public_name(self) -> str:
        return self.display_name or str(_("Participant"))

    @property
    def sms_phone(self) -> str | None:
        """The phone SMS may be sent to: confirmed, and the person has not texted STOP."""
        if self.phone and self.phone_confirmed_at and self.sms_opt_out_at is None:
            return self.phone
        return None


class AuditEntry(models.Model):
    """Every moderation and administration action: who, when, where, what, why. Never a document number."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_entries"
    )
    action = models.CharField(_("action"), max_length=64)
    target_type = models.CharField(_("target type"), max_length=64, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    location = models.CharField(_("where"), max_length=200, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_type}:{self.target_id}"


class CensusImport(models.Model):
    """One census file import, with its progress (for the admin) and its problems."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        DONE = "done", _("Imported")
        REJECTED = "rejected", pgettext_lazy("census import status", "Rejected")
        # Stopped by something other than the file (the database, a bug, the process interrupted).
        FAILED = "failed", _("Failed")

    file_name = models.CharField(_("file name"), max_length=255)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows checked"), default=0)
    rows_created = models.PositiveIntegerField(_("records created"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("records unchanged"), default=0)
    rows_updated = models.PositiveIntegerField(_("records updated"), default=0)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    # `problems` keeps the first CENSUS_IMPORT_PROBLEMS_KEPT; this counts them all.
    problems_total = models.PositiveIntegerField(_("problems found"), default=0)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    # The language of whoever started the import: its problems are written in it.
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The queued task that runs it (django-tasks result id, empty when run in the foreground) and how many
    # times a worker started it: the worker's sweep reads them to resume or end an import whose worker died.
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


class VerificationCode(models.Model):
    """A pending SMS step: the census matched, the account binds once the code comes back.

    Only the code's hash is kept, and at most one pending code per account.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pending_verification")
    census_record = models.ForeignKey(CensusRecord, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64)
    phone_hint = models.CharField(_("phone (last digits)"), max_length=8, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"verification code for account #{self.user_id}"


class LoginCode(models.Model):
    """A one-time sign-in code an officer hands to a person at a desk (no email needed).

    Only the code's SHA-256 is kept; a code works once, before it expires.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    location = models.CharField(_("where"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"login code for account #{self.user_id}"


class PhoneConfirmation(models.Model):
    """A pending phone confirmation: the code sent by SMS, hashed; one pending per account."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pending_phone")
    phone = models.CharField(max_length=16)
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"phone confirmation for account #{self.user_id}"
