"""The deadlines task through Redis and a real Celery worker (CI: PostgreSQL and Redis).

The worker is a subprocess, so it must use the test database: its DATABASE_URL
is pointed at the database pytest-django created, and the data are committed
(transactional test) before the task is sent.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from cases import services as case_services
from referrals import services
from referrals.models import Notification, NotificationKind, Referral
from referrals.tasks import referral_deadlines_task
from taskforce.celery import app
from taskforce.tasks import ECHO_KEY, echo

# The worker process reads the test database, so it must be a server (PostgreSQL), not in-memory SQLite.
pytestmark = [pytest.mark.integration, pytest.mark.postgresql]
ROOT = Path(__file__).resolve().parents[2]


def _poll(predicate, *, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out after {seconds}s waiting for {what}")


def _test_database_url() -> str:
    db = connection.settings_dict
    assert connection.vendor == "postgresql", "the worker shares the test database only on PostgreSQL (CI)"
    auth = f"{quote(db['USER'] or '')}:{quote(db['PASSWORD'] or '')}@" if db["USER"] else ""
    return f"postgres://{auth}{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker_on_test_db() -> Iterator[str]:
    assert os.environ.get("REDIS_URL"), "the worker round trip needs REDIS_URL"
    name = f"test-referrals-{uuid.uuid4().hex[:8]}@%h"
    env = {**os.environ, "DATABASE_URL": _test_database_url()}
    process = subprocess.Popen(  # noqa: S603 (our own interpreter and fixed arguments)
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "taskforce",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--hostname",
            name,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _poll(lambda: process.poll() is None and app.control.ping(timeout=0.5), seconds=60, what="the worker")
        yield name
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.mark.django_db(transaction=True)
def test_the_worker_escalates_an_overdue_referral_once(personas, worker_on_test_db):
    # given a sent referral whose acknowledgement deadline passed an hour ago
    advocate, lawyer = personas["advocate"], personas["lawyer"]
    rose = case_services.victim_create(actor=advocate, pseudonym="Rose", trafficking_type="labor")
    referral = services.referral_create(actor=advocate, victim=rose, to_agency=lawyer.agency, services=["counseling"])
    services.referral_send(referral=referral, actor=advocate)
    Referral.objects.filter(pk=referral.pk).update(acknowledge_due_at=timezone.now() - timedelta(hours=1))

    # when the beat's task is sent through Redis, twice
    referral_deadlines_task.delay()
    overdue = Notification.objects.filter(referral=referral, kind=NotificationKind.OVERDUE)
    _poll(lambda: overdue.filter(user=advocate).exists(), seconds=30, what="the worker to run the deadlines")
    referral_deadlines_task.delay()
    # The solo worker runs tasks in order: once this echo is back, the second run has finished.
    token = uuid.uuid4().hex
    echo.delay(token)
    _poll(lambda: cache.get(ECHO_KEY.format(token=token)), seconds=30, what="the second run")

    # then the sender and the recipient were told once each, and the referral was escalated
    assert Referral.objects.get(pk=referral.pk).escalated_at is not None
    assert overdue.filter(user=advocate).count() == 1
    assert overdue.filter(user=lawyer).count() == 1
