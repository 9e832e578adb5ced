"""Helpers that make sure every audited write knows who made it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from auditlog.context import auditlog_value, set_actor, set_extra_data


def audit_actor_bind(user: Any) -> None:
    """Point the audit context of the current request at ``user``.

    AuditlogMiddleware reads the actor before DRF authenticates a token (and
    before a sign-in completes), so authentication calls this once it knows the
    user. Outside a request there is no context and nothing to bind.
    """
    try:
        context = auditlog_value.get()
    except LookupError:
        return
    context["actor"] = user


@contextmanager
def audit_actor(user: Any) -> Iterator[None]:
    """Attribute the writes in this block (management commands, Celery tasks) to ``user``."""
    with set_actor(user):
        yield


@contextmanager
def audit_system(process: str) -> Iterator[None]:
    """Attribute the writes in this block to a named system process (a scheduled
    task with no person behind it): no actor, and the process name as the
    correlation id of every audit entry."""
    with set_extra_data(context_data={"actor": None, "cid": process[:255]}):
        yield
