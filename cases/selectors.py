"""Reads that users trigger: one visibility filter per model, used by the API,
the web views and the services alike (never guardian's get_objects_for_user)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from cases.access import capabilities_of, view_permission_ids
from cases.field_groups import CONSENT_ONLY_GROUPS, VictimGroup
from cases.models import (
    AccessLogVictim,
    Case,
    CaseGroupObjectPermission,
    CaseVictim,
    Consent,
    Disclosure,
    Note,
    ServiceEvent,
    Victim,
    VictimGroupObjectPermission,
)
from partners.models import User


def victims_visible_to(user: User) -> QuerySet[Victim]:
    """Survivors of whom ``user`` may read at least one field group.

    One statement: the agency group's view grants for the groups the role may
    read (served by guardian's unique (group, permission, object) index). A
    grant of a consent-only group from a covered owner counts only while an
    active consent backs it, so a lapsed consent hides the record at once.
    """
    caps = capabilities_of(user)
    if not caps.victim_view:
        return Victim.objects.none()
    grants = VictimGroupObjectPermission.objects.filter(group_id=user.agency.group_id)
    plain = view_permission_ids("victim", caps.victim_view - CONSENT_ONLY_GROUPS)
    gated = view_permission_ids("victim", caps.victim_view & CONSENT_ONLY_GROUPS)
    consent_backed = (
        Q(owner_agency_id=user.agency_id)
        | Q(owner_agency__confidentiality_covered=False)
        | Exists(Consent.objects.active().filter(victim=OuterRef("pk"), recipient_agency_id=user.agency_id))
    )
    return Victim.objects.filter(
        Q(pk__in=grants.filter(permission_id__in=plain).values("content_object_id"))
        | (Q(pk__in=grants.filter(permission_id__in=gated).values("content_object_id")) & consent_backed)
    ).select_related("owner_agency")


def victim_get_visible(*, user: User, pk: int | str) -> Victim:
    """Fetch-and-authorize: 'does not exist' and 'not yours' are the same 404."""
    try:
        return victims_visible_to(user).get(pk=pk)
    except (Victim.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def victim_search(queryset: QuerySet[Victim], *, user: User, query: str) -> QuerySet[Victim]:
    """Narrow a visible queryset by pseudonym.

    Only among survivors whose ``profile`` the agency holds: otherwise a search
    would reveal a pseudonym the person is not allowed to read.
    """
    if not query:
        return queryset
    profile_grants = VictimGroupObjectPermission.objects.filter(
        group_id=user.agency.group_id, permission_id__in=view_permission_ids("victim", ["profile"])
    )
    return queryset.filter(pseudonym__icontains=query, pk__in=profile_grants.values("content_object_id"))


def cases_visible_to(user: User) -> QuerySet[Case]:
    caps = capabilities_of(user)
    if not caps.case_view:
        return Case.objects.none()
    grants = CaseGroupObjectPermission.objects.filter(
        group_id=user.agency.group_id, permission_id__in=view_permission_ids("case", caps.case_view)
    )
    return Case.objects.filter(pk__in=grants.values("content_object_id")).select_related("lead_agency")


def case_get_visible(*, user: User, pk: int | str) -> Case:
    try:
        return cases_visible_to(user).get(pk=pk)
    except (Case.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def case_search(
    queryset: QuerySet[Case], *, query: str = "", status: str = "", trafficking_type: str = ""
) -> QuerySet[Case]:
    if query:
        queryset = queryset.filter(Q(case_number__icontains=query) | Q(title__icontains=query))
    if status:
        queryset = queryset.filter(status=status)
    if trafficking_type:
        queryset = queryset.filter(trafficking_type=trafficking_type)
    return queryset


def consents_visible_to(user: User) -> QuerySet[Consent]:
    """Consents of survivors whose owner is the user's agency (only the owner manages them)."""
    caps = capabilities_of(user)
    if "profile" not in caps.victim_change:
        return Consent.objects.none()
    return Consent.objects.filter(victim__owner_agency_id=user.agency_id).select_related(
        "victim", "recipient_agency", "obtained_by", "revoked_by"
    )


def service_events_visible_to(user: User) -> QuerySet[ServiceEvent]:
    """Service events of the survivors whose ``services`` group ``user`` may read.

    The ``services`` grant of the agency group, for a role that may read it;
    from a covered owner only while an active consent to the agency backs it.
    (Whether that consent names ``services`` is checked per page by
    ``access.victims_access``: JSON containment is not portable to SQLite.)
    """
    caps = capabilities_of(user)
    if VictimGroup.SERVICES not in caps.victim_view:
        return ServiceEvent.objects.none()
    granted = VictimGroupObjectPermission.objects.filter(
        group_id=user.agency.group_id, permission_id__in=view_permission_ids("victim", [VictimGroup.SERVICES])
    )
    consent_backed = (
        Q(victim__owner_agency_id=user.agency_id)
        | Q(victim__owner_agency__confidentiality_covered=False)
        | Exists(Consent.objects.active().filter(victim=OuterRef("victim_id"), recipient_agency_id=user.agency_id))
    )
    return ServiceEvent.objects.filter(
        Q(victim_id__in=granted.values("content_object_id")) & consent_backed
    ).select_related("providing_agency", "victim__owner_agency")


def case_victim_ids_visible(*, user: User, case_ids: list[int]) -> dict[int, list[int]]:
    """The linked survivors of each case that ``user`` can see, in one query for a page of cases."""
    result: dict[int, list[int]] = {case_id: [] for case_id in case_ids}
    rows = CaseVictim.objects.filter(case_id__in=case_ids, victim__in=victims_visible_to(user).values("pk"))
    for case_id, victim_id in rows.values_list("case_id", "victim_id"):
        result[case_id].append(victim_id)
    return result


def services_of(victim: Victim) -> QuerySet[ServiceEvent]:
    return victim.service_events.select_related("providing_agency")


def notes_of(victim: Victim) -> QuerySet[Note]:
    return victim.notes.select_related("author", "agency")


def access_report(victim: Victim) -> dict[str, list[dict[str, object]]]:
    """Who saw what about this survivor, and what was disclosed to whom."""
    reads = [
        {
            "at": row.entry.at,
            "user": row.entry.user.username,
            "agency": row.entry.agency.slug,
            "field_groups": row.field_groups,
            "method": row.entry.method,
            "path": row.entry.path,
        }
        for row in AccessLogVictim.objects.filter(victim=victim)
        .select_related("entry__user", "entry__agency")
        .order_by("-entry__at")[:500]
    ]
    disclosures = [
        {
            "recipient_agency": row.recipient_agency.slug,
            "field_group": row.field_group,
            "basis": row.basis,
            "consent": row.consent_id,
            "granted_at": row.granted_at,
            "withdrawn_at": row.withdrawn_at,
        }
        for row in Disclosure.objects.filter(victim=victim).select_related("recipient_agency")
    ]
    return {"reads": reads, "disclosures": disclosures}
