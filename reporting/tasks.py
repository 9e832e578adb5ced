"""Background work of the reporting app: thin tasks that call a service."""

from __future__ import annotations

from celery import shared_task

from reporting.services import report_run_compile, reports_schedule_due
from taskforce.audit import audit_system


@shared_task(name="reporting.compile_run", acks_late=True)
def compile_report_run_task(run_id: int) -> bool:
    """Compile one run. Idempotent: a run already claimed by a worker is left alone.
    No automatic retry: a failed run records its error and the user starts a new one."""
    with audit_system("task:reporting.compile_run"):
        return report_run_compile(run_id=run_id)


@shared_task(
    name="reporting.schedule_due", autoretry_for=(Exception,), retry_backoff=True, retry_jitter=True, max_retries=5
)
def reports_schedule_due_task() -> int:
    """On the 1st of each month: queue the month and the quarter that just closed for every active award."""
    with audit_system("task:reporting.schedule_due"):
        return reports_schedule_due()


@shared_task(
    name="reporting.submission_reminders",
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def submission_reminders_task() -> int:
    """Daily: politely remind partners whose previous month's figures are still missing after the 5th,
    then weekly until they arrive."""
    from reporting.submissions import submission_reminders_send

    with audit_system("task:reporting.submission_reminders"):
        return submission_reminders_send()
