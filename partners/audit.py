"""What of the partners app the audit log records."""

from __future__ import annotations

from typing import Any

from auditlog.registry import auditlog
from axes.signals import user_locked_out


def register() -> None:
    from partners.models import (
        MOU,
        Agency,
        AgencyContact,
        Committee,
        Meeting,
        MeetingAgencyAttendance,
        MeetingAttendance,
        MemberOnboarding,
        MOUReminder,
        OutreachEvent,
        TrainingAudience,
        TrainingEvent,
        User,
        Volunteer,
        VolunteerShift,
    )

    auditlog.register(Agency)
    auditlog.register(AgencyContact)
    auditlog.register(MOU, m2m_fields={"parties"})
    auditlog.register(MOUReminder)
    auditlog.register(Committee, m2m_fields={"members"})
    auditlog.register(Meeting)
    auditlog.register(MeetingAttendance)
    auditlog.register(MeetingAgencyAttendance)
    auditlog.register(TrainingEvent)
    auditlog.register(TrainingAudience)
    auditlog.register(OutreachEvent)
    auditlog.register(Volunteer)
    auditlog.register(VolunteerShift)
    auditlog.register(MemberOnboarding)
    # Never the password hash; group membership (agency and roles) is tracked as m2m.
    auditlog.register(
        User,
        # Account facts only: never the password hash, and not the per-sign-in timestamps
        # (last_login, notice acknowledgement), which the security log records instead.
        include_fields=[
            "username",
            "first_name",
            "last_name",
            "email",
            "agency",
            "title",
            "phone",
            "is_active",
            "password_changed_at",
        ],
        m2m_fields={"groups"},
    )
    user_locked_out.connect(_record_lockout, dispatch_uid="partners.lockout")


def _record_lockout(sender: Any, request: Any, username: str | None = None, **kwargs: Any) -> None:
    """django-axes announces lockouts only through this signal; write each new one to the security log.

    axes sends the signal again for every attempt against a username already
    locked; only the attempt that was counted as a failure (the one that locked
    it) carries ``axes_failures_since_start``, so the repeats are skipped.
    """
    from partners.models import SecurityEventKind, User
    from partners.services import security_event_record

    if getattr(request, "axes_failures_since_start", None) is None:
        return

    user = User.objects.filter(username=username or "").first()
    security_event_record(kind=SecurityEventKind.LOCKOUT, request=request, user=user, username=username or "")
