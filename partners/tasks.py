"""Background work of the partners app: thin, idempotent tasks that call a service."""

from __future__ import annotations

from celery import shared_task

from partners.operations.services import mou_expiry_reminders_send, mous_expire_lapsed
from taskforce.audit import audit_system


@shared_task(
    name="partners.mou_expiry_reminders",
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def mou_expiry_reminders_task() -> int:
    """Daily: remind the parties' agency administrators and the task force administrators
    90, 30 and 7 days before an MOU expires, and mark lapsed MOUs expired. A unique
    constraint per MOU and threshold makes a second run (or a retry) send nothing."""
    with audit_system("task:partners.mou_expiry_reminders"):
        mous_expire_lapsed()
        return mou_expiry_reminders_send()
