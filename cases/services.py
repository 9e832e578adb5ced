"""Every write to cases, survivors, consents, services, notes and law-enforcement events.

Each function takes the acting person, checks their writable field groups
through ``cases.access`` (a field outside them is refused and nothing
changes), and recomputes the grants in the same transaction whenever an input
of the access policy changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import access
from cases.field_groups import (
    CONSENT_ONLY_GROUPS,
    CONSENTABLE_GROUPS,
    OWNER_ONLY_GROUPS,
    PII_GROUPS,
    VICTIM_DERIVED_FIELDS,
    CaseGroup,
    VictimGroup,
    case_field_group,
    victim_field_group,
)
from cases.models import (
    AccessLogEntry,
    AccessLogVictim,
    AgeGroup,
    Arrest,
    Case,
    CaseNumberSequence,
    CaseParticipant,
    CaseStatus,
    CaseVictim,
    Charge,
    Consent,
    Disposition,
    FamilyMember,
    Gender,
    Note,
    ServiceEvent,
    Suspect,
    Victim,
)
from partners.models import Agency, SharingAgreement, User

CONSENT_DEFAULT_DAYS = 90
CONSENT_MAX_DAYS = 365
ADULT_AGE = 18


class FieldGroupDenied(PermissionDenied):
    """A write touched field groups the actor may not change."""

    def __init__(self, groups: Iterable[str]) -> None:
        self.groups = sorted(set(groups))
        super().__init__(_("You may not change: %(groups)s.") % {"groups": ", ".join(self.groups)})


# --- Survivors -----------------------------------------------------------------
def _age_at(*, date_of_birth: date | None, estimated_age: int | None, on: date) -> int | None:
    """Age at intake in years, from the date of birth when known, else the estimate."""
    if date_of_birth is not None:
        return max(0, on.year - date_of_birth.year - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day)))
    return estimated_age


def _age_group(*, date_of_birth: date | None, estimated_age: int | None, on: date) -> str:
    years = _age_at(date_of_birth=date_of_birth, estimated_age=estimated_age, on=on)
    if years is None:
        return AgeGroup.UNKNOWN
    return AgeGroup.MINOR if years < ADULT_AGE else AgeGroup.ADULT


def _derive_age(victim: Victim) -> None:
    victim.age_at_intake = _age_at(
        date_of_birth=victim.date_of_birth, estimated_age=victim.estimated_age, on=victim.intake_date
    )
    victim.age_group = _age_group(
        date_of_birth=victim.date_of_birth, estimated_age=victim.estimated_age, on=victim.intake_date
    )


def _victim_groups_of(fields: Iterable[str]) -> dict[str, str]:
    mapping = {}
    for name in fields:
        group = victim_field_group(name)
        if group is None or name in VICTIM_DERIVED_FIELDS:
            raise ValidationError({name: _("Unknown or derived field.")})
        mapping[name] = group
    return mapping


def _log_pii_change(victim: Victim, groups: set[str]) -> None:
    """PII values never enter the audit log: record which groups changed, not what to."""
    if groups:
        LogEntry.objects.log_create(
            victim,
            action=LogEntry.Action.UPDATE,
            changes={group: ["(withheld)", "(changed)"] for group in sorted(groups)},
            force_log=True,
        )


@transaction.atomic
def victim_create(*, actor: User, pseudonym: str, trafficking_type: str, **fields: Any) -> Victim:
    """Record a survivor for the actor's agency. Only the pseudonym and the trafficking type are required."""
    caps = access.capabilities_of(actor)
    groups = set(_victim_groups_of(fields).values()) | {VictimGroup.PROFILE}
    denied = groups - caps.victim_change
    if denied:
        raise FieldGroupDenied(denied)
    victim = Victim(
        owner_agency=actor.agency,
        pseudonym=pseudonym,
        trafficking_type=trafficking_type,
        created_by=actor,
        **fields,
    )
    _derive_age(victim)
    victim.full_clean()
    victim.save()
    _log_pii_change(victim, groups & PII_GROUPS)
    access.victim_grants_sync(victim=victim, actor=actor)
    return victim


