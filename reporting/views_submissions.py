"""Browser pages of partner monthly submissions: the tracker, the form and the file upload.

Thin: who may do what is answered by ``reporting.submissions`` (403 when refused),
and every write goes through its services.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from partners.forms import add_service_errors
from partners.requests import acting_user
from reporting.access import may_run_reports
from reporting.forms import SubmissionForm, SubmissionUploadForm
from reporting.models import SubmissionItem
from reporting.periods import months_back
from reporting.submissions import (
    SOURCE_FORM,
    UPLOAD_COLUMNS,
    CellState,
    may_see_tracker,
    may_submit,
    submission_import,
    submission_save,
    submission_tracker,
    submitting_agencies_for,
)

TRACKER_MONTHS = 6


@login_required
@require_GET
def submission_tracker_view(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not may_see_tracker(user):
        raise PermissionDenied
    months = months_back(count=TRACKER_MONTHS, today=timezone.localdate())
    everyone = may_run_reports(user)
    rows = submission_tracker(months=months, agencies=None if everyone else [user.agency])
    context = {
        "months": months,
        "rows": rows,
        "states": CellState,
        "can_submit": may_submit(user),
        "everyone": everyone,
    }
    return render(request, "reporting/submission_tracker.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def submission_new(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not may_submit(user):
        raise PermissionDenied
    agencies = submitting_agencies_for(user)
    initial = {"month": request.GET.get("month", "")}
    form = SubmissionForm(request.POST or None, agencies=agencies, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            submission = submission_save(
                actor=user, agency=data["agency"], month=data["month"], figures=data["figures"], source=SOURCE_FORM
            )
        except ValidationError as exc:
            add_service_errors([form], exc)
        else:
            messages.success(
                request,
                _("Thank you: the figures of %(agency)s for %(month)s are saved.")
                % {"agency": submission.agency.name, "month": f"{submission.month:%Y-%m}"},
            )
            return redirect("submission_tracker")
    return render(request, "reporting/submission_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def submission_upload(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not may_submit(user):
        raise PermissionDenied
    agencies = submitting_agencies_for(user)
    form = SubmissionUploadForm(request.POST or None, request.FILES or None, agencies=agencies)
    row_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = submission_import(actor=user, agency=data["agency"], upload=data["upload"])
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "upload" in exc.error_dict:
                row_errors = [str(message) for error in exc.error_dict["upload"] for message in error.messages]
                form.add_error(None, _("Nothing was saved: correct the rows listed below and upload the file again."))
            else:
                add_service_errors([form], exc)
        else:
            messages.success(
                request,
                ngettext(
                    "Thank you: %(count)d month of figures is saved.",
                    "Thank you: %(count)d months of figures are saved.",
                    len(saved),
                )
                % {"count": len(saved)},
            )
            return redirect("submission_tracker")
    context = {
        "form": form,
        "row_errors": row_errors,
        "columns": UPLOAD_COLUMNS,
        "items": SubmissionItem.choices,
    }
    return render(request, "reporting/submission_upload.html", context)
