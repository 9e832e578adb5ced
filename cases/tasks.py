"""Background work of the cases app: thin, idempotent tasks that call a service."""

from __future__ import annotations

from celery import shared_task

from cases.services import consents_lapse_sweep
from taskforce.audit import audit_system


@shared_task(
    name="cases.consents_lapse_sweep", autoretry_for=(Exception,), retry_backoff=True, retry_jitter=True, max_retries=5
)
def consents_lapse_sweep_task() -> int:
    """Daily: remove the grants of consents that expired. Reads already ignore an
    expired consent; this keeps the stored grants honest. Running it twice is harmless."""
    with audit_system("task:cases.consents_lapse_sweep"):
        return consents_lapse_sweep()
