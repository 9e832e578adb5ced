"""Closed-loop referrals between partner agencies, their deadlines, in-app
notifications and hotline tips.

Writes go through ``referrals.services``; these classes hold data and the
invariants of one row only. What a referral shares is decided by
``referrals.services`` (consent-gated) and granted through ``cases.access``.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Victim
from partners.models import Agency, User


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    URGENT = "urgent", _("Urgent")
    EMERGENCY = "emergency", _("Emergency")


# Time to acknowledge, per urgency, when the receiving agency has set none;
# accepting or declining is due within twice that (ReferralDeadline.decide_within).
DEFAULT_ACKNOWLEDGE_WITHIN: dict[str, timedelta] = {
    Urgency.EMERGENCY: timedelta(hours=2),
    Urgency.URGENT: timedelta(hours=24),
    Urgency.ROUTINE: timedelta(hours=72),
}


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ACCEPTED = "accepted", _("Accepted")
    COMPLETED = "completed", _("Completed")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")


class Outcome(models.TextChoices):
    SERVICES_DELIVERED = "services_delivered", _("Services delivered")
    CLOSED_WITHOUT_SERVICE = "closed_without_service", _("Closed without service")


class Referral(models.Model):
    from_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="referrals_sent")
    from_user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="referrals_made")
    to_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="referrals_received")
    victim = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="referrals")
    # Values of cases.catalog.ServiceType.
    services = models.JSONField(_("services requested"), default=list)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    note = models.TextField(_("note to the recipient"), blank=True)
    # Survivor field groups the recipient reads once it accepts; only groups an
    # active consent naming the recipient covers, plus the de-identified profile.
    shared_field_groups = models.JSONField(_("shared field groups"), default=list)
    status = models.CharField(
        _("status"), max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.DRAFT, db_index=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    declined_at = models.DateTimeField(null=True, blank=True)
    declined_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # Expiry is the deadline task's doing: no person, so no "expired_by".
    expired_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(_("decline reason"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=24, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("outcome note"), blank=True)
    acknowledge_due_at = models.DateTimeField(null=True, blank=True)
    decide_due_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            # The inbox and the deadline task: an agency's open referrals by due time.
            models.Index(fields=["to_agency", "status", "acknowledge_due_at"], name="referrals_inbox"),
            models.Index(fields=["from_agency", "status"], name="referrals_outbox"),
        ]

    def __str__(self) -> str:
        # Opaque: no survivor data.
        return f"referral {self.pk}"


class ReferralDeadline(models.Model):
    """A receiving agency's own deadlines for one urgency (the defaults apply otherwise)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="referral_deadlines")
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    acknowledge_within = models.DurationField(_("acknowledge within"))
    decide_within = models.DurationField(
        _("accept or decline within"), null=True, blank=True, help_text=_("Twice the acknowledgement time if empty.")
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "urgency"], name="referrals_deadline_unique")]

    def __str__(self) -> str:
        return f"{self.agency_id}:{self.urgency}"


class ReferralIntake(models.Model):
    """Whether an agency takes new referrals now (the directory shows it); absent means yes."""

    agency = models.OneToOneField(Agency, on_delete=models.CASCADE, related_name="referral_intake")
    accepting_referrals = models.BooleanField(_("accepting new referrals"), default=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    def __str__(self) -> str:
        return f"intake of {self.agency_id}"


class NotificationKind(models.TextChoices):
    RECEIVED = "received", _("New referral")
    ACKNOWLEDGED = "acknowledged", _("Referral acknowledged")
    ACCEPTED = "accepted", _("Referral accepted")
    DECLINED = "declined", _("Referral declined")
    COMPLETED = "completed", _("Referral completed")
    WITHDRAWN = "withdrawn", _("Referral withdrawn")
    EXPIRED = "expired", _("Referral expired")
    DUE_SOON = "due_soon", _("Referral due soon")
    OVERDUE = "overdue", _("Referral overdue")
    ESCALATED = "escalated", _("Overdue referral escalated")


class Notification(models.Model):
    """An in-app notice to one person; the unique key makes every event notify once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=16, choices=NotificationKind.choices)
    # Which deadline the notice is about ("acknowledge:<due time>"); empty for transitions,
    # which happen once per referral.
    window = models.CharField(max_length=64, blank=True, default="")
    # No survivor data: the referral number, agencies, urgency and what happened.
    message = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "referral", "kind", "window"], name="referrals_notification_once")
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="referrals_notification_unread")]

    def __str__(self) -> str:
        return f"notification {self.pk}"


class TipStatus(models.TextChoices):
    NEW = "new", _("New")
    TRIAGED_CASE = "triaged_case", _("Triaged into a case")
    TRIAGED_REFERRAL = "triaged_referral", _("Triaged into a referral")
    CLOSED = "closed", _("Closed")


class Tip(models.Model):
    """A hotline or community tip, triaged by the task force's central contact."""

    class Source(models.TextChoices):
        HOTLINE = "hotline", _("National or state hotline")
        COMMUNITY = "community", _("Community member")
        PARTNER = "partner", _("Partner agency")
        OTHER = "other", _("Other")

    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    summary = models.TextField(_("summary"))
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    status = models.CharField(_("status"), max_length=16, choices=TipStatus.choices, default=TipStatus.NEW)
    close_reason = models.TextField(_("reason for closing"), blank=True)
    case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="tips")
    referral = models.ForeignKey(Referral, on_delete=models.SET_NULL, null=True, blank=True, related_name="tips")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    triaged_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    triaged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"tip {self.pk}"
