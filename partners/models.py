"""Agencies, people and their roles, and the security event log.

Writes go through ``partners.services``; these classes hold data and the
invariants of one row only.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, Group, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.roles import AgencyKind, Role, Sector, sector_for_kind


class AgencyQuerySet(models.QuerySet["Agency"]):
    def active(self) -> AgencyQuerySet:
        return self.filter(active=True)

    def in_sector(self, sector: str) -> AgencyQuerySet:
        kinds = [kind for kind in AgencyKind.values if sector_for_kind(kind) == sector]
        return self.filter(kind__in=kinds)


class Agency(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=AgencyKind.choices)
    confidentiality_covered = models.BooleanField(
        _("confidentiality covered"),
        default=False,
        help_text=_(
            "A VAWA/FVPSA/VOCA-funded victim service provider: its survivors' personal "
            "information may leave it only with the survivor's written, time-limited consent."
        ),
    )
    jurisdiction = models.CharField(_("jurisdiction"), max_length=200, blank=True)
    services_offered = models.JSONField(_("services offered"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    eligibility_notes = models.TextField(_("eligibility notes"), blank=True)
    website = models.URLField(_("website"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    # Object permissions are granted to this group, never to individual users.
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="agency", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[AgencyQuerySet] = AgencyQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.name

    @property
    def sector(self) -> str:
        """Derived from the kind, so the two can never disagree."""
        return sector_for_kind(self.kind)

    def get_sector_display(self) -> str:
        return str(Sector(self.sector).label)


class AgencyContact(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["agency_id", "position", "name"]
        verbose_name = _("agency contact")

    def __str__(self) -> str:
        return f"{self.name} ({self.agency.slug})"


class SharingAgreement(models.Model):
    """What the owner agency shares by default with a partner when both work a case.

    Field-group names are those of ``cases.field_groups``. For a
    confidentiality-covered owner, survivor PII groups are never shared by
    agreement (only the survivor's consent shares them); the access policy
    enforces that whatever is stored here.
    """

    owner = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="agreements_given")
    partner = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="agreements_received")
    victim_groups = models.JSONField(_("survivor field groups"), default=list, blank=True)
    case_groups = models.JSONField(_("case field groups"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    updated_by = models.ForeignKey("User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "partner"], name="partners_agreement_unique"),
            models.CheckConstraint(condition=~models.Q(owner=models.F("partner")), name="partners_agreement_not_self"),
        ]
        verbose_name = _("sharing agreement")

    def __str__(self) -> str:
        return f"{self.owner_id}->{self.partner_id}"


class TaskforceUserManager(UserManager["User"]):
    def create_superuser(self, *args: Any, **kwargs: Any) -> User:
        # Superusers bypass every object permission, including survivor PII; the
        # taskforce_admin role is the administrator here.
        raise PermissionError("Superusers are disabled; create a user with the taskforce_admin role.")


class User(AbstractUser):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="members")
    title = models.CharField(_("job title"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    password_changed_at = models.DateTimeField(_("password changed at"), default=timezone.now)
    notice_acknowledged_at = models.DateTimeField(_("system-use notice acknowledged at"), null=True, blank=True)

    REQUIRED_FIELDS: ClassVar[list[str]] = ["email", "agency"]

    objects: ClassVar[TaskforceUserManager] = TaskforceUserManager()

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")

    def role_names(self) -> frozenset[str]:
        """The roles held, cached on the instance for the life of the request."""
        cached: frozenset[str] | None = getattr(self, "_role_names", None)
        if cached is None:
            cached = frozenset(self.role_assignments.values_list("role", flat=True))
            self._role_names = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_names() & set(roles))


class RoleAssignment(models.Model):
    """One role held by one user; mirrored into the role's group by ``partners.services``."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    assigned_at = models.DateTimeField(auto_now_add=True)
    assigned_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="partners_role_unique_per_user")]
        ordering = ["user_id", "role"]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.role}"


class UserSession(models.Model):
    """Index from a user to their server-side sessions, so sign-out and
    deactivation can end every one of them."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "created_at"], name="partners_usersession_user")]

    def __str__(self) -> str:
        return f"session of user {self.user_id} since {self.created_at:%Y-%m-%d %H:%M}"


class SecurityEventKind(models.TextChoices):
    SIGN_IN = "sign_in", _("Signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
    SIGN_OUT = "sign_out", _("Signed out")
    LOCKOUT = "lockout", _("Locked out")
    UNLOCK = "unlock", _("Unlocked")
    MFA_ENROLLED = "mfa_enrolled", _("MFA enrolled")
    MFA_VERIFIED = "mfa_verified", _("MFA verified")
    MFA_FAILED = "mfa_failed", _("MFA code rejected")
    RECOVERY_CODE_USED = "recovery_code_used", _("Recovery code used")
    RECOVERY_CODES_ISSUED = "recovery_codes_issued", _("Recovery codes issued")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    SESSION_EXPIRED = "session_expired", _("Session expired")
    SESSIONS_ENDED = "sessions_ended", _("Sessions ended")
    API_TOKEN_ISSUED = "api_token_issued", _("API token issued")


class SecurityEventQuerySet(models.QuerySet["SecurityEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("The security event log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The security event log is append-only.")


class SecurityEvent(models.Model):
    """Append-only log of authentication events. Holds opaque ids and the
    attempted username, never passwords, codes or session keys."""

    kind = models.CharField(max_length=32, choices=SecurityEventKind.choices)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="security_events")
    username = models.CharField(max_length=150, blank=True)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    details = models.JSONField(default=dict, blank=True)

    objects: ClassVar[SecurityEventQuerySet] = SecurityEventQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["user", "-at"], name="partners_secevent_user_at"),
            models.Index(fields=["kind", "-at"], name="partners_secevent_kind_at"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.username} {self.at:%Y-%m-%d %H:%M:%S}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("The security event log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("The security event log is append-only.")


# Running the task force (MOUs, meetings, trainings, volunteers): its own module to keep this one small.
from partners.operations.models import (  # noqa: E402
    MOU,
    Committee,
    Meeting,
    MeetingAgencyAttendance,
    MeetingAttendance,
    MemberOnboarding,
    MOUReminder,
    OutreachEvent,
    TrainingAudience,
    TrainingEvent,
    Volunteer,
    VolunteerShift,
)

__all__ = [
    "MOU",
    "Agency",
    "AgencyContact",
    "Committee",
    "MOUReminder",
    "Meeting",
    "MeetingAgencyAttendance",
    "MeetingAttendance",
    "MemberOnboarding",
    "OutreachEvent",
    "RoleAssignment",
    "SecurityEvent",
    "SecurityEventKind",
    "SharingAgreement",
    "TrainingAudience",
    "TrainingEvent",
    "User",
    "UserSession",
    "Volunteer",
    "VolunteerShift",
]
