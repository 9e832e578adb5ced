"""Background work of the referrals app: thin, idempotent tasks that call a service."""

from __future__ import annotations

from celery import shared_task

from referrals.services import referral_deadlines_process
from taskforce.audit import audit_system


@shared_task(
    name="referrals.deadlines", autoretry_for=(Exception,), retry_backoff=True, retry_jitter=True, max_retries=5
)
def referral_deadlines_task() -> int:
    """Every 15 minutes: notify, escalate and finally expire referrals by their deadlines.
    Running it twice sends nothing new (each notice has a unique key)."""
    with audit_system("task:referrals.deadlines"):
        return referral_deadlines_process()
