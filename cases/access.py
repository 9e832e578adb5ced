"""The access policy: who may read and change which field groups of which record.

Two halves, and every read and write goes through both:

* **Grants** (what an agency holds on a record) are django-guardian object
  permissions on the agency's group, in direct-foreign-key tables. They are
  computed here from ownership, case participation with the owner's sharing
  agreement, and active consents, and written by ``victim_grants_sync`` /
  ``case_grants_sync`` in the same transaction as any change to those inputs.
* **Capabilities** (what a role may do at all) are the model-level permissions
  of the person's role groups (``partners.access.ROLE_CAPABILITIES``).

A person reads a field group when their role has the capability **and** their
agency holds the grant. Rules no configuration can break are applied at both
ends: privileged notes never leave the owner, and a confidentiality-covered
owner's PII groups reach another agency only through an active consent, which
is checked again at read time because the daily sweep may lag.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone

from cases.field_groups import CONSENT_ONLY_GROUPS, OWNER_ONLY_GROUPS, CaseGroup, VictimGroup
from cases.models import (
    Case,
    CaseGroupObjectPermission,
    Consent,
    Disclosure,
    Victim,
    VictimGroupObjectPermission,
)
from partners.models import Agency, SharingAgreement, User
from partners.roles import Sector

VIEW = "view"
CHANGE = "change"
ALL = frozenset({VIEW, CHANGE})

# field group -> actions, per agency id
Plan = dict[int, dict[str, set[str]]]

# Apps to the right of cases (referrals) add sources of survivor grants without cases
# importing them: a source yields (agency id, field groups) that agency should read.
VictimGrantSource = Callable[[Victim], Iterable[tuple[int, Iterable[str]]]]
_victim_grant_sources: dict[str, VictimGrantSource] = {}


def register_victim_grant_source(name: str, source: VictimGrantSource) -> None:
    """Called from an AppConfig.ready(); ``name`` is what the disclosure log records as the basis."""
    _victim_grant_sources[name] = source


def _extra_grants(victim: Victim) -> dict[tuple[int, str], str]:
    """(agency id, group) -> source name, from the registered sources."""
    found: dict[tuple[int, str], str] = {}
    for name, source in _victim_grant_sources.items():
        for agency_id, groups in source(victim):
            for group in groups:
                found.setdefault((agency_id, group), name)
    return found


# --- Capabilities ------------------------------------------------------------
@dataclass(frozen=True)
class Capabilities:
    """What the person's roles allow on each model, as field-group names."""

    victim_view: frozenset[str]
    victim_change: frozenset[str]
    case_view: frozenset[str]
    case_change: frozenset[str]


def capabilities_of(user: User) -> Capabilities:
    # ModelBackend caches the permission set on the user object: two queries per request at most.
    perms = user.get_all_permissions() if user.is_active else set()

    def groups(action: str, model: str, names: Iterable[str]) -> frozenset[str]:
        return frozenset(name for name in names if f"cases.{action}_{model}_{name}" in perms)

    return Capabilities(
        victim_view=groups(VIEW, "victim", VictimGroup.values),
        victim_change=groups(CHANGE, "victim", VictimGroup.values),
        case_view=groups(VIEW, "case", CaseGroup.values),
        case_change=groups(CHANGE, "case", CaseGroup.values),
    )


# --- Grant plans -------------------------------------------------------------
def victim_grant_plan(victim: Victim) -> Plan:
    """The grants each agency should hold on ``victim``, from the policy inputs."""
    owner = victim.owner_agency
    plan: Plan = defaultdict(lambda: defaultdict(set))
    for group in VictimGroup.values:
        plan[owner.pk][group] |= ALL

    case_agencies = _agencies_of_cases(Case.objects.filter(victim_links__victim=victim))
    agreements = SharingAgreement.objects.filter(owner=owner, partner_id__in=case_agencies, active=True)
    for agreement in agreements:
        shared = set(agreement.victim_groups) & set(VictimGroup.values)
        shared -= OWNER_ONLY_GROUPS
        if owner.confidentiality_covered:
            # An agreement never shares a covered provider's survivor PII: only consent does.
            shared -= CONSENT_ONLY_GROUPS
        for group in shared:
            plan[agreement.partner_id][group].add(VIEW)

    for consent in Consent.objects.active().filter(victim=victim).exclude(recipient_agency=owner):
        for group in set(consent.field_groups) & set(VictimGroup.values) - OWNER_ONLY_GROUPS:
            plan[consent.recipient_agency_id][group].add(VIEW)

    # Registered sources (accepted referrals). A covered owner's PII groups still reach the
    # agency only while a consent backs them: victims_access checks that at read time.
    for (agency_id, group), _source in _extra_grants(victim).items():
        if agency_id != owner.pk and group in VictimGroup.values and group not in OWNER_ONLY_GROUPS:
            plan[agency_id][group].add(VIEW)
    return plan


