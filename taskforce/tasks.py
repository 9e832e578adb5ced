"""Operational tasks that belong to no domain app."""

from __future__ import annotations

from celery import shared_task
from django.core.cache import cache

ECHO_KEY = "healthcheck:echo:{token}"


@shared_task(name="taskforce.echo", ignore_result=True)
def echo(token: str) -> None:
    """Write ``token`` to the shared cache: proof that a worker took a task
    from the broker and reached the same Redis."""
    cache.set(ECHO_KEY.format(token=token), token, timeout=300)
