"""Case pages for investigators and prosecutors: list, opening a case, the page per field group,
participants, linked survivors and the law-enforcement events.

Cases are fetched through ``cases.selectors.case_get_visible`` (404 for
anything not visible); every write goes through ``cases.services``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import selectors, services
from cases.access import capabilities_of, case_access, cases_access, victims_access
from cases.field_groups import CASE_FIELDS, WITHHELD_REASONS, CaseGroup, VictimGroup
from cases.forms import (
    ArrestForm,
    CaseFilterForm,
    CaseForm,
    CaseVictimForm,
    ChargeForm,
    DispositionForm,
    ParticipantForm,
    SuspectForm,
)
from cases.models import Case, CaseVictim, Charge, Victim
from cases.views.common import field_values
from partners.forms import add_service_errors
from partners.models import Agency
from partners.requests import acting_user

PAGE_SIZE = 25
LINKABLE_SURVIVORS = 200


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    caps = capabilities_of(user)
    if not caps.case_view:
        raise PermissionDenied
    filters = CaseFilterForm(request.GET)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    queryset = selectors.case_search(
        selectors.cases_visible_to(user),
        query=criteria.get("q", ""),
        status=criteria.get("status", ""),
        trafficking_type=criteria.get("trafficking_type", ""),
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    cases = list(page.object_list)
    access = cases_access(user, cases)
    rows = [(case, CaseGroup.SUMMARY in access[case.pk].readable) for case in cases]
    return render(
        request,
        "cases/case_list.html",
        {
            "page": page,
            "rows": rows,
            "filters": filters,
            "filtered": any(criteria.values()),
            "can_create": CaseGroup.SUMMARY in caps.case_change,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if CaseGroup.SUMMARY not in capabilities_of(user).case_change:
        raise PermissionDenied
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            case = services.case_create(actor=user, title=data.pop("title"), **data)
        except ValidationError as exc:
            add_service_errors([form], exc)
        else:
            messages.success(request, _("Case %(number)s was opened.") % {"number": case.case_number})
            return redirect("case_detail", pk=case.pk)
    return render(request, "cases/case_new.html", {"form": form}, status=400 if form.errors else 200)


# --- The case page ------------------------------------------------------------------------
def _case_page(request: HttpRequest, case: Case, *, bound: dict[str, forms.Form] | None = None) -> HttpResponse:
    user = acting_user(request)
    bound = bound or {}
    access = case_access(user, case)
    readable, writable = access.readable, access.writable
    sections: list[dict[str, Any]] = []
    for group, label in CaseGroup.choices:
        section: dict[str, Any] = {"group": group, "label": label}
        if group in access.withheld:
            section["withheld"] = WITHHELD_REASONS[access.withheld[group]]
        else:
            section["fields"] = field_values(case, CASE_FIELDS[group])
        sections.append(section)

    suspects = case.suspects.order_by("pk")
    charges = Charge.objects.filter(case=case).select_related("suspect", "filing_agency").order_by("pk")
    show_suspect_names = CaseGroup.INVESTIGATION in readable
    context: dict[str, Any] = {
        "case": case,
        "access": access,
        "sections": sections,
        "show_suspect_names": show_suspect_names,
        "participants": list(case.participations.select_related("agency").order_by("agency__name")),
        "survivors": _linked_survivors(user, case),
    }
    if CaseGroup.INVESTIGATION in readable:
        context["suspects"] = list(suspects)
        context["arrests"] = list(case.arrests.select_related("suspect", "arresting_agency").order_by("pk"))
    if CaseGroup.PROSECUTION in readable:
        context["charges"] = [(charge, list(charge.dispositions.order_by("pk"))) for charge in charges]
    if CaseGroup.SUMMARY in writable:
        context["participant_form"] = bound.get("participant") or ParticipantForm(agencies=_addable_agencies(case))
    if writable:
        context["survivor_form"] = bound.get("survivor") or CaseVictimForm(choices=_linkable_survivors(user, case))
    if CaseGroup.INVESTIGATION in writable:
        context["suspect_form"] = bound.get("suspect") or SuspectForm()
        context["arrest_form"] = bound.get("arrest") or ArrestForm(suspects=suspects, show_names=True)
    if CaseGroup.PROSECUTION in writable:
        context["charge_form"] = bound.get("charge") or ChargeForm(suspects=suspects, show_names=show_suspect_names)
        context["disposition_form"] = bound.get("disposition") or DispositionForm(charges=charges)
    return render(request, "cases/case_detail.html", context, status=400 if bound else 200)


def _linked_survivors(user: Any, case: Case) -> list[dict[str, Any]]:
    """Each linked survivor, showing the pseudonym only where the person may read the profile."""
    links = list(CaseVictim.objects.filter(case=case).select_related("victim__owner_agency").order_by("pk"))
    access = victims_access(user, [link.victim for link in links])
    return [
        {
            "victim": link.victim,
            "pseudonym": link.victim.pseudonym if VictimGroup.PROFILE in access[link.victim_id].readable else None,
            "visible": bool(access[link.victim_id].readable),
        }
        for link in links
    ]


def _addable_agencies(case: Case) -> Any:
    return (
        Agency.objects.active().exclude(pk=case.lead_agency_id).exclude(case_participations__case=case).order_by("name")
    )


def _linkable_survivors(user: Any, case: Case) -> list[tuple[int, str]]:
    survivors = list(selectors.victims_visible_to(user).exclude(case_links__case=case)[:LINKABLE_SURVIVORS])
    access = victims_access(user, survivors)
    return [
        (
            victim.pk,
            victim.pseudonym
            if VictimGroup.PROFILE in access[victim.pk].readable
            else _("Survivor %(number)s (details withheld)") % {"number": victim.pk},
        )
        for victim in survivors
    ]


@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_page(request, selectors.case_get_visible(user=acting_user(request), pk=pk))


def _case_for_writing(request: HttpRequest, pk: int, group: str | None) -> Case:
    """The visible case, refused with 403 unless the person may write ``group`` (any group if None)."""
    case = selectors.case_get_visible(user=acting_user(request), pk=pk)
    writable = case_access(acting_user(request), case).writable
    if (group is None and not writable) or (group is not None and group not in writable):
        raise services.FieldGroupDenied([group or CaseGroup.SUMMARY])
    return case


def _done(request: HttpRequest, case: Case, message: str, anchor: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(reverse("case_detail", args=[case.pk]) + f"#{anchor}")


@login_required
@require_POST
def case_participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    case = _case_for_writing(request, pk, CaseGroup.SUMMARY)
    form = ParticipantForm(request.POST, agencies=_addable_agencies(case))
    if form.is_valid():
        agency = form.cleaned_data["agency"]
        try:
            services.case_add_participant(case=case, agency=agency, actor=user)
        except ValidationError as exc:
            add_service_errors([form], exc)
        else:
            return _done(request, case, _("%(agency)s now works this case.") % {"agency": agency.name}, "participants")
    return _case_page(request, case, bound={"participant": form})


@login_required
@require_POST
def case_victim_link(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    case = _case_for_writing(request, pk, None)
    form = CaseVictimForm(request.POST, choices=_linkable_survivors(user, case))
    if form.is_valid():
        victim: Victim = selectors.victim_get_visible(user=user, pk=form.cleaned_data["victim"])
        services.case_link_victim(case=case, victim=victim, actor=user)
        return _done(request, case, _("The survivor is linked to this case."), "survivors")
    return _case_page(request, case, bound={"survivor": form})


@login_required
@require_POST
def suspect_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    case = _case_for_writing(request, pk, CaseGroup.INVESTIGATION)
    form = SuspectForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.suspect_create(case=case, actor=user, role=data.pop("role"), name=data.pop("name"), **data)
        except ValidationError as exc:
            add_service_errors([form], exc)
        else:
            return _done(request, case, _("The suspect was added."), "group-investigation")
    return _case_page(request, case, bound={"suspect": form})


@login_required
@require_POST
def arrest_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    case = _case_for_writing(request, pk, CaseGroup.INVESTIGATION)
    form = ArrestForm(request.POST, suspects=case.suspects.all(), show_names=True)
    if form.is_valid():
        try:
            services.arrest_create(case=case, actor=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors([form], exc)
        else:
            return _done(request, case, _("The arrest was recorded."), "group-investigation")
    return _case_page(request, case, bound={"arrest": form})


@login_required
@require_POST
def charge_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    case = _case_for_writing(request, pk, CaseGroup.PROSECUTION)
    show_names = CaseGroup.INVESTIGATION in case_access(user, case).readable
    form = ChargeForm(request.POST, suspects=case.suspects.all(), show_names=show_names)
    if form.is_valid():
        try:
            services.charge_create(case=case, actor=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors([form], exc)
        else:
            return _done(request, case, _("The charge was recorded."), "group-prosecution")
    return _case_page(request, case, bound={"charge": form})


@login_required
@require_POST
def disposition_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    case = _case_for_writing(request, pk, CaseGroup.PROSECUTION)
    form = DispositionForm(request.POST, charges=Charge.objects.filter(case=case))
    if form.is_valid():
        try:
            services.disposition_create(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors([form], exc)
        else:
            return _done(request, case, _("The disposition was recorded."), "group-prosecution")
    return _case_page(request, case, bound={"disposition": form})
