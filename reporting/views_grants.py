"""Browser pages of awards (budget against spending), time and effort, and expenditures.

Thin: who may do what is answered by ``reporting.grants`` (403 when refused),
and every write goes through its services.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partners.forms import add_service_errors
from partners.requests import acting_user
from reporting import grants
from reporting.forms import AwardForm, ExpenditureForm, TimeEntryForm
from reporting.models import Award, TimeEntry


# --- Awards ------------------------------------------------------------------------------
@login_required
@require_GET
def grant_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not grants.may_see_awards(user):
        raise PermissionDenied
    rows = [
        (row, grants.may_manage_expenditures(user, row.award))
        for row in grants.awards_with_spending(grants.awards_visible_to(user=user))
    ]
    context = {
        "rows": rows,
        "can_manage": grants.may_manage_awards(user),
        "can_log_time": grants.may_log_time(user),
    }
    return render(request, "reporting/grant_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def grant_new(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not grants.may_manage_awards(user):
        raise PermissionDenied
    form = AwardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            award = grants.award_create(actor=user, **form.award_fields())
        except ValidationError as exc:
            add_service_errors([form], exc)
        else:
            messages.success(request, _("Award %(number)s saved.") % {"number": award.award_number})
            return redirect("grant_list")
    return render(request, "reporting/grant_form.html", {"form": form, "award": None})


@login_required
@require_http_methods(["GET", "POST"])
def grant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    if not grants.may_manage_awards(user):
        raise PermissionDenied
    award = get_object_or_404(Award, pk=pk)
    form = AwardForm(request.POST or None, initial=AwardForm.initial_for(award))
    if request.method == "POST" and form.is_valid():
        try:
            grants.award_update(award=award, actor=user, **form.award_fields())
        except ValidationError as exc:
            add_service_errors([form], exc)
        else:
            messages.success(request, _("Award %(number)s saved.") % {"number": award.award_number})
            return redirect("grant_list")
    return render(request, "reporting/grant_form.html", {"form": form, "award": award})


# --- Expenditures ------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def expenditure_list(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    award = get_object_or_404(grants.awards_visible_to(user=user), pk=pk)
    if not grants.may_manage_expenditures(user, award):
        raise PermissionDenied
    form = ExpenditureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            grants.expenditure_create(actor=user, award=award, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors([form], exc)
        else:
            messages.success(request, _("Expenditure recorded."))
            return redirect("expenditure_list", pk=award.pk)
    spending = grants.awards_with_spending(Award.objects.filter(pk=award.pk))[0]
    context = {"award": award, "spending": spending, "expenditures": grants.expenditures_of(award=award), "form": form}
    return render(request, "reporting/expenditure_list.html", context)


# --- Time and effort ---------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def time_mine(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not grants.may_log_time(user):
        raise PermissionDenied
    form = TimeEntryForm(request.POST or None, awards=grants.time_awards_for(user=user))
    if request.method == "POST" and form.is_valid():
        try:
            grants.time_entry_create(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors([form], exc)
        else:
            messages.success(request, _("Time logged."))
            return redirect("time_mine")
    context = {
        "form": form,
        "entries": grants.time_entries_of(user=user)[:200],
        "can_approve": grants.may_approve_time(user),
    }
    return render(request, "reporting/time_mine.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def time_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    entry = get_object_or_404(grants.time_entries_of(user=user), pk=pk)
    if entry.certified_at is not None:
        messages.error(request, _("A certified entry can no longer be changed."))
        return redirect("time_mine")
    initial = {name: getattr(entry, name) for name in grants.TIME_EDITABLE_FIELDS}
    form = TimeEntryForm(request.POST or None, awards=grants.time_awards_for(user=user), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            grants.time_entry_update(entry=entry, actor=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors([form], exc)
        else:
            messages.success(request, _("Time entry saved."))
            return redirect("time_mine")
    return render(request, "reporting/time_form.html", {"form": form, "entry": entry})


@login_required
@require_POST
def time_certify(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    entry: TimeEntry = get_object_or_404(grants.time_entries_of(user=user), pk=pk)
    try:
        grants.time_entry_certify(entry=entry, actor=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Entry certified."))
    return redirect("time_mine")


@login_required
@require_GET
def time_approve_queue(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not grants.may_approve_time(user):
        raise PermissionDenied
    return render(request, "reporting/time_approve.html", {"entries": grants.time_approval_queue(user=user)})


@login_required
@require_POST
def time_approve(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    if not grants.may_approve_time(user):
        raise PermissionDenied
    entry = get_object_or_404(TimeEntry.objects.select_related("person"), pk=pk, person__agency_id=user.agency_id)
    try:
        grants.time_entry_approve(entry=entry, actor=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Entry approved."))
    return redirect("time_approve_queue")
