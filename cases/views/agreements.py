"""Sharing-agreement pages: what an agency shares by default with a partner on shared cases.

Only the owner agency's administrator (or the task force administrator) sees
and sets an agency's agreements. The rules live in
``cases.services.sharing_agreement_set``: the form only collects the choice and
shows the service's errors, and nothing is stored when it refuses.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from cases import services
from cases.field_groups import CONSENT_ONLY_GROUPS, OWNER_ONLY_GROUPS, CaseGroup, VictimGroup
from partners import access
from partners.forms import add_service_errors
from partners.models import Agency, SharingAgreement
from partners.requests import acting_user

# Notes never leave the owner agency, so they are not even offered.
SHAREABLE_VICTIM_GROUPS = [(value, label) for value, label in VictimGroup.choices if value not in OWNER_ONLY_GROUPS]


class AgreementForm(forms.Form):
    partner = forms.ModelChoiceField(
        label=gettext_lazy("Partner agency"), queryset=Agency.objects.none(), to_field_name="slug"
    )
    victim_groups = forms.MultipleChoiceField(
        label=gettext_lazy("Survivor field groups shared on cases the partner works"),
        choices=SHAREABLE_VICTIM_GROUPS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    case_groups = forms.MultipleChoiceField(
        label=gettext_lazy("Case field groups shared when the partner works our cases"),
        choices=CaseGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy("Every agency working a case sees its summary."),
    )
    notes = forms.CharField(
        label=gettext_lazy("Remarks (for example the MOU this agreement rests on)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    active = forms.BooleanField(label=gettext_lazy("In effect"), required=False, initial=True)

    def __init__(self, *args: Any, owner: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        partner_field = cast(forms.ModelChoiceField, self.fields["partner"])
        partner_field.queryset = Agency.objects.active().exclude(pk=owner.pk)


def _managed_agency(request: HttpRequest, slug: str | None) -> Agency:
    """The agency whose agreements are shown: one's own, or any for the task force administrator."""
    user = acting_user(request)
    agency = user.agency if not slug else get_object_or_404(Agency, slug=slug)
    if not access.can_manage_users_of(user, agency):
        raise PermissionDenied
    return agency


def _labels(values: list[str], choices: Any) -> list[str]:
    names = dict(choices)
    return [str(names.get(value, value)) for value in values]


def _rows(agreements: QuerySet[SharingAgreement], *, other: str) -> list[dict[str, Any]]:
    return [
        {
            "agreement": agreement,
            "agency": getattr(agreement, other),
            "victim_groups": _labels(agreement.victim_groups, VictimGroup.choices),
            "case_groups": _labels(agreement.case_groups, CaseGroup.choices),
        }
        for agreement in agreements
    ]


@login_required
@require_GET
def agreement_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    agency = _managed_agency(request, request.GET.get("agency"))
    given = (
        SharingAgreement.objects.filter(owner=agency).select_related("partner", "updated_by").order_by("partner__name")
    )
    received = SharingAgreement.objects.filter(partner=agency).select_related("owner").order_by("owner__name")
    return render(
        request,
        "cases/agreements.html",
        {
            "agency": agency,
            "given": _rows(given, other="partner"),
            "received": _rows(received, other="owner"),
            # The task force administrator may look at any agency's agreements.
            "agencies": Agency.objects.active() if access.is_taskforce_admin(user) else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request: HttpRequest, slug: str) -> HttpResponse:
    user = acting_user(request)
    owner = _managed_agency(request, slug)
    initial: dict[str, Any] = {"active": True}
    partner_slug = request.GET.get("partner", "")
    existing = SharingAgreement.objects.filter(owner=owner, partner__slug=partner_slug).first()
    if existing is not None:
        initial = {
            "partner": partner_slug,
            "victim_groups": existing.victim_groups,
            "case_groups": existing.case_groups,
            "notes": existing.notes,
            "active": existing.active,
        }
    elif partner_slug:
        initial["partner"] = partner_slug
    form = AgreementForm(request.POST or None, owner=owner, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.sharing_agreement_set(
                owner=owner,
                partner=data["partner"],
                actor=user,
                victim_groups=data["victim_groups"],
                case_groups=data["case_groups"],
                notes=data["notes"],
                active=data["active"],
            )
        except ValidationError as exc:
            add_service_errors([form], exc)
        else:
            messages.success(
                request,
                _("The agreement with %(partner)s is set; access on shared records was recomputed.")
                % {"partner": data["partner"].name},
            )
            return redirect(f"{reverse('agreements')}?agency={owner.slug}")
    return render(
        request,
        "cases/agreement_form.html",
        {
            "agency": owner,
            "form": form,
            "consent_only": _labels(sorted(CONSENT_ONLY_GROUPS), VictimGroup.choices),
        },
        status=400 if form.errors else 200,
    )
