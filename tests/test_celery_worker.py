"""A real Celery worker, started as a subprocess, takes a task from Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache

from taskforce.celery import app
from taskforce.tasks import ECHO_KEY, echo

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parent.parent


def _poll(predicate, *, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out after {seconds}s waiting for {what}")


@pytest.fixture
def worker() -> Iterator[str]:
    assert os.environ.get("REDIS_URL"), "the worker round trip needs REDIS_URL"
    name = f"test-{uuid.uuid4().hex[:8]}@%h"
    process = subprocess.Popen(
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
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _poll(
            lambda: process.poll() is None and app.control.ping(timeout=0.5),
            seconds=60,
            what="the worker to answer a ping",
        )
        yield name
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def test_settings_use_the_real_broker_not_eager_tasks():
    from django.conf import settings

    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    assert settings.CELERY_BROKER_URL.startswith("redis://")


@pytest.mark.django_db
def test_a_task_sent_through_redis_is_run_by_a_worker(worker):
    token = uuid.uuid4().hex
    echo.delay(token)
    assert _poll(lambda: cache.get(ECHO_KEY.format(token=token)), seconds=30, what="the worker to run echo") == token


@pytest.mark.django_db
def test_healthz_reports_the_worker(worker, client):
    response = client.get("/healthz")
    assert response.status_code == 200, response.content
    assert response.json()["checks"] == {"database": "ok", "cache": "ok", "broker": "ok", "worker": "ok"}


@pytest.mark.django_db
def test_healthz_is_503_without_a_worker(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == "error"
