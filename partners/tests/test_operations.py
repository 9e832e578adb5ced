"""MOUs, reminders, attendance and training totals (issue 5): services and selectors."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from partners import services as partner_services
from partners.models import MOU, MOUReminder
from partners.operations import selectors, services
from partners.operations.models import MOUStatus
from partners.roles import Role
from partners.tasks import mou_expiry_reminders_task

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo("America/Los_Angeles")


def _active_mou(personas, *, expires_on: date, signed_on: date = date(2025, 1, 10)) -> MOU:
    tfadmin = personas["tfadmin"]
    mou = services.mou_create(
        actor=tfadmin,
        title="Bayview PD and Safe Harbor",
        parties=[personas["detective"].agency, personas["advocate"].agency],
        signed_on=signed_on,
        effective_from=signed_on,
        expires_on=expires_on,
    )
    services.mou_transition(mou=mou, actor=tfadmin, status=MOUStatus.IN_SIGNATURE, today=signed_on)
    return services.mou_transition(mou=mou, actor=tfadmin, status=MOUStatus.ACTIVE, today=signed_on)


# --- MOU status transitions ----------------------------------------------------------
def test_mou_moves_draft_to_signature_to_active_to_expired(personas):
    # Given an MOU in signature that expires on 2026-03-31
    mou = _active_mou(personas, expires_on=date(2026, 3, 31))
    assert mou.status == MOUStatus.ACTIVE
    # When its expiry date has passed, then it may expire, and the daily sweep does it
    assert services.mous_expire_lapsed(today=date(2026, 3, 31)) == 0
    assert services.mous_expire_lapsed(today=date(2026, 4, 1)) == 1
    mou.refresh_from_db()
    assert mou.status == MOUStatus.EXPIRED


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (MOUStatus.DRAFT, MOUStatus.ACTIVE),
        (MOUStatus.DRAFT, MOUStatus.EXPIRED),
        (MOUStatus.TERMINATED, MOUStatus.ACTIVE),
        (MOUStatus.TERMINATED, MOUStatus.DRAFT),
    ],
)
def test_illegal_mou_transitions_are_refused(personas, start, target):
    mou = services.mou_create(
        actor=None,
        title="T",
        parties=[personas["detective"].agency, personas["advocate"].agency],
        signed_on=date(2026, 1, 1),
        expires_on=date(2027, 1, 1),
    )
    MOU.objects.filter(pk=mou.pk).update(status=start)
    mou.refresh_from_db()
    with pytest.raises(ValidationError):
        services.mou_transition(mou=mou, actor=personas["tfadmin"], status=target, today=date(2026, 2, 1))
    mou.refresh_from_db()
    assert mou.status == start


def test_mou_needs_signing_date_and_future_expiry_to_become_active(personas):
    tfadmin = personas["tfadmin"]
    parties = [personas["detective"].agency, personas["advocate"].agency]
    unsigned = services.mou_create(actor=tfadmin, title="U", parties=parties, expires_on=date(2027, 1, 1))
    services.mou_transition(mou=unsigned, actor=tfadmin, status=MOUStatus.IN_SIGNATURE)
    with pytest.raises(ValidationError, match="signing date"):
        services.mou_transition(mou=unsigned, actor=tfadmin, status=MOUStatus.ACTIVE)


def test_only_the_taskforce_admin_manages_mous(personas):
    parties = [personas["detective"].agency, personas["advocate"].agency]
    for username in ("detective", "advocate", "analyst", "auditor", "supervisor"):
        with pytest.raises(PermissionDenied):
            services.mou_create(actor=personas[username], title="X", parties=parties)


def test_an_mou_has_two_parties_at_least(personas):
    with pytest.raises(ValidationError):
        services.mou_create(actor=personas["tfadmin"], title="X", parties=[personas["detective"].agency])


# --- Reminders with time travel --------------------------------------------------------
@pytest.fixture
def bayview_agency_admin(personas):
    return partner_services.user_create(
        actor=None,
        agency=personas["detective"].agency,
        username="pdadmin",
        email="pdadmin@bayview-pd.example.org",
        roles=[Role.AGENCY_ADMIN],
        first_name="Jo",
        last_name="Admin",
    )


def test_reminders_go_once_per_threshold_even_when_the_task_runs_twice(
    personas, bayview_agency_admin, django_capture_on_commit_callbacks
):
    # Given an active MOU expiring on 2026-12-31 and an agency admin at one of the parties
    mou = _active_mou(personas, expires_on=date(2026, 12, 31))
    sent_on: dict[int, list[date]] = {}

    # When the daily task runs twice every day from October to the expiry date
    day = date(2026, 9, 20)
    while day <= date(2027, 1, 2):
        with time_machine.travel(datetime(day.year, day.month, day.day, 7, 0, tzinfo=ZONE), tick=False):
            for _run in range(2):
                before = len(mail.outbox)
                with django_capture_on_commit_callbacks(execute=True):
                    mou_expiry_reminders_task.apply()
                for message in mail.outbox[before:]:
                    days = int(message.subject.split(" in ")[1].split(" ")[0])
                    sent_on.setdefault(days, []).append(day)
        day += timedelta(days=1)

    # Then exactly one reminder per threshold went, on the day it became due
    assert sent_on == {90: [date(2026, 10, 2)], 30: [date(2026, 12, 1)], 7: [date(2026, 12, 24)]}
    assert MOUReminder.objects.filter(mou=mou).count() == 3
    # To the parties' agency admins and the task force administrator, not to other members
    recipients = set(mail.outbox[0].to)
    assert recipients == {"pdadmin@bayview-pd.example.org", "tfadmin@tf-office.example.org"}
    # And after the expiry date the MOU is marked expired
    mou.refresh_from_db()
    assert mou.status == MOUStatus.EXPIRED


def test_a_late_mou_gets_the_current_threshold_only(personas, django_capture_on_commit_callbacks):
    # Given an MOU that becomes active 20 days before it expires
    _active_mou(personas, expires_on=date(2026, 6, 20), signed_on=date(2026, 5, 31))
    # When the task runs
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.mou_expiry_reminders_send(today=date(2026, 5, 31))
    # Then the 30-day reminder goes, not the stale 90-day one
    assert sent == 1
    assert list(MOUReminder.objects.values_list("days_before", flat=True)) == [30]


def test_a_renewed_mou_is_reminded_again_before_its_new_expiry(personas):
    mou = _active_mou(personas, expires_on=date(2026, 6, 30))
    assert services.mou_expiry_reminders_send(today=date(2026, 6, 25)) == 1
    services.mou_update(mou=mou, actor=personas["tfadmin"], expires_on=date(2027, 6, 30))
    assert services.mou_expiry_reminders_send(today=date(2027, 6, 25)) == 1
    assert MOUReminder.objects.filter(mou=mou).count() == 2


# --- Attendance ---------------------------------------------------------------------
def test_attendance_counts_members_guests_and_agencies(personas):
    # Given a meeting of the task force office
    tfadmin = personas["tfadmin"]
    meeting = services.meeting_create(
        actor=tfadmin,
        host_agency=tfadmin.agency,
        title="Quarterly meeting",
        starts_at=datetime(2026, 3, 5, 10, tzinfo=ZONE),
        ends_at=datetime(2026, 3, 5, 12, tzinfo=ZONE),
    )
    # When three members attend, two from the same agency as a guest group of four
    services.meeting_attendance_set(
        meeting=meeting,
        actor=tfadmin,
        people=[personas["detective"], personas["analyst"], personas["advocate"]],
        agency_guests={personas["detective"].agency: 4, personas["prosecutor"].agency: 2},
    )
    # Then seven... members 3, guests 6, agencies: Bayview PD, Safe Harbor, County DA
    count = selectors.meeting_attendance_count(meeting=selectors.meeting_get_visible(user=tfadmin, pk=meeting.pk))
    assert (count.members, count.guests, count.agencies, count.total) == (3, 6, 3, 9)
    listed: Any = selectors.meetings_visible_to(user=personas["volunteer"]).get(pk=meeting.pk)
    assert (listed.people_count, listed.guest_count) == (3, 6)

    # When the attendance is corrected, removing one member and one agency's guests
    services.meeting_attendance_set(
        meeting=meeting,
        actor=tfadmin,
        people=[personas["detective"], personas["advocate"]],
        agency_guests={personas["detective"].agency: 1},
    )
    count = selectors.meeting_attendance_count(meeting=selectors.meeting_get_visible(user=tfadmin, pk=meeting.pk))
    assert (count.members, count.guests, count.agencies) == (2, 1, 2)


def test_members_edit_only_their_own_agencys_events(personas):
    detective, advocate = personas["detective"], personas["advocate"]
    training = services.training_create(
        actor=detective,
        delivered_by=detective.agency,
        title="Roll call",
        held_on=date(2026, 2, 1),
        hours=Decimal(1),
        topic="sex",
    )
    with pytest.raises(PermissionDenied):
        services.training_update(training=training, actor=advocate, title="Mine")
    with pytest.raises(PermissionDenied):
        services.training_create(
            actor=advocate, delivered_by=detective.agency, title="X", held_on=date(2026, 2, 1), hours=1, topic="sex"
        )
    for username in ("volunteer", "analyst", "auditor"):
        with pytest.raises(PermissionDenied):
            services.outreach_create(
                actor=personas[username],
                delivered_by=personas[username].agency,
                kind="presentation",
                title="X",
                held_on=date(2026, 2, 1),
            )
    services.training_update(training=training, actor=personas["tfadmin"], title="Roll call briefing")


# --- Training totals ------------------------------------------------------------------
def test_training_totals_by_fiscal_quarter_and_discipline(personas):
    # Given trainings in FY2026 Q2 (January-March) and FY2027 Q1 (October-December)
    detective, tfadmin = personas["detective"], personas["tfadmin"]
    services.training_create(
        actor=detective,
        delivered_by=detective.agency,
        title="Indicators for patrol",
        held_on=date(2026, 1, 15),
        hours=Decimal("2.0"),
        topic="sex",
        audiences={"law_enforcement": 30, "prosecution": 2},
    )
    services.training_create(
        actor=tfadmin,
        delivered_by=tfadmin.agency,
        title="Labor trafficking in agriculture",
        held_on=date(2026, 3, 31),
        hours=Decimal("1.5"),
        topic="labor",
        audiences={"law_enforcement": 5, "health": 12},
    )
    services.training_create(
        actor=tfadmin,
        delivered_by=tfadmin.agency,
        title="Schools",
        held_on=date(2026, 10, 1),
        hours=Decimal(3),
        topic="both",
        audiences={"education": 40},
    )

    # When any member reads the totals
    totals = selectors.training_totals_by_quarter(user=personas["volunteer"])

    # Then they are split by federal fiscal quarter, discipline and topic
    assert list(totals) == [(2027, 1), (2026, 2)]
    q2 = totals[(2026, 2)]
    assert (q2.sessions, q2.hours, q2.attendees) == (2, Decimal("3.5"), 49)
    assert dict(q2.by_discipline) == {"law_enforcement": 35, "prosecution": 2, "health": 12}
    assert dict(q2.by_topic) == {"sex": 1, "labor": 1}
    assert totals[(2027, 1)].attendees == 40


def test_fiscal_quarters():
    assert selectors.fiscal_quarter(date(2026, 10, 1)) == (2027, 1)
    assert selectors.fiscal_quarter(date(2026, 12, 31)) == (2027, 1)
    assert selectors.fiscal_quarter(date(2027, 1, 1)) == (2027, 2)
    assert selectors.fiscal_quarter(date(2027, 6, 30)) == (2027, 3)
    assert selectors.fiscal_quarter(date(2027, 9, 30)) == (2027, 4)


# --- Volunteers and onboarding --------------------------------------------------------
def test_volunteer_details_visible_to_coordinators_of_their_agency_and_themselves(personas):
    supervisor, volunteer_user = personas["supervisor"], personas["volunteer"]
    record = services.volunteer_create(
        actor=supervisor, agency=supervisor.agency, first_name="Casey", last_name="Lopez", user=volunteer_user
    )
    other = services.volunteer_create(actor=personas["tfadmin"], agency=personas["detective"].agency, first_name="Kim")
    seen = {
        username: set(selectors.volunteers_visible_to(user=personas[username]).values_list("pk", flat=True))
        for username in personas
        if username in {"tfadmin", "supervisor", "volunteer", "advocate", "detective", "analyst", "auditor"}
    }
    assert seen == {
        "tfadmin": {record.pk, other.pk},
        "supervisor": {record.pk},
        "volunteer": {record.pk},
        "advocate": set(),
        "detective": set(),
        "analyst": set(),
        "auditor": set(),
    }
    # A volunteer records their own shift; a member of another agency may not
    services.volunteer_shift_create(
        volunteer=record, actor=volunteer_user, worked_on=date(2026, 2, 1), hours=Decimal(4), activity="Hotline"
    )
    with pytest.raises(PermissionDenied):
        services.volunteer_shift_create(
            volunteer=record, actor=personas["detective"], worked_on=date(2026, 2, 1), hours=1, activity="X"
        )
    listed_volunteer: Any = selectors.volunteers_visible_to(user=supervisor).get(pk=record.pk)
    assert listed_volunteer.hours_total == Decimal(4)


def test_onboarding_checklist_reads_mfa_from_django_otp(personas, bayview_agency_admin):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    detective = personas["detective"]
    TOTPDevice.objects.create(user=detective, name="phone", confirmed=True)
    services.onboarding_update(
        person=detective,
        actor=bayview_agency_admin,
        orientation_on=date(2026, 1, 5),
        confidentiality_signed_on=date(2026, 1, 5),
        role_training_on=date(2026, 1, 20),
    )
    rows = {row.person.username: row for row in selectors.onboarding_visible_to(user=bayview_agency_admin)}
    assert set(rows) == {"detective", "analyst", "pdadmin"}
    assert rows["detective"].complete
    assert rows["detective"].mfa_enrolled
    assert not rows["analyst"].complete
    assert selectors.onboarding_visible_to(user=detective) == []
    with pytest.raises(PermissionDenied):
        services.onboarding_update(person=personas["advocate"], actor=bayview_agency_admin, orientation_on=None)


def test_demo_year_is_seeded_once(personas):
    from partners.models import MOU, Meeting, OutreachEvent, TrainingEvent, VolunteerShift
    from partners.operations import demo

    first = demo.seed()
    counts = (
        Meeting.objects.count(),
        TrainingEvent.objects.count(),
        OutreachEvent.objects.count(),
        MOU.objects.count(),
        VolunteerShift.objects.count(),
    )
    assert demo.seed() == {"meetings": 0, "trainings": 0, "outreach": 0, "mous": 0, "volunteers": 0}
    assert counts == (15, 12, 12, 2, 52)
    assert first["mous"] == 2
    soon = MOU.objects.filter(expires_on__lte=date.today() + timedelta(days=30))  # noqa: DTZ011
    assert soon.count() == 1
