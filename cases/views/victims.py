"""Survivor pages: list, intake, the page per field group, consents, services, notes, case links.

Every survivor is fetched through ``cases.selectors.victim_get_visible`` (404
for anything not visible), every field group is rendered only when readable,
and every write goes through ``cases.services``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import selectors, services
from cases.access import RecordAccess, can_read_access_report, capabilities_of, victim_access, victims_access
from cases.field_groups import WITHHELD_REASONS, VictimGroup
from cases.forms import (
    EDITABLE_VICTIM_FIELDS,
    CaseLinkForm,
    ConsentForm,
    FamilyMemberForm,
    NoteForm,
    ServiceEventForm,
    VictimGroupForm,
)
from cases.models import Case, Consent, Victim
from cases.views.common import field_values
from partners.forms import add_service_errors
from partners.requests import acting_user

PAGE_SIZE = 25
INTAKE_GROUPS = (VictimGroup.PROFILE, VictimGroup.IDENTITY, VictimGroup.CONTACT, VictimGroup.IMMIGRATION)


def consent_status(consent: Consent) -> str:
    if consent.revoked_at is not None:
        return "revoked"
    if consent.is_active():
        return "active"
    return "expired" if consent.expires_on < timezone.localdate() else "pending"


# What each field group means, in the plain words of the printed consent form.
PLAIN_GROUP_WORDS = {
    VictimGroup.PROFILE: translation.gettext_lazy(
        "Basic facts that do not name you: your chosen pseudonym, gender, age group, language and the type of "
        "trafficking."
    ),
    VictimGroup.IDENTITY: translation.gettext_lazy("Your legal name, other names you use, and your date of birth."),
    VictimGroup.CONTACT: translation.gettext_lazy(
        "How to reach you: your address, phone number, email and how to contact you safely."
    ),
    VictimGroup.IMMIGRATION: translation.gettext_lazy(
        "Your nationality, immigration status and any immigration relief you have applied for."
    ),
    VictimGroup.SERVICES: translation.gettext_lazy("The services and referrals you have received from us."),
}

CONSENT_STATUS_LABELS = {
    "active": translation.gettext_lazy("Active"),
    "expired": translation.gettext_lazy("Expired"),
    "revoked": translation.gettext_lazy("Revoked"),
    "pending": translation.gettext_lazy("Not yet in effect"),
}


# --- List and intake ---------------------------------------------------------------
@login_required
@require_GET
def victim_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    caps = capabilities_of(user)
    if not caps.victim_view:
        raise PermissionDenied
    query = request.GET.get("q", "").strip()[:100]
    queryset = selectors.victim_search(selectors.victims_visible_to(user), user=user, query=query)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    survivors = list(page.object_list)
    access = victims_access(user, survivors)
    rows = [(victim, "profile" in access[victim.pk].readable) for victim in survivors]
    return render(
        request,
        "cases/victim_list.html",
        {"page": page, "rows": rows, "q": query, "can_create": VictimGroup.PROFILE in caps.victim_change},
    )


@login_required
@require_http_methods(["GET", "POST"])
def victim_new(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    caps = capabilities_of(user)
    if VictimGroup.PROFILE not in caps.victim_change:
        raise PermissionDenied
    groups = [group for group in INTAKE_GROUPS if group in caps.victim_change]
    data = request.POST if request.method == "POST" else None
    group_forms = {group: VictimGroupForm(data, group=group, intake=True) for group in groups}
    if request.method == "POST" and all([form.is_valid() for form in group_forms.values()]):
        answers: dict[str, Any] = {}
        for form in group_forms.values():
            answers.update(form.provided())
        try:
            victim = services.victim_create(
                actor=user,
                pseudonym=answers.pop("pseudonym"),
                trafficking_type=answers.pop("trafficking_type"),
                **answers,
            )
        except ValidationError as exc:
            add_service_errors(group_forms.values(), exc)
        else:
            messages.success(request, _("%(pseudonym)s was recorded.") % {"pseudonym": victim.pseudonym})
            return redirect("victim_detail", pk=victim.pk)
    status = 400 if any(form.errors for form in group_forms.values()) else 200
    sections = [(group, VictimGroup(group).label, form) for group, form in group_forms.items()]
    return render(request, "cases/victim_new.html", {"sections": sections}, status=status)


# --- The survivor page -----------------------------------------------------------------
def _victim_page(request: HttpRequest, victim: Victim, *, bound: dict[str, forms.Form] | None = None) -> HttpResponse:
    """Render the survivor page: one section per field group, and log the PII groups it shows."""
    user = acting_user(request)
    bound = bound or {}
    access = victim_access(user, victim)
    sections = []
    for group, label in VictimGroup.choices:
        section: dict[str, Any] = {"group": group, "label": label}
        if group in access.withheld:
            section["withheld"] = WITHHELD_REASONS[access.withheld[group]]
        elif group in EDITABLE_VICTIM_FIELDS:
            section["fields"] = field_values(victim, EDITABLE_VICTIM_FIELDS[group])
            if group in access.writable:
                section["form"] = bound.get(f"edit-{group}") or VictimGroupForm(
                    group=group, initial={name: getattr(victim, name) for name in EDITABLE_VICTIM_FIELDS[group]}
                )
        elif group == VictimGroup.SERVICES:
            section["services"] = list(selectors.services_of(victim).select_related("family_member")[:200])
            section["family_members"] = family_members = list(victim.family_members.order_by("pseudonym"))
            if group in access.writable:
                section["form"] = bound.get("service") or ServiceEventForm(family_members=family_members)
                section["family_form"] = bound.get("family") or FamilyMemberForm()
        elif group == VictimGroup.NOTES:
            section["notes"] = list(selectors.notes_of(victim)[:200])
            if group in access.writable:
                section["form"] = bound.get("note") or NoteForm()
        sections.append(section)

    owner = victim.owner_agency_id == user.agency_id and VictimGroup.PROFILE in access.writable
    consents = []
    if owner:
        consents = [
            (
                consent,
                consent_status(consent),
                CONSENT_STATUS_LABELS[consent_status(consent)],
                ", ".join(str(VictimGroup(g).label) for g in consent.field_groups if g in VictimGroup.values),
            )
            for consent in selectors.consents_visible_to(user).filter(victim=victim)
        ]
    context = {
        "victim": victim,
        "access": access,
        "show_pseudonym": VictimGroup.PROFILE in access.readable,
        "sections": sections,
        "owner": owner,
        "consents": consents,
        "consent_form": (bound.get("consent") or ConsentForm(victim=victim)) if owner else None,
        # The owner links by a number it was told; an agency working cases links the survivors it sees.
        "link_form": (bound.get("link") or CaseLinkForm()) if owner or capabilities_of(user).case_change else None,
        "cases": list(selectors.cases_visible_to(user).filter(victim_links__victim=victim)),
    }
    status = 400 if bound else 200
    response = render(request, "cases/victim_detail.html", context, status=status)
    # One access-log entry per request, for the PII groups this page showed (the service keeps only those).
    services.access_log_record(
        user=user, method=request.method or "GET", path=request.path, readable={victim.pk: access.readable}
    )
    return response


@login_required
@require_GET
def victim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    victim = selectors.victim_get_visible(user=acting_user(request), pk=pk)
    return _victim_page(request, victim)


def _require_writable(access: RecordAccess, group: str) -> None:
    if group not in access.writable:
        raise services.FieldGroupDenied([group])


@login_required
@require_POST
def victim_group_update(request: HttpRequest, pk: int, group: str) -> HttpResponse:
    user = acting_user(request)
    victim = selectors.victim_get_visible(user=user, pk=pk)
    if group not in EDITABLE_VICTIM_FIELDS:
        return HttpResponse(status=404)
    _require_writable(victim_access(user, victim), group)
    initial = {name: getattr(victim, name) for name in EDITABLE_VICTIM_FIELDS[group]}
    form = VictimGroupForm(request.POST, group=group, initial=initial)
    if form.is_valid():
        try:
            services.victim_update(
                victim=victim, actor=user, changes={name: form.cleaned_data[name] for name in form.changed_data}
            )
        except ValidationError as exc:
            add_service_errors([form], exc)
            victim.refresh_from_db()
        else:
            messages.success(request, _("Saved."))
            return redirect(f"{victim_url(victim)}#group-{group}")
    return _victim_page(request, victim, bound={f"edit-{group}": form})


def victim_url(victim: Victim) -> str:
    return reverse("victim_detail", args=[victim.pk])


# --- Consent -----------------------------------------------------------------------------
@login_required
@require_POST
def consent_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    victim = selectors.victim_get_visible(user=user, pk=pk)
    form = ConsentForm(request.POST, victim=victim)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.consent_create(
                victim=victim,
                actor=user,
                recipient_agency=data["recipient_agency"],
                field_groups=data["field_groups"],
                purpose=data["purpose"],
                obtained_on=data["obtained_on"],
                expires_on=data["expires_on"],
                written_form_reference=data["written_form_reference"],
            )
        except ValidationError as exc:
            add_service_errors([form], exc)
        else:
            messages.success(request, _("The consent was recorded. Print the form for the survivor to sign."))
            return redirect(f"{victim_url(victim)}#consents")
    return _victim_page(request, victim, bound={"consent": form})


def _consent_of(request: HttpRequest, pk: int, consent_pk: int) -> tuple[Victim, Consent]:
    user = acting_user(request)
    victim = selectors.victim_get_visible(user=user, pk=pk)
    # Only the owner agency sees its survivors' consents: anyone else gets the same 404.
    consent = get_object_or_404(selectors.consents_visible_to(user), pk=consent_pk, victim=victim)
    return victim, consent


@login_required
@require_POST
def consent_revoke(request: HttpRequest, pk: int, consent_pk: int) -> HttpResponse:
    victim, consent = _consent_of(request, pk, consent_pk)
    services.consent_revoke(consent=consent, actor=acting_user(request))
    messages.success(
        request,
        _("The consent is revoked. %(agency)s no longer sees what it covered.")
        % {"agency": consent.recipient_agency.name},
    )
    return redirect(f"{victim_url(victim)}#consents")


@login_required
@require_GET
def consent_print(request: HttpRequest, pk: int, consent_pk: int) -> HttpResponse:
    """The plain-language form for the survivor to sign, in English or (``?lang=es``) Spanish."""
    victim, consent = _consent_of(request, pk, consent_pk)
    language = "es" if request.GET.get("lang") == "es" else "en"
    with translation.override(language):
        html = render_to_string(
            "cases/consent_print.html",
            {
                "victim": victim,
                "consent": consent,
                "groups": [
                    (str(VictimGroup(group).label), str(PLAIN_GROUP_WORDS[group]))
                    for group in consent.field_groups
                    if group in PLAIN_GROUP_WORDS
                ],
                "language": language,
            },
            request=request,
        )
    return HttpResponse(html)


@login_required
@require_GET
def access_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Who saw what about this survivor, and what was disclosed to whom (owner agency only)."""
    user = acting_user(request)
    victim = selectors.victim_get_visible(user=user, pk=pk)
    if not can_read_access_report(user, victim):
        raise PermissionDenied
    return render(request, "cases/access_report.html", {"victim": victim, "report": selectors.access_report(victim)})


