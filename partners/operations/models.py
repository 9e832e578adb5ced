"""MOUs, committees, meetings, trainings, outreach, volunteers and member onboarding.

Imported at the end of ``partners.models``; the app label is ``partners``. Rows
hold data and their own invariants; workflows (status transitions, reminders,
attendance) live in ``partners.operations.services``.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Files that no URL serves: outside MEDIA_ROOT, read only through a view that checks access.

    The location is read from the settings at every use (not at import), so tests
    can point it at a temporary directory.
    """

    @property
    def base_location(self) -> str:
        return str(settings.TASKFORCE_PRIVATE_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no URL; serve them through a view that checks access.")


class TrainingTopic(models.TextChoices):
    SEX = "sex", _("Sex trafficking")
    LABOR = "labor", _("Labor trafficking")
    BOTH = "both", _("Sex and labor trafficking")
    GENERAL = "general", _("General")


class AudienceDiscipline(models.TextChoices):
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    PROSECUTION = "prosecution", _("Prosecution")
    VICTIM_SERVICES = "victim_services", _("Victim services")
    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Education")
    CHILD_WELFARE = "child_welfare", _("Child welfare")
    LABOR_REGULATORY = "labor_regulatory", _("Labor/regulatory")
    FAITH = "faith", _("Faith")
    BUSINESS = "business", _("Business")
    COMMUNITY = "community", _("Community")
    OTHER = "other", _("Other")


# --- MOUs ----------------------------------------------------------------------------
class MOUStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_SIGNATURE = "in_signature", _("In signature")
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    TERMINATED = "terminated", _("Terminated")


# The legal moves; anything else is refused by ``mou_transition``. An expired MOU
# becomes active again only by renewal (a new expiry date in the future).
MOU_TRANSITIONS: dict[str, frozenset[str]] = {
    MOUStatus.DRAFT: frozenset({MOUStatus.IN_SIGNATURE, MOUStatus.TERMINATED}),
    MOUStatus.IN_SIGNATURE: frozenset({MOUStatus.DRAFT, MOUStatus.ACTIVE, MOUStatus.TERMINATED}),
    MOUStatus.ACTIVE: frozenset({MOUStatus.EXPIRED, MOUStatus.TERMINATED}),
    MOUStatus.EXPIRED: frozenset({MOUStatus.ACTIVE, MOUStatus.TERMINATED}),
    MOUStatus.TERMINATED: frozenset(),
}

MOU_REMINDER_DAYS: tuple[int, ...] = (90, 30, 7)


def mou_document_path(instance: MOU, filename: str) -> str:
    # The stored name never carries the uploaded file's name: it can hold personal data.
    extension = os.path.splitext(filename)[1].lower()[:10]
    return f"mous/{instance.pk or 'new'}/signed{extension}"


class MOU(models.Model):
    title = models.CharField(_("title"), max_length=200)
    purpose = models.TextField(_("purpose"), blank=True)
    parties = models.ManyToManyField("partners.Agency", related_name="mous", verbose_name=_("parties"))
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=MOUStatus.choices, default=MOUStatus.DRAFT)
    document = models.FileField(
        _("signed document"), upload_to=mou_document_path, storage=PrivateStorage(), blank=True, max_length=200
    )
    renewal_notes = models.TextField(_("renewal notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["expires_on", "title"]
        verbose_name = _("MOU")
        verbose_name_plural = _("MOUs")
        indexes = [models.Index(fields=["status", "expires_on"], name="partners_mou_status_expiry")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.effective_from and self.expires_on and self.expires_on < self.effective_from:
            raise ValidationError({"expires_on": _("The expiry date is before the effective date.")})


class MOUReminder(models.Model):
    """One row per reminder sent: the unique constraint is what makes it never go twice."""

    mou = models.ForeignKey(MOU, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveSmallIntegerField(_("days before expiry"))
    expires_on = models.DateField(_("expiry date reminded of"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    recipients = models.JSONField(_("recipients"), default=list, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["mou", "expires_on", "days_before"], name="partners_mou_reminder_once")
        ]
        verbose_name = _("MOU reminder")

    def __str__(self) -> str:
        return f"{self.mou_id}:{self.days_before}d"


# --- Committees and meetings -----------------------------------------------------------
class CommitteeKind(models.TextChoices):
    CORE_GROUP = "core_group", _("Core group")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    VICTIM_SERVICES = "victim_services", _("Victim services")
    OUTREACH = "outreach", _("Outreach")
    OTHER = "other", _("Other")


class Committee(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=CommitteeKind.choices, default=CommitteeKind.OTHER)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="committees", blank=True, verbose_name=_("members")
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chaired_committees",
        verbose_name=_("chair"),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("committee")

    def __str__(self) -> str:
        return self.name


class Meeting(models.Model):
    title = models.CharField(_("title"), max_length=200)
    committee = models.ForeignKey(
        Committee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("committee"),
        help_text=_("Leave empty for a general meeting of the task force."),
    )
    host_agency = models.ForeignKey(
        "partners.Agency", on_delete=models.PROTECT, related_name="meetings_hosted", verbose_name=_("host agency")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    location = models.CharField(_("location"), max_length=300, blank=True)
    online_url = models.URLField(_("online meeting link"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    training_topic = models.CharField(_("training topic"), max_length=16, choices=TrainingTopic.choices, blank=True)
    training_presenter = models.CharField(_("training presenter"), max_length=200, blank=True)
    training_hours = models.DecimalField(
        _("training hours"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    attendees: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="MeetingAttendance", related_name="meetings_attended", blank=True
    )

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("meeting")
        indexes = [models.Index(fields=["starts_at"], name="partners_meeting_starts")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The meeting must end after it starts.")})

    @property
    def has_training(self) -> bool:
        return bool(self.training_topic)


class MeetingAttendance(models.Model):
    """A member who attended, recorded by name."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="person_attendance")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="partners_attendance_once")]

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.person_id}"


class MeetingAgencyAttendance(models.Model):
    """An agency present, with the number of its guests who have no account."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agency_attendance")
    agency = models.ForeignKey("partners.Agency", on_delete=models.PROTECT, related_name="+")
    guest_headcount = models.PositiveSmallIntegerField(_("guests without an account"), default=0)

    class Meta:
        ordering = ["agency__name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "agency"], name="partners_agency_attendance_once")]

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.agency_id}+{self.guest_headcount}"


# --- Trainings and outreach ----------------------------------------------------------
class TrainingEvent(models.Model):
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0)])
    topic = models.CharField(_("topic"), max_length=16, choices=TrainingTopic.choices)
    delivered_by = models.ForeignKey(
        "partners.Agency", on_delete=models.PROTECT, related_name="trainings", verbose_name=_("delivered by")
    )
    presenters = models.CharField(_("presenters"), max_length=300, blank=True)
    location = models.CharField(_("location"), max_length=300, blank=True)
    materials = models.TextField(_("materials"), blank=True)
    # An award number: partners may not import reporting, which lists its awards through
    # partners.operations.funding and counts a funded training in that award's reports.
    funding_award = models.CharField(_("funding award"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("training")
        indexes = [models.Index(fields=["held_on"], name="partners_training_held_on")]

    def __str__(self) -> str:
        return self.title


class TrainingAudience(models.Model):
    """Attendees of one discipline at one training (duplicated attendance, as the grant measures count)."""

    training = models.ForeignKey(TrainingEvent, on_delete=models.CASCADE, related_name="audiences")
    discipline = models.CharField(_("discipline"), max_length=32, choices=AudienceDiscipline.choices)
    attendees = models.PositiveIntegerField(_("attendees"))

    class Meta:
        ordering = ["discipline"]
        constraints = [
            models.UniqueConstraint(fields=["training", "discipline"], name="partners_training_audience_once")
        ]

    def __str__(self) -> str:
        return f"{self.training_id}:{self.discipline}={self.attendees}"


class OutreachKind(models.TextChoices):
    PRESENTATION = "presentation", _("Presentation")
    MEDIA = "media", _("Media")
    MATERIALS = "materials", _("Materials distribution")
    COMMUNITY_EVENT = "community_event", _("Community event")
    STREET_OUTREACH = "street_outreach", _("Street outreach")
    ONLINE = "online", _("Online")


class OutreachEvent(models.Model):
    kind = models.CharField(_("type"), max_length=32, choices=OutreachKind.choices)
    title = models.CharField(_("title"), max_length=200)
    audience = models.CharField(_("audience"), max_length=200, blank=True)
    people_reached = models.PositiveIntegerField(_("people reached"), default=0)
    held_on = models.DateField(_("date"))
    delivered_by = models.ForeignKey(
        "partners.Agency", on_delete=models.PROTECT, related_name="outreach", verbose_name=_("delivered by")
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("outreach event")
        indexes = [models.Index(fields=["held_on"], name="partners_outreach_held_on")]

    def __str__(self) -> str:
        return self.title


# --- Volunteers and onboarding ----------------------------------------------------------
class Volunteer(models.Model):
    """A volunteer of an agency, with or without an account. Name and contact are personal details."""

    agency = models.ForeignKey("partners.Agency", on_delete=models.PROTECT, related_name="volunteers")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="volunteer_record"
    )
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    skills = models.JSONField(_("skills"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    law_enforcement = models.BooleanField(_("law enforcement volunteer"), default=False)
    orientation_on = models.DateField(_("orientation completed on"), null=True, blank=True)
    confidentiality_signed_on = models.DateField(_("confidentiality agreement signed on"), null=True, blank=True)
    training_completed_on = models.DateField(_("training completed on"), null=True, blank=True)
    ride_along_on = models.DateField(_("ride-along completed on"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name = _("volunteer")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def onboarding_complete(self) -> bool:
        done = bool(self.orientation_on and self.confidentiality_signed_on and self.training_completed_on)
        return done and (self.ride_along_on is not None or not self.law_enforcement)


class VolunteerShift(models.Model):
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="shifts")
    worked_on = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1, validators=[MinValueValidator(0)])
    activity = models.CharField(_("activity"), max_length=200)

    class Meta:
        ordering = ["-worked_on", "-id"]
        verbose_name = _("volunteer shift")

    def __str__(self) -> str:
        return f"{self.volunteer_id}:{self.worked_on}"


class MemberOnboarding(models.Model):
    """A new member's checklist. MFA enrolment is not stored here: it is read from django-otp."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="onboarding")
    orientation_on = models.DateField(_("orientation completed on"), null=True, blank=True)
    confidentiality_signed_on = models.DateField(_("confidentiality agreement signed on"), null=True, blank=True)
    role_training_on = models.DateField(_("role training completed on"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("member onboarding")

    def __str__(self) -> str:
        return f"onboarding of {self.user_id}"