def case_grant_plan(case: Case) -> Plan:
    lead = case.lead_agency
    plan: Plan = defaultdict(lambda: defaultdict(set))
    for group in CaseGroup.values:
        plan[lead.pk][group] |= ALL

    participants = list(Agency.objects.filter(case_participations__case=case).exclude(pk=lead.pk))
    agreements = {
        agreement.partner_id: agreement
        for agreement in SharingAgreement.objects.filter(owner=lead, partner__in=participants, active=True)
    }
    for agency in participants:
        # Everyone the lead brought into the case sees its summary and works its own
        # line (investigation for police, prosecution for prosecutors); the lead's
        # agreement decides what else the participant may read.
        plan[agency.pk][CaseGroup.SUMMARY].add(VIEW)
        own_group = _sector_case_group(agency)
        if own_group is not None:
            plan[agency.pk][own_group] |= ALL
        agreement = agreements.get(agency.pk)
        if agreement is not None:
            for group in set(agreement.case_groups) & set(CaseGroup.values):
                plan[agency.pk][group].add(VIEW)
    # Linking a survivor to a case grants the survivor's agency nothing on the case:
    # case numbers are sequential, so a link made by number must not reveal the case.
    # The lead shares the case by making the agency a participant.
    return plan


def _sector_case_group(agency: Agency) -> str | None:
    return {
        Sector.LAW_ENFORCEMENT: CaseGroup.INVESTIGATION.value,
        Sector.PROSECUTION: CaseGroup.PROSECUTION.value,
    }.get(agency.sector)  # type: ignore[call-overload]


def _agencies_of_cases(cases: Any) -> set[int]:
    ids = set(cases.values_list("lead_agency_id", flat=True))
    ids |= set(Agency.objects.filter(case_participations__case__in=cases).values_list("pk", flat=True))
    return ids


# --- Writing grants ----------------------------------------------------------
def _permission_ids(model: str, groups: Iterable[str]) -> dict[tuple[str, str], int]:
    codenames = [f"{action}_{model}_{group}" for group in groups for action in (VIEW, CHANGE)]
    return {
        (codename.split("_", 1)[0], codename.split("_", 2)[2]): pk
        for pk, codename in Permission.objects.filter(
            content_type__app_label="cases", codename__in=codenames
        ).values_list("pk", "codename")
    }


def _desired_rows(plan: Plan, perm_ids: dict[tuple[str, str], int]) -> set[tuple[int, int]]:
    group_of = dict(Agency.objects.filter(pk__in=plan.keys()).values_list("pk", "group_id"))
    return {
        (group_of[agency_id], perm_ids[(action, group)])
        for agency_id, groups in plan.items()
        for group, actions in groups.items()
        for action in actions
    }


@transaction.atomic
def victim_grants_sync(*, victim: Victim, actor: User | None) -> None:
    """Make the stored grants on ``victim`` equal to its plan; log disclosures."""
    plan = _grants_sync(victim, VictimGroupObjectPermission, "victim", VictimGroup.values, victim_grant_plan)
    _sync_disclosures(victim=victim, plan=plan, actor=actor)


@transaction.atomic
def case_grants_sync(*, case: Case, actor: User | None) -> None:
    """Make the stored grants on ``case`` equal to its plan."""
    _grants_sync(case, CaseGroupObjectPermission, "case", CaseGroup.values, case_grant_plan)