# --- Services, notes, case links ------------------------------------------------------------
@login_required
@require_POST
def family_member_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    victim = selectors.victim_get_visible(user=user, pk=pk)
    _require_writable(victim_access(user, victim), VictimGroup.SERVICES)
    form = FamilyMemberForm(request.POST)
    if form.is_valid():
        try:
            services.family_member_create(victim=victim, actor=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors([form], exc)
        else:
            messages.success(request, _("The family member was added."))
            return redirect(f"{victim_url(victim)}#group-services")
    return _victim_page(request, victim, bound={"family": form})


@login_required
@require_POST
def service_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    victim = selectors.victim_get_visible(user=user, pk=pk)
    _require_writable(victim_access(user, victim), VictimGroup.SERVICES)
    form = ServiceEventForm(request.POST, family_members=victim.family_members.all())
    if form.is_valid():
        try:
            services.service_event_create(victim=victim, actor=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors([form], exc)
        else:
            messages.success(request, _("The service was logged."))
            return redirect(f"{victim_url(victim)}#group-services")
    return _victim_page(request, victim, bound={"service": form})


@login_required
@require_POST
def note_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    victim = selectors.victim_get_visible(user=user, pk=pk)
    _require_writable(victim_access(user, victim), VictimGroup.NOTES)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.note_create(victim=victim, actor=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors([form], exc)
        else:
            messages.success(request, _("The note was saved."))
            return redirect(f"{victim_url(victim)}#group-notes")
    return _victim_page(request, victim, bound={"note": form})


@login_required
@require_POST
def victim_link_case(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    victim = selectors.victim_get_visible(user=user, pk=pk)
    form = CaseLinkForm(request.POST)
    if form.is_valid():
        number = form.cleaned_data["case_number"].strip().upper()
        try:
            # Looked up by its exact number, outside the visibility filter on purpose:
            # the advocate does not see the case before the link. Whether this person
            # may link is decided by case_link_victim, and a wrong number and a refused
            # link give the same answer, so the form reveals nothing about other cases.
            case = Case.objects.select_related("lead_agency").get(case_number=number)
            services.case_link_victim(case=case, victim=victim, actor=user)
        except (Case.DoesNotExist, PermissionDenied):
            form.add_error("case_number", _("No case with that number can be linked to this survivor."))
        else:
            messages.success(request, _("Linked to case %(number)s.") % {"number": case.case_number})
            return redirect(f"{victim_url(victim)}#cases")
    return _victim_page(request, victim, bound={"link": form})
