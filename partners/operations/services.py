"""Every write to MOUs, committees, meetings, trainings, outreach, volunteers and onboarding.

Each function takes the acting user as ``actor``; ``actor=None`` is the system
itself (the demo seed, the daily MOU task). Permission is checked here, so the
API, the browser views and the admin cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from functools import partial
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.models import (
    MOU,
    Agency,
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
from partners.operations import access, funding
from partners.operations.models import MOU_REMINDER_DAYS, MOU_TRANSITIONS, MOUStatus
from partners.roles import Role

M = TypeVar("M", bound=models.Model)


def _apply(instance: M, changes: Mapping[str, Any], editable: frozenset[str]) -> M:
    unknown = set(changes) - editable
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    for field, value in changes.items():
        setattr(instance, field, value)
    instance.full_clean()
    instance.save()
    return instance


def _require(*, allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


# --- MOUs -----------------------------------------------------------------------------
MOU_EDITABLE_FIELDS = frozenset({"title", "purpose", "signed_on", "effective_from", "expires_on", "renewal_notes"})


def mou_create(*, actor: User | None, title: str, parties: Iterable[Agency], **fields: Any) -> MOU:
    if actor is not None:
        _require(allowed=access.can_manage_mous(actor), message=_("Only the task force administrator manages MOUs."))
    parties = list(parties)
    if len(parties) < 2:
        raise ValidationError({"parties": _("An MOU has at least two parties.")})
    with transaction.atomic():
        mou = _apply(MOU(title=title, created_by=actor), fields, MOU_EDITABLE_FIELDS)
        mou.parties.set(parties)
    return mou


def mou_update(*, mou: MOU, actor: User | None, parties: Iterable[Agency] | None = None, **changes: Any) -> MOU:
    if actor is not None:
        _require(allowed=access.can_manage_mous(actor), message=_("Only the task force administrator manages MOUs."))
    with transaction.atomic():
        _apply(mou, changes, MOU_EDITABLE_FIELDS)
        if parties is not None:
            parties = list(parties)
            if len(parties) < 2:
                raise ValidationError({"parties": _("An MOU has at least two parties.")})
            mou.parties.set(parties)
    return mou


def mou_transition(*, mou: MOU, actor: User | None, status: str, today: date | None = None) -> MOU:
    """Move an MOU along its life: draft → in signature → active → expired, or terminated at any point."""
    if actor is not None:
        _require(allowed=access.can_manage_mous(actor), message=_("Only the task force administrator manages MOUs."))
    today = today or timezone.localdate()
    if status == mou.status:
        return mou
    if status not in MOU_TRANSITIONS.get(mou.status, frozenset()):
        raise ValidationError(
            {"status": _("An MOU cannot go from %(old)s to %(new)s.") % {"old": mou.status, "new": status}}
        )
    if status == MOUStatus.ACTIVE:
        if mou.signed_on is None:
            raise ValidationError({"signed_on": _("Record the signing date before the MOU becomes active.")})
        if mou.expires_on is not None and mou.expires_on <= today:
            raise ValidationError({"expires_on": _("An active MOU needs an expiry date in the future.")})
    if status == MOUStatus.EXPIRED and (mou.expires_on is None or mou.expires_on > today):
        raise ValidationError({"status": _("An MOU expires only once its expiry date has passed.")})
    mou.status = status
    mou.save(update_fields=["status", "updated_at"])
    return mou


def mou_document_set(*, mou: MOU, actor: User | None, document: File) -> MOU:
    if actor is not None:
        _require(allowed=access.can_manage_mous(actor), message=_("Only the task force administrator manages MOUs."))
    with transaction.atomic():
        old_name = mou.document.name if mou.document else ""
        mou.document.save(document.name or "signed.pdf", document, save=False)
        mou.save(update_fields=["document", "updated_at"])
        if old_name and old_name != mou.document.name:
            storage = mou.document.storage
            transaction.on_commit(lambda: storage.delete(old_name))
    return mou


def mou_reminder_recipients(*, mou: MOU) -> list[str]:
    """The agency administrators of the parties and every task force administrator, active, with an email."""
    people = (
        User.objects.filter(is_active=True)
        .exclude(email="")
        .filter(
            models.Q(role_assignments__role=Role.TASKFORCE_ADMIN)
            | models.Q(role_assignments__role=Role.AGENCY_ADMIN, agency__in=mou.parties.all())
        )
        .values_list("email", flat=True)
        .distinct()
    )
    return sorted(set(people))


def _reminder_due(*, expires_on: date, today: date) -> int | None:
    """The tightest threshold the MOU is within (90, 30 or 7 days), or None.

    A run that was missed still sends the threshold now current; a threshold
    already passed (the 90-day one when 20 days remain) is not sent late.
    """
    days_left = (expires_on - today).days
    if days_left < 0:
        return None
    due = [days for days in MOU_REMINDER_DAYS if days_left <= days]
    return min(due) if due else None


def mou_expiry_reminders_send(*, today: date | None = None) -> int:
    """Send each due MOU reminder once; returns how many were sent.

    The reminder row is inserted before the email is queued, and the unique
    constraint (MOU, expiry date, threshold) refuses a second one, so two runs
    on the same day (or two workers at once) send one email.
    """
    today = today or timezone.localdate()
    horizon = today + timedelta(days=max(MOU_REMINDER_DAYS))
    sent = 0
    # Uses index partners_mou_status_expiry.
    mous = MOU.objects.filter(status=MOUStatus.ACTIVE, expires_on__gte=today, expires_on__lte=horizon).prefetch_related(
        "parties"
    )
    for mou in mous:
        assert mou.expires_on is not None  # filtered above  # noqa: S101
        days_before = _reminder_due(expires_on=mou.expires_on, today=today)
        if days_before is None:
            continue
        recipients = mou_reminder_recipients(mou=mou)
        try:
            with transaction.atomic():
                MOUReminder.objects.create(
                    mou=mou, days_before=days_before, expires_on=mou.expires_on, recipients=recipients
                )
                subject = _("MOU expiring in %(days)s days: %(title)s") % {"days": days_before, "title": mou.title}
                body = _(
                    'The MOU "%(title)s" between %(parties)s expires on %(date)s.\n\n'
                    "Please start its renewal, or record why it ends, in the task force system."
                ) % {
                    "title": mou.title,
                    "parties": ", ".join(party.name for party in mou.parties.all()),
                    "date": mou.expires_on.isoformat(),
                }
                # Email only once the reminder row is committed: a rolled-back run sends nothing.
                transaction.on_commit(partial(send_mail, subject, body, settings.DEFAULT_FROM_EMAIL, recipients))
        except IntegrityError:
            continue  # already sent by an earlier run
        sent += 1
    return sent


def mous_expire_lapsed(*, today: date | None = None) -> int:
    """Mark active MOUs whose expiry date has passed as expired (row by row, so the audit log has each)."""
    today = today or timezone.localdate()
    expired = 0
    for mou in MOU.objects.filter(status=MOUStatus.ACTIVE, expires_on__lt=today):
        mou_transition(mou=mou, actor=None, status=MOUStatus.EXPIRED, today=today)
        expired += 1
    return expired


# --- Committees -----------------------------------------------------------------------
COMMITTEE_EDITABLE_FIELDS = frozenset({"name", "kind", "chair", "active"})


def committee_create(
    *, actor: User | None, name: str, kind: str, members: Iterable[User] = (), chair: User | None = None
) -> Committee:
    if actor is not None:
        _require(
            allowed=access.can_manage_committees(actor),
            message=_("Only the task force administrator manages committees."),
        )
    with transaction.atomic():
        committee = _apply(Committee(), {"name": name, "kind": kind, "chair": chair}, COMMITTEE_EDITABLE_FIELDS)
        committee.members.set([*members, *([chair] if chair else [])])
    return committee


def committee_update(
    *, committee: Committee, actor: User | None, members: Iterable[User] | None = None, **changes: Any
) -> Committee:
    if actor is not None:
        _require(
            allowed=access.can_manage_committees(actor),
            message=_("Only the task force administrator manages committees."),
        )
    with transaction.atomic():
        _apply(committee, changes, COMMITTEE_EDITABLE_FIELDS)
        if members is not None:
            committee.members.set(list(members))
    return committee


# --- Meetings -------------------------------------------------------------------------
MEETING_EDITABLE_FIELDS = frozenset(
    {
        "title",
        "committee",
        "starts_at",
        "ends_at",
        "location",
        "online_url",
        "agenda",
        "minutes",
        "training_topic",
        "training_presenter",
        "training_hours",
    }
)


def meeting_create(*, actor: User | None, host_agency: Agency, title: str, **fields: Any) -> Meeting:
    if actor is not None:
        _require(
            allowed=access.can_edit_events_of(actor, host_agency),
            message=_("You may schedule meetings for your own agency only."),
        )
    return _apply(Meeting(host_agency=host_agency, title=title, created_by=actor), fields, MEETING_EDITABLE_FIELDS)


def meeting_update(*, meeting: Meeting, actor: User | None, **changes: Any) -> Meeting:
    if actor is not None:
        _require(
            allowed=access.can_edit_events_of(actor, meeting.host_agency), message=_("You may not change this meeting.")
        )
    return _apply(meeting, changes, MEETING_EDITABLE_FIELDS)


def meeting_attendance_set(
    *,
    meeting: Meeting,
    actor: User | None,
    people: Iterable[User],
    agency_guests: Mapping[Agency, int] | None = None,
) -> Meeting:
    """Replace the attendance: the members present, and per agency its guests who have no account."""
    if actor is not None:
        _require(
            allowed=access.can_edit_events_of(actor, meeting.host_agency), message=_("You may not change this meeting.")
        )
    wanted_people = {person.pk for person in people}
    guests = {agency.pk: count for agency, count in (agency_guests or {}).items()}
    if any(count < 0 for count in guests.values()):
        raise ValidationError({"guests": _("A headcount cannot be negative.")})
    with transaction.atomic():
        # Row by row rather than a bulk delete, so that the audit log records each change.
        for row in meeting.person_attendance.all():
            if row.person_id not in wanted_people:
                row.delete()
        present = set(meeting.person_attendance.values_list("person_id", flat=True))
        for person_id in sorted(wanted_people - present):
            MeetingAttendance.objects.create(meeting=meeting, person_id=person_id)
        for agency_row in meeting.agency_attendance.all():
            if guests.get(agency_row.agency_id, 0) == 0:
                agency_row.delete()
            elif agency_row.guest_headcount != guests[agency_row.agency_id]:
                agency_row.guest_headcount = guests[agency_row.agency_id]
                agency_row.save(update_fields=["guest_headcount"])
        recorded = set(meeting.agency_attendance.values_list("agency_id", flat=True))
        for agency_id, count in sorted(guests.items()):
            if count and agency_id not in recorded:
                MeetingAgencyAttendance.objects.create(meeting=meeting, agency_id=agency_id, guest_headcount=count)
    return meeting


# --- Trainings and outreach -----------------------------------------------------------
TRAINING_EDITABLE_FIELDS = frozenset(
    {"title", "held_on", "hours", "topic", "presenters", "location", "materials", "funding_award"}
)


def _training_audiences_set(*, training: TrainingEvent, audiences: Mapping[str, int]) -> None:
    if any(count < 0 for count in audiences.values()):
        raise ValidationError({"audiences": _("An attendee count cannot be negative.")})
    existing = {row.discipline: row for row in training.audiences.all()}
    for discipline, row in existing.items():
        if not audiences.get(discipline):
            row.delete()
    for discipline, count in audiences.items():
        if not count:
            continue
        current = existing.get(discipline)
        if current is None:
            added = TrainingAudience(training=training, discipline=discipline, attendees=count)
            added.full_clean()
            added.save()
        elif current.attendees != count:
            current.attendees = count
            current.save(update_fields=["attendees"])


def _funding_checked(fields: Mapping[str, Any], *, current: str = "") -> None:
    """A named funding award must be one of the task force's awards (when an app lists them);
    a reference kept from before is left alone."""
    value = fields.get("funding_award")
    choices = funding.award_choices()
    if not value or value == current or choices is None:
        return
    if value not in {number for number, _label in choices}:
        raise ValidationError({"funding_award": _("Choose one of the task force's active awards, or none.")})


def training_create(
    *, actor: User | None, delivered_by: Agency, audiences: Mapping[str, int] | None = None, **fields: Any
) -> TrainingEvent:
    if actor is not None:
        _require(
            allowed=access.can_edit_events_of(actor, delivered_by),
            message=_("You may log trainings of your own agency only."),
        )
    _funding_checked(fields)
    with transaction.atomic():
        training = _apply(TrainingEvent(delivered_by=delivered_by, created_by=actor), fields, TRAINING_EDITABLE_FIELDS)
        _training_audiences_set(training=training, audiences=audiences or {})
    return training


def training_update(
    *, training: TrainingEvent, actor: User | None, audiences: Mapping[str, int] | None = None, **changes: Any
) -> TrainingEvent:
    if actor is not None:
        _require(
            allowed=access.can_edit_events_of(actor, training.delivered_by),
            message=_("You may not change this training."),
        )
    _funding_checked(changes, current=training.funding_award)
    with transaction.atomic():
        _apply(training, changes, TRAINING_EDITABLE_FIELDS)
        if audiences is not None:
            _training_audiences_set(training=training, audiences=audiences)
    return training


OUTREACH_EDITABLE_FIELDS = frozenset({"kind", "title", "audience", "people_reached", "held_on", "notes"})


def outreach_create(*, actor: User | None, delivered_by: Agency, **fields: Any) -> OutreachEvent:
    if actor is not None:
        _require(
            allowed=access.can_edit_events_of(actor, delivered_by),
            message=_("You may log outreach of your own agency only."),
        )
    return _apply(OutreachEvent(delivered_by=delivered_by, created_by=actor), fields, OUTREACH_EDITABLE_FIELDS)


def outreach_update(*, outreach: OutreachEvent, actor: User | None, **changes: Any) -> OutreachEvent:
    if actor is not None:
        _require(
            allowed=access.can_edit_events_of(actor, outreach.delivered_by),
            message=_("You may not change this outreach."),
        )
    return _apply(outreach, changes, OUTREACH_EDITABLE_FIELDS)


# --- Volunteers -----------------------------------------------------------------------
VOLUNTEER_EDITABLE_FIELDS = frozenset(
    {
        "user",
        "first_name",
        "last_name",
        "email",
        "phone",
        "skills",
        "languages",
        "law_enforcement",
        "orientation_on",
        "confidentiality_signed_on",
        "training_completed_on",
        "ride_along_on",
        "active",
    }
)


def volunteer_create(*, actor: User | None, agency: Agency, first_name: str, **fields: Any) -> Volunteer:
    if actor is not None:
        _require(
            allowed=access.can_manage_volunteers_of(actor, agency),
            message=_("You may not manage this agency's volunteers."),
        )
    user = fields.get("user")
    if user is not None and user.agency_id != agency.pk:
        raise ValidationError({"user": _("The volunteer's account belongs to another agency.")})
    return _apply(Volunteer(agency=agency, first_name=first_name), fields, VOLUNTEER_EDITABLE_FIELDS)


def volunteer_update(*, volunteer: Volunteer, actor: User | None, **changes: Any) -> Volunteer:
    if actor is not None:
        _require(
            allowed=access.can_manage_volunteers_of(actor, volunteer.agency),
            message=_("You may not manage this agency's volunteers."),
        )
    user = changes.get("user")
    if user is not None and user.agency_id != volunteer.agency_id:
        raise ValidationError({"user": _("The volunteer's account belongs to another agency.")})
    return _apply(volunteer, changes, VOLUNTEER_EDITABLE_FIELDS)


def volunteer_shift_create(
    *, volunteer: Volunteer, actor: User | None, worked_on: date, hours: Any, activity: str
) -> VolunteerShift:
    if actor is not None:
        own = volunteer.user_id is not None and volunteer.user_id == actor.pk and actor.is_active
        _require(
            allowed=own or access.can_manage_volunteers_of(actor, volunteer.agency),
            message=_("You may record your own shifts, or those of your agency's volunteers."),
        )
    shift = VolunteerShift(volunteer=volunteer, worked_on=worked_on, hours=hours, activity=activity)
    shift.full_clean()
    shift.save()
    return shift


# --- Member onboarding ----------------------------------------------------------------
ONBOARDING_EDITABLE_FIELDS = frozenset({"orientation_on", "confidentiality_signed_on", "role_training_on"})


def onboarding_update(*, person: User, actor: User | None, **changes: Any) -> MemberOnboarding:
    if actor is not None:
        _require(
            allowed=access.can_manage_onboarding_of(actor, person),
            message=_("You may not change this person's onboarding."),
        )
    with transaction.atomic():
        onboarding, _created = MemberOnboarding.objects.select_for_update().get_or_create(user=person)
        return _apply(onboarding, changes, ONBOARDING_EDITABLE_FIELDS)