def _grants_sync(obj: Any, grant_model: Any, model_name: str, groups: list[str], plan_of: Any) -> Plan:
    # Lock the record's row so that two changes of its inputs compute one after the other.
    type(obj).objects.select_for_update().filter(pk=obj.pk).first()
    plan: Plan = plan_of(obj)
    desired = _desired_rows(plan, _permission_ids(model_name, groups))
    existing = set(grant_model.objects.filter(content_object=obj).values_list("group_id", "permission_id"))
    _apply(grant_model, obj, desired, existing)
    return plan


def _apply(model: Any, obj: Any, desired: set[tuple[int, int]], existing: set[tuple[int, int]]) -> None:
    from auditlog.models import LogEntry

    removed = existing - desired
    added = desired - existing
    for group_id, permission_id in removed:
        model.objects.filter(content_object=obj, group_id=group_id, permission_id=permission_id).delete()
    model.objects.bulk_create(
        [model(content_object=obj, group_id=group_id, permission_id=permission_id) for group_id, permission_id in added]
    )
    if added or removed:
        # Bulk writes send no auditlog signals: record the change of grants explicitly (opaque ids).
        LogEntry.objects.log_create(
            obj,
            action=LogEntry.Action.UPDATE,
            changes={"grants": [sorted(map(list, removed)), sorted(map(list, added))]},
            force_log=True,
        )


def _sync_disclosures(*, victim: Victim, plan: Plan, actor: User | None) -> None:
    """Open a disclosure row for each group now visible to another agency; close the ones no longer."""
    owner_id = victim.owner_agency_id
    shared = {
        (agency_id, group)
        for agency_id, groups in plan.items()
        if agency_id != owner_id
        for group, actions in groups.items()
        if VIEW in actions
    }
    open_rows = {
        (row.recipient_agency_id, row.field_group): row
        for row in Disclosure.objects.filter(victim=victim, withdrawn_at__isnull=True)
    }
    now = timezone.now()
    consents = list(Consent.objects.active().filter(victim=victim).order_by("-obtained_on", "-id"))

    extra = _extra_grants(victim)

    def basis_of(agency_id: int, group: str) -> tuple[str, Consent | None]:
        consent = next((c for c in consents if c.recipient_agency_id == agency_id and group in c.field_groups), None)
        if consent is not None:
            return Disclosure.Basis.CONSENT, consent
        return extra.get((agency_id, group), Disclosure.Basis.AGREEMENT), None

    for key, row in open_rows.items():
        if key not in shared:
            row.withdrawn_at, row.withdrawn_by = now, actor
            row.save(update_fields=["withdrawn_at", "withdrawn_by"])
            continue
        basis, consent = basis_of(*key)
        if (row.basis, row.consent_id) != (basis, consent.pk if consent else None):
            # Still visible, but on another ground (a consent ended, an agreement still
            # shares the group): close the old row and open one that says why now.
            row.withdrawn_at, row.withdrawn_by = now, actor
            row.save(update_fields=["withdrawn_at", "withdrawn_by"])
            open_rows[key] = Disclosure.objects.create(
                victim=victim,
                recipient_agency_id=key[0],
                field_group=key[1],
                basis=basis,
                consent=consent,
                granted_at=now,
                granted_by=actor,
            )
    rows = []
    for agency_id, group in sorted(shared - set(open_rows)):
        basis, consent = basis_of(agency_id, group)
        rows.append(
            Disclosure(
                victim=victim,
                recipient_agency_id=agency_id,
                field_group=group,
                basis=basis,
                consent=consent,
                granted_at=now,
                granted_by=actor,
            )
        )
    Disclosure.objects.bulk_create(rows)


# --- Reading: what a person may see of a page of records ---------------------
@dataclass
class RecordAccess:
    readable: set[str] = field(default_factory=set)
    writable: set[str] = field(default_factory=set)
    # group -> reason key of cases.field_groups.WITHHELD_REASONS
    withheld: dict[str, str] = field(default_factory=dict)