@transaction.atomic
def victim_update(*, victim: Victim, actor: User, changes: Mapping[str, Any]) -> Victim:
    touched = _victim_groups_of(changes)
    allowed = access.victim_access(actor, victim).writable
    denied = set(touched.values()) - allowed
    if denied:
        raise FieldGroupDenied(denied)
    for name, value in changes.items():
        setattr(victim, name, value)
    _derive_age(victim)
    victim.full_clean()
    victim.save()
    _log_pii_change(victim, set(touched.values()) & PII_GROUPS)
    return victim


# --- Cases ---------------------------------------------------------------------
def _next_case_number(year: int) -> str:
    # The sequence row is locked until the transaction ends, so two cases opened
    # at once get consecutive numbers, never the same one.
    CaseNumberSequence.objects.get_or_create(year=year)
    sequence = CaseNumberSequence.objects.select_for_update().get(year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"TF-{year}-{sequence.last:04d}"


@transaction.atomic
def case_create(*, actor: User, title: str, **fields: Any) -> Case:
    """Open a case led by the actor's agency."""
    caps = access.capabilities_of(actor)
    groups = {CaseGroup.SUMMARY.value} | {group for name in fields if (group := case_field_group(name)) is not None}
    unknown = [name for name in fields if case_field_group(name) is None or name == "case_number"]
    if unknown:
        raise ValidationError({name: _("Unknown or generated field.") for name in unknown})
    denied = groups - caps.case_change
    if denied:
        raise FieldGroupDenied(denied)
    opened_on = fields.get("opened_on") or timezone.localdate()
    case = Case(title=title, lead_agency=actor.agency, created_by=actor, **fields)
    case.case_number = _next_case_number(opened_on.year)
    _align_closed_on(case)
    case.full_clean()
    case.save()
    access.case_grants_sync(case=case, actor=actor)
    return case


def _require_case_groups(actor: User, case: Case, groups: Iterable[str]) -> None:
    denied = set(groups) - access.case_access(actor, case).writable
    if denied:
        raise FieldGroupDenied(denied)


@transaction.atomic
def case_update(*, case: Case, actor: User, changes: Mapping[str, Any]) -> Case:
    groups = set()
    for name in changes:
        group = case_field_group(name)
        if group is None or name == "case_number":
            raise ValidationError({name: _("Unknown or generated field.")})
        groups.add(group)
    _require_case_groups(actor, case, groups)
    for name, value in changes.items():
        setattr(case, name, value)
    _align_closed_on(case)
    case.full_clean()
    case.save()
    return case


def _align_closed_on(case: Case) -> None:
    """A closed case has a closing date and an open one has none."""
    if case.status == CaseStatus.CLOSED and case.closed_on is None:
        case.closed_on = timezone.localdate()
    elif case.status != CaseStatus.CLOSED:
        case.closed_on = None


def _resync_case_and_victims(case: Case, actor: User | None) -> None:
    access.case_grants_sync(case=case, actor=actor)
    for victim in Victim.objects.filter(case_links__case=case).select_related("owner_agency"):
        access.victim_grants_sync(victim=victim, actor=actor)


@transaction.atomic
def case_add_participant(*, case: Case, agency: Agency, actor: User) -> CaseParticipant:
    """The lead agency brings another agency into the case."""
    _require_case_groups(actor, case, [CaseGroup.SUMMARY])
    if agency.pk == case.lead_agency_id:
        raise ValidationError(_("The lead agency already works this case."))
    if not agency.active:
        raise ValidationError(_("That agency is not active."))
    participant, _created = CaseParticipant.objects.get_or_create(
        case=case, agency=agency, defaults={"added_by": actor}
    )
    _resync_case_and_victims(case, actor)
    return participant


@transaction.atomic
def case_remove_participant(*, case: Case, agency: Agency, actor: User) -> None:
    _require_case_groups(actor, case, [CaseGroup.SUMMARY])
    CaseParticipant.objects.filter(case=case, agency=agency).delete()
    _resync_case_and_victims(case, actor)


@transaction.atomic
def case_link_victim(*, case: Case, victim: Victim, actor: User) -> CaseVictim:
    """Link a survivor to a case.

    The survivor's own agency may link them to a case it knows the number of
    (the detective tells the advocate); an agency working the case may link a
    survivor it can see. Either way the link shares nothing by itself: grants
    follow from agreements and consents.
    """
    owns_victim = VictimGroup.PROFILE in access.victim_access(actor, victim).writable
    works_case = bool(access.case_access(actor, case).writable)
    sees_victim = bool(access.victim_access(actor, victim).readable)
    if not (owns_victim or (works_case and sees_victim)):
        raise PermissionDenied(_("You may not link this survivor to this case."))
    link, _created = CaseVictim.objects.get_or_create(case=case, victim=victim, defaults={"linked_by": actor})
    access.case_grants_sync(case=case, actor=actor)
    access.victim_grants_sync(victim=victim, actor=actor)
    return link


@transaction.atomic
def case_unlink_victim(*, case: Case, victim: Victim, actor: User) -> None:
    owns_victim = VictimGroup.PROFILE in access.victim_access(actor, victim).writable
    if not (owns_victim or access.case_access(actor, case).writable):
        raise PermissionDenied(_("You may not unlink this survivor."))
    CaseVictim.objects.filter(case=case, victim=victim).delete()
    access.case_grants_sync(case=case, actor=actor)
    access.victim_grants_sync(victim=victim, actor=actor)


# --- Law-enforcement events ------------------------------------------------------
@transaction.atomic
def suspect_create(*, case: Case, actor: User, role: str, name: str, **fields: Any) -> Suspect:
    _require_case_groups(actor, case, [CaseGroup.INVESTIGATION])
    suspect = Suspect(case=case, role=role, name=name, created_by=actor, **fields)
    suspect.full_clean()
    suspect.save()
    return suspect


@transaction.atomic
def arrest_create(*, case: Case, suspect: Suspect, actor: User, arrested_on: date, notes: str = "") -> Arrest:
    _require_case_groups(actor, case, [CaseGroup.INVESTIGATION])
    if suspect.case_id != case.pk:
        raise ValidationError({"suspect": _("That suspect belongs to another case.")})
    arrest = Arrest(
        case=case,
        suspect=suspect,
        arrested_on=arrested_on,
        arresting_agency=actor.agency,
        notes=notes,
        created_by=actor,
    )
    arrest.full_clean()
    arrest.save()
    return arrest


@transaction.atomic
def charge_create(*, case: Case, suspect: Suspect, actor: User, **fields: Any) -> Charge:
    _require_case_groups(actor, case, [CaseGroup.PROSECUTION])
    if suspect.case_id != case.pk:
        raise ValidationError({"suspect": _("That suspect belongs to another case.")})
    charge = Charge(case=case, suspect=suspect, filing_agency=actor.agency, created_by=actor, **fields)
    charge.full_clean()
    charge.save()
    return charge


@transaction.atomic
def disposition_create(
    *, charge: Charge, actor: User, outcome: str, disposed_on: date, sentence: str = ""
) -> Disposition:
    _require_case_groups(actor, charge.case, [CaseGroup.PROSECUTION])
    disposition = Disposition(
        charge=charge, outcome=outcome, disposed_on=disposed_on, sentence=sentence, created_by=actor
    )
    disposition.full_clean()
    disposition.save()
    return disposition


# --- Services and notes ------------------------------------------------------------
@transaction.atomic
def service_event_create(
    *,
    victim: Victim,
    actor: User,
    delivered_on: date,
    service_type: str,
    delivery: str = ServiceEvent.Delivery.DIRECT,
    quantity: Decimal | int = 1,
    unit: str = "session",
    family_member_id: int | None = None,
) -> ServiceEvent:
    if VictimGroup.SERVICES not in access.victim_access(actor, victim).writable:
        raise FieldGroupDenied([VictimGroup.SERVICES])
    if family_member_id is not None and not victim.family_members.filter(pk=family_member_id).exists():
        raise ValidationError({"family_member": _("That family member belongs to another survivor.")})
    event = ServiceEvent(
        victim=victim,
        family_member_id=family_member_id,
        delivered_on=delivered_on,
        providing_agency=actor.agency,
        service_type=service_type,
        delivery=delivery,
        quantity=quantity,
        unit=unit,
        created_by=actor,
    )
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def family_member_create(
    *,
    victim: Victim,
    actor: User,
    relationship: str,
    pseudonym: str,
    age_group: str = AgeGroup.UNKNOWN,
    gender: str = Gender.NOT_ASKED,
) -> FamilyMember:
    """An eligible family member served with the survivor (counted apart from principal clients)."""
    if VictimGroup.SERVICES not in access.victim_access(actor, victim).writable:
        raise FieldGroupDenied([VictimGroup.SERVICES])
    member = FamilyMember(
        victim=victim, relationship=relationship, pseudonym=pseudonym, age_group=age_group, gender=gender
    )
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def note_create(*, victim: Victim, actor: User, body: str, privileged: bool = True) -> Note:
    if VictimGroup.NOTES not in access.victim_access(actor, victim).writable:
        raise FieldGroupDenied([VictimGroup.NOTES])
    if not body.strip():
        raise ValidationError({"body": _("A note cannot be empty.")})
    note = Note(victim=victim, author=actor, agency=actor.agency, body=body, privileged=privileged)
    note.save()
    return note


# --- Consent -------------------------------------------------------------------------
@transaction.atomic
def consent_create(
    *,
    victim: Victim,
    actor: User,
    recipient_agency: Agency,
    field_groups: Iterable[str],
    purpose: str,
    obtained_on: date | None = None,
    expires_on: date | None = None,
    written_form_reference: str = "",
) -> Consent:
    """Record a survivor's written consent; the recipient gains those groups at once."""
    if VictimGroup.PROFILE not in access.victim_access(actor, victim).writable:
        raise PermissionDenied(_("Only the survivor's own agency records their consent."))
    groups = sorted(set(field_groups))
    errors: dict[str, str] = {}
    if not groups:
        errors["field_groups"] = _("Name at least one field group.")
    elif set(groups) - set(CONSENTABLE_GROUPS):
        bad = ", ".join(sorted(set(groups) - set(CONSENTABLE_GROUPS)))
        errors["field_groups"] = _("These cannot be shared by consent: %(groups)s.") % {"groups": bad}
    if recipient_agency.pk == victim.owner_agency_id:
        errors["recipient_agency"] = _("The survivor's own agency needs no consent.")
    if not purpose.strip():
        errors["purpose"] = _("Say what the information will be used for.")
    obtained_on = obtained_on or timezone.localdate()
    expires_on = expires_on or obtained_on + timedelta(days=CONSENT_DEFAULT_DAYS)
    if expires_on < obtained_on:
        errors["expires_on"] = _("A consent cannot expire before it was given.")
    elif (expires_on - obtained_on).days > CONSENT_MAX_DAYS:
        errors["expires_on"] = _("A consent lasts at most %(days)s days.") % {"days": CONSENT_MAX_DAYS}
    if errors:
        raise ValidationError(errors)
    consent = Consent.objects.create(
        victim=victim,
        recipient_agency=recipient_agency,
        field_groups=groups,
        purpose=purpose.strip(),
        obtained_on=obtained_on,
        obtained_by=actor,
        expires_on=expires_on,
        written_form_reference=written_form_reference,
    )
    access.victim_grants_sync(victim=victim, actor=actor)
    return consent


@transaction.atomic
def consent_revoke(*, consent: Consent, actor: User) -> Consent:
    """Revocation takes effect on the next request: the grants go in this transaction."""
    if VictimGroup.PROFILE not in access.victim_access(actor, consent.victim).writable:
        raise PermissionDenied(_("Only the survivor's own agency revokes their consent."))
    if consent.revoked_at is None:
        consent.revoked_at = timezone.now()
        consent.revoked_by = actor
        consent.save(update_fields=["revoked_at", "revoked_by"])
        access.victim_grants_sync(victim=consent.victim, actor=actor)
    return consent


def consents_lapse_sweep(*, today: date | None = None) -> int:
    """Remove the grants of consents that expired (the daily task; reads already ignore them)."""
    today = today or timezone.localdate()
    processed = 0
    # Revoked consents lost their grants when they were revoked; only lapsed ones remain.
    for consent in Consent.objects.filter(
        expires_on__lt=today, revoked_at__isnull=True, lapse_processed_at__isnull=True
    ).select_related("victim__owner_agency"):
        with transaction.atomic():
            access.victim_grants_sync(victim=consent.victim, actor=None)
            Consent.objects.filter(pk=consent.pk).update(lapse_processed_at=timezone.now())
        processed += 1
    return processed


# --- Sharing agreements ------------------------------------------------------------
@transaction.atomic
def sharing_agreement_set(
    *,
    owner: Agency,
    partner: Agency,
    actor: User,
    victim_groups: Iterable[str] = (),
    case_groups: Iterable[str] = (),
    notes: str = "",
    active: bool = True,
) -> SharingAgreement:
    """Set what ``owner`` shares by default with ``partner`` on shared cases (owner's agency admin)."""
    from partners.access import can_manage_users_of

    # The owner's agency administrator, or the task force administrator.
    if not can_manage_users_of(actor, owner):
        raise PermissionDenied(_("Only the owner agency's administrator sets its sharing agreements."))
    victim_set, case_set = set(victim_groups), set(case_groups)
    errors: dict[str, str] = {}
    if victim_set - set(VictimGroup.values) or case_set - set(CaseGroup.values):
        errors["field_groups"] = _("Unknown field group.")
    if victim_set & OWNER_ONLY_GROUPS:
        errors["victim_groups"] = _("Notes are never shared.")
    elif owner.confidentiality_covered and victim_set & CONSENT_ONLY_GROUPS:
        errors["victim_groups"] = _(
            "A confidentiality-covered provider shares survivors' identity, contact, immigration and services "
            "only with the survivor's written consent, never by agreement."
        )
    if partner.pk == owner.pk:
        errors["partner"] = _("An agency needs no agreement with itself.")
    if errors:
        raise ValidationError(errors)
    agreement, _created = SharingAgreement.objects.update_or_create(
        owner=owner,
        partner=partner,
        defaults={
            "victim_groups": sorted(victim_set),
            "case_groups": sorted(case_set),
            "notes": notes,
            "active": active,
            "updated_by": actor,
        },
    )
    # Recompute every record where the agreement applies: the owner's survivors on
    # cases the partner works, and the owner's cases the partner participates in.
    shared_cases = Case.objects.filter(participations__agency=partner) | Case.objects.filter(lead_agency=partner)
    for victim in (
        Victim.objects.filter(owner_agency=owner, case_links__case__in=shared_cases)
        .distinct()
        .select_related("owner_agency")
    ):
        access.victim_grants_sync(victim=victim, actor=actor)
    for case in Case.objects.filter(lead_agency=owner, participations__agency=partner).select_related("lead_agency"):
        access.case_grants_sync(case=case, actor=actor)
    return agreement


# --- Access log ----------------------------------------------------------------------
LOGGED_GROUPS = frozenset({VictimGroup.IDENTITY, VictimGroup.CONTACT, VictimGroup.IMMIGRATION, VictimGroup.NOTES})


def access_log_record(
    *, user: User, method: str, path: str, readable: Mapping[int, Iterable[str]]
) -> AccessLogEntry | None:
    """One entry per request that returned PII groups (two INSERTs, whatever the page size)."""
    rows = {victim_id: sorted(set(groups) & LOGGED_GROUPS) for victim_id, groups in readable.items()}
    rows = {victim_id: groups for victim_id, groups in rows.items() if groups}
    if not rows:
        return None
    entry = AccessLogEntry.objects.create(
        user=user,
        agency_id=user.agency_id,
        method=method[:8],
        path=path[:300],
        field_groups=sorted({group for groups in rows.values() for group in groups}),
    )
    AccessLogVictim.objects.bulk_create(
        [AccessLogVictim(entry=entry, victim_id=victim_id, field_groups=groups) for victim_id, groups in rows.items()]
    )
    return entry
