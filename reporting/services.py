"""Writes of the reporting app: start, compile and lock report runs; schedule them."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.models import User
from reporting import compiler
from reporting.access import may_run_reports
from reporting.models import Award, Cadence, MeasureDefinition, ReportKind, ReportRun, RunStatus
from reporting.periods import closed_span, fiscal_year_start, last_month

logger = logging.getLogger(__name__)

FEDERAL_FISCAL_YEAR_START_MONTH = 10
# Far above the longest compile (a statewide year takes about 20 s; README, benchmark).
RUN_ABANDONED_AFTER = timedelta(hours=1)


def definition_version_for(*, report: str, period_start: date, period_end: date) -> int:
    """The newest definition version in effect over the period."""
    version = (
        MeasureDefinition.objects.filter(report=report, effective_from__lte=period_end)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=period_start))
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    if version is None:
        raise ValidationError({"report": _("No measure definitions are in effect for this period.")})
    return version


def _validate_request(*, report: str, period_start: date, period_end: date, award: Award | None) -> None:
    errors: dict[str, str] = {}
    if report not in ReportKind.values:
        errors["report"] = _("Unknown report. Choose one of: %(reports)s.") % {"reports": ", ".join(ReportKind.values)}
    if period_end < period_start:
        errors["period_end"] = _("The period must end on or after the day it starts.")
    elif (period_end - period_start).days > 366:
        errors["period_end"] = _("A report covers at most one year.")
    else:
        start_month = award.fiscal_year_start_month if award else FEDERAL_FISCAL_YEAR_START_MONTH
        year_start = fiscal_year_start(period_start, start_month=start_month)
        if fiscal_year_start(period_end, start_month=start_month) != year_start:
            # "New in the fiscal year" has one year to count in; a period across two would miscount.
            errors["period_end"] = _(
                "The period crosses into the next fiscal year (it starts on %(start)s). Run each year apart."
            ) % {"start": year_start.replace(year=year_start.year + 1).isoformat()}
    if award is not None and report in ReportKind.values and award.reports and report not in award.reports:
        errors["award"] = _("This award does not file the %(report)s report.") % {"report": ReportKind(report).label}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def report_run_start(
    *,
    actor: User | None,
    report: str,
    period_start: date,
    period_end: date,
    award: Award | None = None,
    scheduled: bool = False,
) -> ReportRun:
    """Queue a run; the worker compiles it. ``actor`` None is the schedule."""
    if actor is not None and not may_run_reports(actor):
        raise PermissionDenied(_("Only task force administrators and analysts run reports."))
    _validate_request(report=report, period_start=period_start, period_end=period_end, award=award)
    start_month = award.fiscal_year_start_month if award else FEDERAL_FISCAL_YEAR_START_MONTH
    # A locked run of the same report and period is never recomputed in place: the new run diffs against it.
    locked = (
        ReportRun.objects.filter(
            report=report, award=award, period_start=period_start, period_end=period_end, locked_at__isnull=False
        )
        .order_by("-locked_at")
        .first()
    )
    run = ReportRun.objects.create(
        report=report,
        award=award,
        period_start=period_start,
        period_end=period_end,
        fiscal_year_start=fiscal_year_start(period_start, start_month=start_month),
        definition_version=definition_version_for(report=report, period_start=period_start, period_end=period_end),
        cutoff_at=timezone.now(),
        supersedes=locked,
        scheduled=scheduled,
        requested_by=actor,
    )
    transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_id: int) -> None:
    from reporting.tasks import compile_report_run_task

    compile_report_run_task.delay(run_id)


def report_run_compile(*, run_id: int) -> bool:
    """Compute every measure of a queued run. A second start of the same run (a
    redelivered task, a second worker) finds it no longer queued and does nothing."""
    now = timezone.now()
    # A run left "running" by a worker that died long ago is taken over; a live one is not.
    abandoned = Q(status=RunStatus.RUNNING, started_at__lt=now - RUN_ABANDONED_AFTER, locked_at__isnull=True)
    claimed = (
        ReportRun.objects.filter(pk=run_id)
        .filter(Q(status=RunStatus.QUEUED) | abandoned)
        .update(status=RunStatus.RUNNING, started_at=now, progress=0)
    )
    if not claimed:
        return False
    run = ReportRun.objects.select_related("award").get(pk=run_id)
    definitions = list(MeasureDefinition.objects.filter(report=run.report, version=run.definition_version))
    scope = compiler.Scope(
        period_start=run.period_start,
        period_end=run.period_end,
        fiscal_year_start=run.fiscal_year_start,
        cutoff_at=run.cutoff_at,
        award=run.award,
    )

    def report_progress(done: int, _definition: MeasureDefinition) -> None:
        progress = int(done * 100 / len(definitions))
        if progress >= run.progress + 10 or done == len(definitions):
            run.progress = progress
            ReportRun.objects.filter(pk=run_id).update(progress=progress)

    try:
        results = compiler.compute_all(definitions, scope, after_each=report_progress)
    except Exception as exc:
        logger.exception("report run %s failed", run_id)
        ReportRun.objects.filter(pk=run_id).update(
            status=RunStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000], finished_at=timezone.now()
        )
        return False
    ReportRun.objects.filter(pk=run_id).update(
        status=RunStatus.DONE, progress=100, results=results, finished_at=timezone.now()
    )
    return True


@transaction.atomic
def report_run_lock(*, run: ReportRun, actor: User) -> ReportRun:
    """Freeze a finished run: it is what was (or will be) submitted."""
    if not may_run_reports(actor):
        raise PermissionDenied(_("Only task force administrators and analysts lock reports."))
    run = ReportRun.objects.select_for_update().get(pk=run.pk)
    if run.status != RunStatus.DONE:
        raise ValidationError(_("Only a finished run can be locked."))
    if run.locked_at is not None:
        raise ValidationError(_("This run is already locked."))
    run.locked_by = actor
    run.locked_at = timezone.now()
    run.save(update_fields=["locked_by", "locked_at"])
    return run


# --- The schedule ------------------------------------------------------------------
def reports_schedule_due(*, today: date | None = None) -> int:
    """On the 1st, for every active award: the month just ended, and the fiscal quarter
    (or half, for a semiannual award) that ended with it. Runs it twice and nothing
    doubles (the scheduled run is unique per report, award and period)."""
    today = today or timezone.localdate()
    started = 0
    for award in Award.objects.filter(active=True, starts_on__lte=today, ends_on__gte=today - timedelta(days=120)):
        span = 6 if award.cadence == Cadence.SEMIANNUAL else 3
        periods = [
            last_month(today),
            closed_span(today, fiscal_start_month=award.fiscal_year_start_month, months=span),
        ]
        for report in award.reports:
            for period in periods:
                if period is None or period[1] < award.starts_on or period[0] > award.ends_on:
                    continue
                started += _schedule_one(award=award, report=report, period=period)
    return started


def _schedule_one(*, award: Award, report: str, period: tuple[date, date]) -> int:
    """Queue one scheduled run; a refusal is logged and the other awards still get theirs."""
    period_start, period_end = period
    if ReportRun.objects.filter(
        report=report, award=award, period_start=period_start, period_end=period_end, scheduled=True
    ).exists():
        return 0
    try:
        with transaction.atomic():
            report_run_start(
                actor=None, report=report, period_start=period_start, period_end=period_end, award=award, scheduled=True
            )
    except IntegrityError:
        return 0  # another beat queued it a moment ago (the unique constraint)
    except ValidationError:
        logger.exception("scheduled %s run for award %s (%s..%s) refused", report, award.pk, period_start, period_end)
        return 0
    return 1
