"""Reads of the task force's own records, already narrowed to what the reader may see."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners.models import (
    MOU,
    Agency,
    Committee,
    Meeting,
    MeetingAgencyAttendance,
    MeetingAttendance,
    MemberOnboarding,
    OutreachEvent,
    TrainingAudience,
    TrainingEvent,
    User,
    Volunteer,
)
from partners.operations import access
from partners.operations.models import MOUStatus
from partners.roles import Role


# --- Calendar: every signed-in member -------------------------------------------------
def meetings_visible_to(*, user: User) -> QuerySet[Meeting]:
    if not access.can_read_calendar(user):
        return Meeting.objects.none()
    # Counts as subqueries (two joins would multiply each other): one query per page whatever its size.
    people = (
        MeetingAttendance.objects.filter(meeting=OuterRef("pk")).values("meeting").annotate(n=Count("pk")).values("n")
    )
    guests = (
        MeetingAgencyAttendance.objects.filter(meeting=OuterRef("pk"))
        .values("meeting")
        .annotate(n=Sum("guest_headcount"))
        .values("n")
    )
    return Meeting.objects.select_related("committee", "host_agency").annotate(
        people_count=Coalesce(Subquery(people), 0), guest_count=Coalesce(Subquery(guests), 0)
    )


def meeting_get_visible(*, user: User, pk: int) -> Meeting:
    try:
        return (
            meetings_visible_to(user=user)
            .prefetch_related(
                Prefetch(
                    "person_attendance",
                    queryset=MeetingAttendance.objects.select_related("person__agency").order_by(
                        "person__agency__name", "person__last_name", "person__first_name"
                    ),
                ),
                Prefetch("agency_attendance", queryset=MeetingAgencyAttendance.objects.select_related("agency")),
            )
            .get(pk=pk)
        )
    except Meeting.DoesNotExist as exc:
        raise Http404 from exc


@dataclass(frozen=True)
class AttendanceCount:
    members: int
    guests: int
    agencies: int

    @property
    def total(self) -> int:
        return self.members + self.guests


def meeting_attendance_count(*, meeting: Meeting) -> AttendanceCount:
    """People present (members by name plus guests by headcount) and agencies represented.

    Works on the prefetched rows of ``meeting_get_visible``.
    """
    people = list(meeting.person_attendance.all())
    agency_rows = list(meeting.agency_attendance.all())
    agencies = {row.person.agency_id for row in people} | {row.agency_id for row in agency_rows}
    return AttendanceCount(
        members=len(people), guests=sum(row.guest_headcount for row in agency_rows), agencies=len(agencies)
    )


def trainings_visible_to(*, user: User) -> QuerySet[TrainingEvent]:
    if not access.can_read_calendar(user):
        return TrainingEvent.objects.none()
    return TrainingEvent.objects.select_related("delivered_by").prefetch_related(
        Prefetch("audiences", queryset=TrainingAudience.objects.order_by("discipline"))
    )


def training_get_visible(*, user: User, pk: int) -> TrainingEvent:
    try:
        return trainings_visible_to(user=user).get(pk=pk)
    except TrainingEvent.DoesNotExist as exc:
        raise Http404 from exc


def outreach_visible_to(*, user: User) -> QuerySet[OutreachEvent]:
    if not access.can_read_calendar(user):
        return OutreachEvent.objects.none()
    return OutreachEvent.objects.select_related("delivered_by")


def outreach_get_visible(*, user: User, pk: int) -> OutreachEvent:
    try:
        return outreach_visible_to(user=user).get(pk=pk)
    except OutreachEvent.DoesNotExist as exc:
        raise Http404 from exc


@dataclass(frozen=True)
class CalendarEntry:
    kind: str  # "meeting" or "training"
    pk: int
    title: str
    day: date
    starts_at: datetime | None
    agency: str


def calendar_entries(*, user: User, start: date, end: date) -> list[CalendarEntry]:
    """Meetings and trainings from ``start`` up to (not including) ``end``, in date order."""
    zone = timezone.get_current_timezone()
    since = datetime.combine(start, time.min, tzinfo=zone)
    until = datetime.combine(end, time.min, tzinfo=zone)
    entries = [
        CalendarEntry(
            "meeting",
            meeting.pk,
            meeting.title,
            timezone.localtime(meeting.starts_at).date(),
            meeting.starts_at,
            meeting.host_agency.name,
        )
        for meeting in meetings_visible_to(user=user).filter(starts_at__gte=since, starts_at__lt=until)
    ]
    entries += [
        CalendarEntry("training", training.pk, training.title, training.held_on, None, training.delivered_by.name)
        for training in TrainingEvent.objects.select_related("delivered_by").filter(held_on__gte=start, held_on__lt=end)
        if access.can_read_calendar(user)
    ]
    return sorted(entries, key=lambda e: (e.day, e.starts_at or datetime.combine(e.day, time.min, tzinfo=zone)))


# --- Quarters (federal fiscal year: Q1 is October to December) --------------------------
def fiscal_quarter(day: date) -> tuple[int, int]:
    """(federal fiscal year, quarter): 2026-10-05 is FY2027 Q1."""
    fiscal_year = day.year + 1 if day.month >= 10 else day.year
    quarter = ((day.month - 10) % 12) // 3 + 1
    return fiscal_year, quarter


def quarter_label(key: tuple[int, int]) -> str:
    return f"FY{key[0]} Q{key[1]}"


@dataclass
class TrainingTotals:
    sessions: int = 0
    hours: Decimal = Decimal(0)
    attendees: int = 0
    by_discipline: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    by_topic: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def training_totals_by_quarter(*, user: User) -> dict[tuple[int, int], TrainingTotals]:
    """Sessions, hours and attendees (duplicated attendance) per fiscal quarter, by discipline and topic."""
    totals: dict[tuple[int, int], TrainingTotals] = {}
    for training in trainings_visible_to(user=user).order_by("held_on"):
        row = totals.setdefault(fiscal_quarter(training.held_on), TrainingTotals())
        row.sessions += 1
        row.hours += training.hours
        row.by_topic[training.topic] += 1
        for audience in training.audiences.all():
            row.attendees += audience.attendees
            row.by_discipline[audience.discipline] += audience.attendees
    return dict(sorted(totals.items(), reverse=True))


@dataclass
class OutreachTotals:
    events: int = 0
    people_reached: int = 0
    by_kind: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def outreach_totals_by_quarter(*, user: User) -> dict[tuple[int, int], OutreachTotals]:
    totals: dict[tuple[int, int], OutreachTotals] = {}
    for event in outreach_visible_to(user=user).order_by("held_on"):
        row = totals.setdefault(fiscal_quarter(event.held_on), OutreachTotals())
        row.events += 1
        row.people_reached += event.people_reached
        row.by_kind[event.kind] += 1
    return dict(sorted(totals.items(), reverse=True))


# --- MOUs ---------------------------------------------------------------------------
def mous_visible_to(*, user: User) -> QuerySet[MOU]:
    """Every member reads the MOU list (status, parties, dates); the document itself is checked apart."""
    if not user.is_active:
        return MOU.objects.none()
    return MOU.objects.prefetch_related(Prefetch("parties", queryset=Agency.objects.order_by("name")))


def mou_get_visible(*, user: User, pk: int) -> MOU:
    try:
        return mous_visible_to(user=user).get(pk=pk)
    except MOU.DoesNotExist as exc:
        raise Http404 from exc


def mou_get_document(*, user: User, pk: int) -> MOU:
    """The MOU whose signed document the user may download; 404 otherwise (also when there is none)."""
    mou = mou_get_visible(user=user, pk=pk)
    if not mou.document or not access.can_read_mou_document(user, mou):
        raise Http404
    return mou


@dataclass(frozen=True)
class PartnerRow:
    agency: Agency
    mou_status: str | None
    mou_expires_on: date | None
    last_attended: datetime | None


_STATUS_RANK: dict[str, int] = {
    MOUStatus.ACTIVE: 0,
    MOUStatus.IN_SIGNATURE: 1,
    MOUStatus.DRAFT: 2,
    MOUStatus.EXPIRED: 3,
    MOUStatus.TERMINATED: 4,
}


def partner_overview(*, user: User) -> list[PartnerRow]:
    """Each active agency with its best MOU status and the last meeting anyone of it attended. Three queries."""
    if not user.is_active:
        return []
    now = timezone.now()
    agencies = list(
        Agency.objects.active()
        .annotate(
            last_person=Max(
                "members__meetings_attended__starts_at",
                filter=Q(members__meetings_attended__starts_at__lte=now),
            )
        )
        .order_by("name")
    )
    last_guest = dict(
        MeetingAgencyAttendance.objects.filter(meeting__starts_at__lte=now)
        .values("agency_id")
        .annotate(last=Max("meeting__starts_at"))
        .values_list("agency_id", "last")
    )
    best: dict[int, MOU] = {}
    for mou in MOU.objects.prefetch_related("parties"):
        for party in mou.parties.all():
            held = best.get(party.pk)
            if held is None or _STATUS_RANK[mou.status] < _STATUS_RANK[held.status]:
                best[party.pk] = mou
    rows = []
    for agency in agencies:
        best_mou = best.get(agency.pk)
        candidates = [d for d in (agency.last_person, last_guest.get(agency.pk)) if d is not None]  # type: ignore[attr-defined]
        rows.append(
            PartnerRow(
                agency=agency,
                mou_status=best_mou.status if best_mou else None,
                mou_expires_on=best_mou.expires_on if best_mou else None,
                last_attended=max(candidates) if candidates else None,
            )
        )
    return rows


# --- Committees -----------------------------------------------------------------------
def committees_visible_to(*, user: User) -> QuerySet[Committee]:
    """Every signed-in member reads the committees, their chairs and members."""
    if not access.can_read_committees(user):
        return Committee.objects.none()
    members = User.objects.select_related("agency").order_by("last_name", "first_name", "username")
    return Committee.objects.select_related("chair__agency").prefetch_related(Prefetch("members", queryset=members))


def committee_get_visible(*, user: User, pk: int) -> Committee:
    try:
        return committees_visible_to(user=user).get(pk=pk)
    except Committee.DoesNotExist as exc:
        raise Http404 from exc


# --- Volunteers -----------------------------------------------------------------------
def volunteers_visible_to(*, user: User) -> QuerySet[Volunteer]:
    """Task force administrators: all; agency administrators and supervisors: their agency's;
    a volunteer: their own record; anyone else: nothing."""
    volunteers = Volunteer.objects.select_related("agency", "user").annotate(
        hours_total=Sum("shifts__hours"), last_shift=Max("shifts__worked_on")
    )
    if access.is_taskforce_admin(user):
        return volunteers
    if not user.is_active:
        return volunteers.none()
    visible = Q(user=user)
    if user.has_role(*access.VOLUNTEER_COORDINATOR_ROLES):
        visible |= Q(agency_id=user.agency_id)
    return volunteers.filter(visible)


def volunteer_get_visible(*, user: User, pk: int) -> Volunteer:
    try:
        return volunteers_visible_to(user=user).prefetch_related("shifts").get(pk=pk)
    except Volunteer.DoesNotExist as exc:
        raise Http404 from exc


# --- Member onboarding ----------------------------------------------------------------
@dataclass(frozen=True)
class OnboardingRow:
    person: User
    onboarding: MemberOnboarding | None
    mfa_enrolled: bool

    @property
    def complete(self) -> bool:
        o = self.onboarding
        return bool(o and o.orientation_on and o.confidentiality_signed_on and o.role_training_on and self.mfa_enrolled)


def onboarding_visible_to(*, user: User) -> list[OnboardingRow]:
    """The checklist of each active member the user administers (agency admins: their agency)."""
    people = User.objects.filter(is_active=True).select_related("agency", "onboarding")
    if access.is_taskforce_admin(user):
        pass
    elif user.is_active and user.has_role(Role.AGENCY_ADMIN):
        people = people.filter(agency_id=user.agency_id)
    else:
        return []
    # MFA is read from django-otp, never stored twice.
    people = people.annotate(mfa=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))).order_by(
        "agency__name", "username"
    )
    return [OnboardingRow(person=p, onboarding=getattr(p, "onboarding", None), mfa_enrolled=p.mfa) for p in people]


def upcoming_meetings(*, user: User, days: int = 30) -> list[Meeting]:
    now = timezone.now()
    return list(meetings_visible_to(user=user).filter(starts_at__gte=now, starts_at__lt=now + timedelta(days=days))[:5])
