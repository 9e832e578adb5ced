"""Deadlines with time travel: due soon, overdue, escalation to the recipient's
supervisors, a note to the sender, expiry; and a second run sends nothing new."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings
from django.core import mail

from partners.models import RoleAssignment, User
from referrals import services
from referrals.models import Notification, NotificationKind, Referral, ReferralDeadline, ReferralStatus
from referrals.tasks import referral_deadlines_task
from referrals.tests.world import NOW, make_referral

pytestmark = pytest.mark.django_db
K = NotificationKind


@pytest.fixture
def legal_aid_supervisor(world) -> User:
    user = User.objects.create(username="la-super", agency=world["lawyer"].agency, email="super@legal-aid.example.org")
    RoleAssignment.objects.create(user=user, role="supervisor")
    return user


def kinds_of(user: User, referral: Referral) -> list[str]:
    return sorted(Notification.objects.filter(user=user, referral=referral).values_list("kind", flat=True))


def run_at(moment, django_capture_on_commit_callbacks) -> None:
    with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks(execute=True):
        referral_deadlines_task.apply().get()


def test_the_beat_runs_the_deadlines_every_15_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["referral-deadlines"]
    assert entry["task"] == "referrals.deadlines"
    assert entry["schedule"] == crontab(minute="*/15")


def test_sending_sets_the_due_times_from_the_defaults_and_the_agency_override(world):
    with time_machine.travel(NOW, tick=False):
        urgent = make_referral(world, ReferralStatus.SENT, urgency="urgent")
        assert urgent.acknowledge_due_at == NOW + timedelta(hours=24)
        assert urgent.decide_due_at == NOW + timedelta(hours=48)
        ReferralDeadline.objects.create(
            agency=world["lawyer"].agency, urgency="emergency", acknowledge_within=timedelta(hours=1)
        )
        emergency = make_referral(world, ReferralStatus.SENT, urgency="emergency")
        assert emergency.acknowledge_due_at == NOW + timedelta(hours=1)
        assert emergency.decide_due_at == NOW + timedelta(hours=2)


def test_due_soon_then_overdue_escalated_then_expired_each_once(
    world, legal_aid_supervisor, django_capture_on_commit_callbacks
):
    lawyer, advocate = world["lawyer"], world["advocate"]
    # given an urgent referral sent at NOW (acknowledge by +24h, decide by +48h)
    with time_machine.travel(NOW, tick=False):
        referral = make_referral(world, ReferralStatus.SENT, urgency="urgent")
    mail.outbox.clear()

    # when the task runs early on: nothing
    run_at(NOW + timedelta(hours=1), django_capture_on_commit_callbacks)
    assert kinds_of(lawyer, referral) == ["received"]

    # when 6 hours are left: the recipient's members hear it is due soon, twice-run or not
    run_at(NOW + timedelta(hours=19), django_capture_on_commit_callbacks)
    run_at(NOW + timedelta(hours=19, minutes=15), django_capture_on_commit_callbacks)
    assert kinds_of(lawyer, referral) == ["due_soon", "received"]
    assert len(mail.outbox) == 2  # the lawyer and the supervisor, once each

    # when overdue: members, the supervisor (escalation) and the sender, once
    run_at(NOW + timedelta(hours=25), django_capture_on_commit_callbacks)
    sent_after_overdue = len(mail.outbox)
    run_at(NOW + timedelta(hours=25, minutes=15), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == sent_after_overdue
    assert kinds_of(lawyer, referral) == ["due_soon", "overdue", "received"]
    assert kinds_of(legal_aid_supervisor, referral) == ["due_soon", "escalated", "overdue", "received"]
    assert kinds_of(advocate, referral) == ["overdue"]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT
    assert referral.escalated_at == NOW + timedelta(hours=25)

    # when still not acknowledged by the decision deadline: expired, everyone told once
    run_at(NOW + timedelta(hours=48, minutes=5), django_capture_on_commit_callbacks)
    run_at(NOW + timedelta(hours=48, minutes=20), django_capture_on_commit_callbacks)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.EXPIRED
    assert kinds_of(advocate, referral) == ["expired", "overdue"]
    assert Notification.objects.filter(referral=referral, kind=K.EXPIRED).count() == 3
    # and the audit log names the task
    from auditlog.models import LogEntry

    entry = LogEntry.objects.get_for_object(referral).latest("timestamp")
    assert entry.cid == "task:referrals.deadlines"
    assert entry.actor is None


def test_an_acknowledged_referral_is_escalated_but_never_expired(world, legal_aid_supervisor):
    with time_machine.travel(NOW, tick=False):
        referral = make_referral(world, ReferralStatus.ACKNOWLEDGED, urgency="emergency")
    with time_machine.travel(NOW + timedelta(hours=5), tick=False):
        services.referral_deadlines_process()
        services.referral_deadlines_process()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACKNOWLEDGED
    assert kinds_of(legal_aid_supervisor, referral) == ["escalated", "overdue", "received"]


def test_closed_referrals_are_left_alone(world):
    with time_machine.travel(NOW, tick=False):
        referral = make_referral(world, ReferralStatus.DECLINED)
    with time_machine.travel(NOW + timedelta(days=30), tick=False):
        assert services.referral_deadlines_process() == 0
    assert not Notification.objects.filter(referral=referral, kind__in=[K.OVERDUE, K.EXPIRED]).exists()


def test_transitions_notify_on_commit_and_never_twice(world, django_capture_on_commit_callbacks):
    advocate, lawyer = world["advocate"], world["lawyer"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        referral = make_referral(world, ReferralStatus.COMPLETED)
    assert kinds_of(lawyer, referral) == ["received"]
    assert kinds_of(advocate, referral) == ["accepted", "acknowledged", "completed"]
    # no survivor data in a notice or an email
    assert all("Rose" not in m.body and "Maria" not in m.body for m in mail.outbox)
    # a repeated notice for the same event is absorbed
    assert services.notify(referral=referral, users=[advocate], kind=K.COMPLETED) == []
