"""Report run pages: start a run, follow its progress, read, lock, print and export it.

Runs come through ``reporting.selectors`` and every write goes through
``reporting.services``. Only task force administrators and analysts use these
pages (403 to anyone else, whatever the run); a run that does not exist is 404.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partners.forms import add_service_errors
from partners.models import User
from partners.requests import acting_user
from reporting import exports, selectors, services
from reporting.access import may_run_reports
from reporting.api import EXPORT_FORMATS, export_response
from reporting.models import Award, ReportKind, ReportRun, RunStatus
from reporting.periods import last_month, last_quarter

LIST_LIMIT = 100
POLL_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)
STATUS_BADGES: dict[str, str] = {
    RunStatus.QUEUED: "text-bg-secondary",
    RunStatus.RUNNING: "text-bg-info",
    RunStatus.DONE: "text-bg-success",
    RunStatus.FAILED: "text-bg-danger",
}

CUSTOM, LAST_MONTH, LAST_QUARTER = "custom", "last_month", "last_quarter"


class RunStartForm(forms.Form):
    """The shape of a run request; the service decides whether it may run."""

    report = forms.ChoiceField(label=gettext_lazy("Report"), choices=ReportKind.choices)
    award = forms.ModelChoiceField(
        label=gettext_lazy("Award"),
        queryset=Award.objects.none(),
        required=False,
        empty_label=gettext_lazy("Task force (all agencies)"),
        help_text=gettext_lazy("Leave empty to report for the whole task force."),
    )
    preset = forms.ChoiceField(
        label=gettext_lazy("Period"),
        choices=[
            (CUSTOM, gettext_lazy("The dates below")),
            (LAST_MONTH, gettext_lazy("Last month")),
            (LAST_QUARTER, gettext_lazy("Last quarter")),
        ],
        initial=CUSTOM,
    )
    period_start = forms.DateField(
        label=gettext_lazy("Period start"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=gettext_lazy("Period end"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        queryset = Award.objects.filter(active=True).select_related("recipient").order_by("award_number")
        self.fields["award"].queryset = queryset  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = timezone.localdate()
        preset = data.get("preset")
        if preset == LAST_MONTH:
            data["period_start"], data["period_end"] = last_month(today)
        elif preset == LAST_QUARTER:
            data["period_start"], data["period_end"] = last_quarter(today)
        else:
            for name in ("period_start", "period_end"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("Enter a date, or choose last month or last quarter."))
        return data


def _reporter(request: HttpRequest) -> User:
    user = acting_user(request)
    if not may_run_reports(user):
        raise PermissionDenied
    return user


def _run_context(run: ReportRun) -> dict[str, Any]:
    rows = selectors.run_rows(run)
    return {
        "run": run,
        "badge": STATUS_BADGES.get(run.status, "text-bg-light"),
        "polling": run.status in POLL_STATUSES,
        "award_text": exports.award_text(run),
        "sections": selectors.rows_by_section(rows) if run.status == RunStatus.DONE else [],
        "differences": selectors.run_differences(run),
        "can_lock": run.status == RunStatus.DONE and not run.locked,
        "formats": list(EXPORT_FORMATS),
    }


@login_required
@require_http_methods(["GET", "POST"])
def report_runs(request: HttpRequest) -> HttpResponse:
    """The runs, newest first, and the form to start one (POST starts it and opens its page)."""
    user = _reporter(request)
    form = RunStartForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    run = services.report_run_start(
                        actor=user,
                        report=data["report"],
                        period_start=data["period_start"],
                        period_end=data["period_end"],
                        award=data.get("award"),
                    )
            except ValidationError as exc:
                add_service_errors([form], exc)
            else:
                messages.success(request, _("The report is queued. This page follows its progress."))
                return redirect("report_run", pk=run.pk)
        status = 400
    runs = list(selectors.runs_visible_to(user)[:LIST_LIMIT])
    rows = [
        {"run": run, "badge": STATUS_BADGES.get(run.status, ""), "award_text": exports.award_text(run)} for run in runs
    ]
    return render(request, "reporting/run_list.html", {"form": form, "rows": rows}, status=status)


@login_required
@require_GET
def report_run(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_get(user=_reporter(request), pk=pk)
    return render(request, "reporting/run_detail.html", _run_context(run))


@login_required
@require_GET
def report_run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The status block the run page polls; once the run is finished it stops polling
    and (to htmx) asks for a refresh so the results appear."""
    run = selectors.run_get(user=_reporter(request), pk=pk)
    context = _run_context(run)
    response = render(request, "reporting/_run_progress.html", context)
    if getattr(request, "htmx", False) and not context["polling"]:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def report_run_lock(request: HttpRequest, pk: int) -> HttpResponse:
    user = _reporter(request)
    run = selectors.run_get(user=user, pk=pk)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the confirmation to lock the run."))
        return redirect("report_run", pk=run.pk)
    try:
        services.report_run_lock(run=run, actor=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The run is locked. A later run of the same period will show its differences."))
    return redirect("report_run", pk=run.pk)


@login_required
@require_GET
def report_run_print(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_get(user=_reporter(request), pk=pk)
    context = _run_context(run)
    context["cover"] = exports.cover(run)
    return render(request, "reporting/run_print.html", context)


@login_required
@require_GET
def report_run_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in EXPORT_FORMATS:
        raise Http404
    run = selectors.run_get(user=_reporter(request), pk=pk)
    if run.status != RunStatus.DONE:
        messages.error(request, _("Only a finished run can be exported."))
        return redirect("report_run", pk=run.pk)
    return export_response(run, fmt)
