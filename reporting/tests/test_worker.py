"""A report run sent to two real Celery workers at once is compiled once (CI: PostgreSQL and Redis)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone

from cases.models import ServiceEvent, Victim
from referrals.tests.test_worker import _poll, _test_database_url
from reporting import services
from reporting.models import ReportRun, RunStatus
from reporting.tasks import compile_report_run_task
from taskforce.celery import app

pytestmark = [pytest.mark.integration, pytest.mark.postgresql]
ROOT = Path(__file__).resolve().parents[2]


def _start_worker(name: str) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 (our own interpreter and fixed arguments)
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
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--hostname",
            name,
        ],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": _test_database_url()},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.fixture
def two_workers() -> Iterator[list[subprocess.Popen[str]]]:
    assert os.environ.get("REDIS_URL"), "the worker round trip needs REDIS_URL"
    suffix = uuid.uuid4().hex[:8]
    names = [f"test-reports-a-{suffix}@%h", f"test-reports-b-{suffix}@%h"]
    workers = [_start_worker(name) for name in names]
    try:
        import time

        time.sleep(15)
        print("PING", app.control.ping(timeout=1), [w.poll() for w in workers])
        _poll(
            lambda: all(w.poll() is None for w in workers) and len(app.control.ping(timeout=0.5) or []) >= 2,
            seconds=60,
            what="two workers",
        )
        yield workers
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()


def _workers_idle() -> bool:
    with app.connection_for_read() as connection:
        queued = connection.default_channel.client.llen("celery")  # type: ignore[attr-defined]
    inspect = app.control.inspect(timeout=1)
    busy = [*(inspect.active() or {}).values(), *(inspect.reserved() or {}).values()]
    return queued == 0 and not any(busy)


@pytest.mark.django_db(transaction=True)
def test_two_workers_given_the_same_run_compile_it_once(personas, two_workers, measure_definitions):
    # given a survivor served in the quarter and a queued run (queued by hand: the commit hook is not run here)
    advocate = personas["advocate"]
    vera = Victim.objects.create(
        owner_agency=advocate.agency, pseudonym="Vera", trafficking_type="sex", created_by=advocate
    )
    ServiceEvent.objects.create(
        victim=vera,
        delivered_on=date(2026, 2, 3),
        providing_agency=advocate.agency,
        service_type="counseling",
        created_by=advocate,
    )
    run = ReportRun.objects.create(
        report="ovc_ht",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 3, 31),
        fiscal_year_start=date(2025, 10, 1),
        definition_version=services.definition_version_for(
            report="ovc_ht", period_start=date(2026, 1, 1), period_end=date(2026, 3, 31)
        ),
        cutoff_at=timezone.now(),
        requested_by=personas["tfadmin"],
    )

    # when the task is sent twice, one message for each worker
    compile_report_run_task.delay(run.pk)
    compile_report_run_task.delay(run.pk)
    _poll(
        lambda: ReportRun.objects.filter(pk=run.pk, status=RunStatus.DONE).exists(),
        seconds=60,
        what="the run to finish",
    )
    _poll(_workers_idle, seconds=60, what="both messages to be handled")
    for worker in two_workers:
        worker.terminate()
    logs = "".join(worker.communicate(timeout=30)[0] for worker in two_workers)

    # then one task compiled it and the other found it claimed
    succeeded = [line for line in logs.splitlines() if "reporting.compile_run" in line and "succeeded" in line]
    assert len(succeeded) == 2, logs
    assert sum(line.rstrip().endswith(": True") for line in succeeded) == 1, logs
    assert sum(line.rstrip().endswith(": False") for line in succeeded) == 1, logs
    run.refresh_from_db()
    assert run.results["H1"] == 1
    assert ReportRun.objects.count() == 1
