"""What of the reporting app the audit log records.

Partner submissions are logged explicitly by ``reporting.submissions`` (with the
figures before and after), so they are not registered here as well.
"""

from __future__ import annotations

from auditlog.registry import auditlog


def register() -> None:
    from reporting.models import (
        AnonymousContact,
        Award,
        Expenditure,
        MeasureDefinition,
        ReportRun,
        SubmittingAgency,
        TimeEntry,
    )

    auditlog.register(Award)
    auditlog.register(TimeEntry)
    auditlog.register(Expenditure)
    auditlog.register(AnonymousContact)
    auditlog.register(SubmittingAgency)
    auditlog.register(MeasureDefinition)
    # Who started and who locked what; the results themselves are the run's own record.
    auditlog.register(
        ReportRun, include_fields=["report", "award", "period_start", "period_end", "locked_by", "locked_at"]
    )
