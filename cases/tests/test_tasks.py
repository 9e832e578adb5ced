"""The daily consent sweep as a Celery task (run in-process with .apply(); the worker round trip
is tests/test_celery_worker.py) and its beat entry."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings

from cases import services
from cases.models import Consent, VictimGroupObjectPermission
from cases.tasks import consents_lapse_sweep_task

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 2, 12, 0, tzinfo=ZoneInfo("America/Los_Angeles"))


def identity_grants(victim, agency):
    return VictimGroupObjectPermission.objects.filter(
        content_object=victim, group=agency.group, permission__codename="view_victim_identity"
    )


def test_the_sweep_task_removes_lapsed_grants_and_a_second_run_does_nothing(personas):
    # given a survivor whose consent to share identity with HSI lapses after 10 days
    advocate, agent = personas["advocate"], personas["agent"]
    with time_machine.travel(NOW, tick=False):
        victim = services.victim_create(actor=advocate, pseudonym="Rose", trafficking_type="labor")
        services.consent_create(
            victim=victim,
            actor=advocate,
            recipient_agency=agent.agency,
            field_groups=["identity"],
            purpose="Continued Presence request",
            expires_on=NOW.date() + timedelta(days=10),
        )
        assert identity_grants(victim, agent.agency).exists()

    with time_machine.travel(NOW + timedelta(days=11), tick=False):
        # when the daily task runs
        first = consents_lapse_sweep_task.apply()

        # then the lapsed grant is gone and the consent is marked processed
        assert first.get() == 1
        assert not identity_grants(victim, agent.agency).exists()
        assert Consent.objects.get(victim=victim).lapse_processed_at is not None
        # and the audit log says which process removed the grants
        from auditlog.models import LogEntry

        entry = LogEntry.objects.get_for_object(victim).filter(changes__has_key="grants").latest("timestamp")
        assert entry.cid == "task:cases.consents_lapse_sweep"
        assert entry.actor is None

        # and a second run finds nothing to do
        assert consents_lapse_sweep_task.apply().get() == 0


def test_the_sweep_leaves_active_consents_alone(personas):
    advocate, agent = personas["advocate"], personas["agent"]
    with time_machine.travel(NOW, tick=False):
        victim = services.victim_create(actor=advocate, pseudonym="Luz", trafficking_type="labor")
        services.consent_create(
            victim=victim,
            actor=advocate,
            recipient_agency=agent.agency,
            field_groups=["identity"],
            purpose="Interview",
            expires_on=NOW.date() + timedelta(days=30),
        )
        assert consents_lapse_sweep_task.apply().get() == 0
        assert identity_grants(victim, agent.agency).exists()


def test_the_beat_schedule_runs_the_sweep_daily():
    entries = [
        entry for entry in settings.CELERY_BEAT_SCHEDULE.values() if entry["task"] == "cases.consents_lapse_sweep"
    ]
    assert len(entries) == 1
    schedule = entries[0]["schedule"]
    assert isinstance(schedule, crontab)
    # One fixed minute and hour, every day of the month, every month, every day of the week.
    assert re.fullmatch(r"<crontab: \d+ \d+ \* \* \* \(m/h/dM/MY/d\)>", repr(schedule))
    assert consents_lapse_sweep_task.name == "cases.consents_lapse_sweep"