def victims_access(user: User, victims: list[Victim]) -> dict[int, RecordAccess]:
    """Field-group access of ``user`` to each victim of a page, in two queries
    whatever the page size (grants, then the active consents that back them).

    ``victims`` must have ``owner_agency`` loaded (the selectors do that).
    """
    caps = capabilities_of(user)
    ids = [victim.pk for victim in victims]
    held: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    if ids:
        rows = VictimGroupObjectPermission.objects.filter(
            group_id=user.agency.group_id, content_object_id__in=ids
        ).values_list("content_object_id", "permission__codename")
        for victim_id, codename in rows:
            action, _model, group = codename.split("_", 2)
            held[victim_id][group].add(action)
    needs_consent = [v.pk for v in victims if _consent_gated(v, user.agency_id)]
    consented: dict[int, set[str]] = defaultdict(set)
    if needs_consent:
        for victim_id, groups in (
            Consent.objects.active()
            .filter(victim_id__in=needs_consent, recipient_agency_id=user.agency_id)
            .values_list("victim_id", "field_groups")
        ):
            consented[victim_id] |= set(groups)

    result: dict[int, RecordAccess] = {}
    for victim in victims:
        access = RecordAccess()
        grants = held[victim.pk]
        gated = victim.pk in needs_consent
        is_owner = victim.owner_agency_id == user.agency_id
        for group in VictimGroup.values:
            granted = grants.get(group, set())
            if group in OWNER_ONLY_GROUPS and not is_owner:
                reason = "owner_only"
            elif gated and group in CONSENT_ONLY_GROUPS and group not in consented[victim.pk]:
                # Checked at read time: a revoked or expired consent counts for nothing,
                # even before the sweep has removed its grants.
                reason = "consent"
            elif VIEW not in granted:
                reason = (
                    "consent"
                    if victim.owner_agency.confidentiality_covered and group in CONSENT_ONLY_GROUPS
                    else "not_shared"
                )
            elif group not in caps.victim_view:
                reason = "role"
            else:
                access.readable.add(group)
                if CHANGE in granted and group in caps.victim_change:
                    access.writable.add(group)
                continue
            access.withheld[group] = reason
        result[victim.pk] = access
    return result


def _consent_gated(victim: Victim, agency_id: int) -> bool:
    return victim.owner_agency_id != agency_id and victim.owner_agency.confidentiality_covered


def victim_access(user: User, victim: Victim) -> RecordAccess:
    return victims_access(user, [victim])[victim.pk]


def cases_access(user: User, cases: list[Case]) -> dict[int, RecordAccess]:
    """Field-group access of ``user`` to each case of a page, in one query."""
    caps = capabilities_of(user)
    ids = [case.pk for case in cases]
    held: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    if ids:
        rows = CaseGroupObjectPermission.objects.filter(
            group_id=user.agency.group_id, content_object_id__in=ids
        ).values_list("content_object_id", "permission__codename")
        for case_id, codename in rows:
            action, _model, group = codename.split("_", 2)
            held[case_id][group].add(action)
    result: dict[int, RecordAccess] = {}
    for case in cases:
        access = RecordAccess()
        for group in CaseGroup.values:
            granted = held[case.pk].get(group, set())
            if VIEW not in granted:
                access.withheld[group] = "not_shared"
            elif group not in caps.case_view:
                access.withheld[group] = "role"
            else:
                access.readable.add(group)
                if CHANGE in granted and group in caps.case_change:
                    access.writable.add(group)
        result[case.pk] = access
    return result


def case_access(user: User, case: Case) -> RecordAccess:
    return cases_access(user, [case])[case.pk]


def can_read_access_report(user: User, victim: Victim) -> bool:
    """The survivor's access report is for the people of their own agency who
    manage the record (the same who record and revoke consents)."""
    return victim.owner_agency_id == user.agency_id and VictimGroup.PROFILE in victim_access(user, victim).writable


def view_permission_ids(model: str, groups: Iterable[str]) -> list[int]:
    return list(
        Permission.objects.filter(
            content_type__app_label="cases", codename__in=[f"view_{model}_{group}" for group in groups]
        ).values_list("pk", flat=True)
    )
