"""The fictional Bayview County case load: agreements, cases, survivors, consents and services.

Seeded by ``manage.py seed_demo`` after ``partners.demo.seed`` (never by the
test fixtures: tests build their own worlds). Every write goes through
``cases.services`` as the persona who would make it, so the grants,
disclosures and audit entries are the real ones. Idempotent like the partner
seed: what exists is left alone (even if someone changed it), only what is
missing is added, and a second run writes nothing.

Every name, number and address here is invented: pseudonyms, "Example"
surnames, 555 telephone numbers and example.org addresses.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from cases import services
from cases.catalog import ServiceType
from cases.field_groups import CaseGroup, VictimGroup
from cases.models import (
    Case,
    CaseOrigin,
    CaseParticipant,
    CaseStatus,
    CaseVictim,
    Charge,
    Citizenship,
    Confirmation,
    Disposition,
    Gender,
    RaceEthnicity,
    ReferralSource,
    SpecialClassification,
    Suspect,
    TraffickingType,
    Victim,
    Victimization,
    VictimStatus,
)
from partners.models import Agency, SharingAgreement, User
from taskforce.audit import audit_actor

PROFILE = [VictimGroup.PROFILE.value]
PROFILE_AND_IDENTITY = [VictimGroup.PROFILE.value, VictimGroup.IDENTITY.value]
LE_TO_PROSECUTION = [CaseGroup.INVESTIGATION.value, CaseGroup.PROSECUTION.value]

# (owner, partner, survivor groups, case groups), set by the task force administrator.
AGREEMENTS: tuple[tuple[str, str, list[str], list[str]], ...] = (
    # Covered providers share the reporting profile only; PII leaves them only by consent.
    *(
        (provider, police, PROFILE, [])
        for provider in ("safe-harbor", "comunidad", "legal-aid")
        for police in ("bayview-pd", "harbor-pd", "hsi")
    ),
    ("bayview-pd", "county-da", PROFILE_AND_IDENTITY, LE_TO_PROSECUTION),
    ("harbor-pd", "county-da", PROFILE_AND_IDENTITY, LE_TO_PROSECUTION),
    ("hsi", "usao", PROFILE_AND_IDENTITY, LE_TO_PROSECUTION),
    ("hsi", "bayview-pd", PROFILE, [CaseGroup.INVESTIGATION.value]),
)


@dataclass(frozen=True)
class DemoCharge:
    statute: str
    description: str
    nibrs_code: str
    is_trafficking_statute: bool
    filed_days_ago: int
    # (outcome, days ago, sentence) once disposed
    disposition: tuple[str, int, str] | None = None
    jurisdiction: str = Charge.Jurisdiction.STATE


@dataclass(frozen=True)
class DemoSuspect:
    name: str
    role: str
    arrested_days_ago: int | None = None
    charges: tuple[DemoCharge, ...] = ()


@dataclass(frozen=True)
class DemoCase:
    key: str
    title: str
    lead: str  # username of the persona who opens it
    trafficking_type: str
    origin: str
    opened_days_ago: int
    narrative: str
    participants: tuple[str, ...] = ()
    prosecutor: str = ""  # username of the persona who files the charges
    suspects: tuple[DemoSuspect, ...] = ()
    # summary changes once the work is done: status, confirmation, closed_on (days ago)
    status: str = CaseStatus.OPEN
    confirmation: str = Confirmation.UNDETERMINED
    closed_days_ago: int | None = None


CASES: tuple[DemoCase, ...] = (
    DemoCase(
        key="harbor-street",
        title="Harbor Street massage businesses",
        lead="detective",
        trafficking_type=TraffickingType.SEX,
        origin=CaseOrigin.TIP_LINE,
        opened_days_ago=210,
        narrative=(
            "Hotline tip about three storefront massage businesses on Harbor Street with workers living on site. "
            "Surveillance and two controlled contacts; one manager arrested."
        ),
        # Safe Harbor works the case as the survivors' advocates: it sees the summary.
        participants=("county-da", "safe-harbor"),
        suspects=(
            DemoSuspect("Rex Placeholder", Suspect.Role.TRAFFICKER, arrested_days_ago=45),
            DemoSuspect("Dale Sample", Suspect.Role.FACILITATOR),
        ),
        status=CaseStatus.ACTIVE_INVESTIGATION,
        confirmation=Confirmation.CONFIRMED,
    ),
    DemoCase(
        key="seaside-farms",
        title="Seaside Farms labor contractor",
        lead="agent",
        trafficking_type=TraffickingType.LABOR,
        origin=CaseOrigin.PROVIDER_REFERRAL,
        opened_days_ago=150,
        narrative=(
            "Comunidad Unida referred farmworkers whose recruitment debts and confiscated passports kept them "
            "working for a labor contractor. Joint investigation with Bayview PD; federal complaint in preparation."
        ),
        participants=("usao", "bayview-pd"),
        suspects=(
            DemoSuspect("Victor Example-Grande", Suspect.Role.TRAFFICKER, arrested_days_ago=30),
            DemoSuspect("Lou Fictitious", Suspect.Role.FACILITATOR, arrested_days_ago=30),
        ),
        status=CaseStatus.PENDING_PROSECUTION,
        confirmation=Confirmation.CONFIRMED,
    ),
    DemoCase(
        key="harbor-kitchen",
        title="Harbor City restaurant kitchen",
        lead="detective2",
        trafficking_type=TraffickingType.LABOR,
        origin=CaseOrigin.PATROL,
        opened_days_ago=95,
        narrative="A welfare check found a teenage kitchen worker sleeping in the restaurant's storeroom.",
        participants=("county-da",),
        prosecutor="prosecutor",
        suspects=(
            DemoSuspect(
                "Gus Demo-Owner",
                Suspect.Role.TRAFFICKER,
                arrested_days_ago=60,
                charges=(
                    DemoCharge(
                        "Penal Code 236.1(a)",
                        "Human trafficking (forced labor)",
                        "64B",
                        is_trafficking_statute=True,
                        filed_days_ago=55,
                    ),
                ),
            ),
        ),
        status=CaseStatus.PENDING_PROSECUTION,
        confirmation=Confirmation.CONFIRMED,
    ),
    DemoCase(
        key="motel-ads",
        title="Motel 9 online advertisements",
        lead="detective2",
        trafficking_type=TraffickingType.SEX,
        origin=CaseOrigin.PROACTIVE_OPERATION,
        opened_days_ago=25,
        narrative="Online advertisements traced to rooms at a Harbor City motel; one young adult contacted.",
    ),
    DemoCase(
        key="lantern",
        title="Operation Lantern",
        lead="detective",
        trafficking_type=TraffickingType.SEX,
        origin=CaseOrigin.PROACTIVE_OPERATION,
        opened_days_ago=330,
        narrative="Proactive operation against an online escort network recruiting minors from Bayview schools.",
        participants=("county-da",),
        prosecutor="prosecutor",
        suspects=(
            DemoSuspect(
                "Marco Fakename",
                Suspect.Role.TRAFFICKER,
                arrested_days_ago=300,
                charges=(
                    DemoCharge(
                        "Penal Code 236.1(c)",
                        "Human trafficking of a minor for a commercial sex act",
                        "64A",
                        is_trafficking_statute=True,
                        filed_days_ago=295,
                        disposition=(Disposition.Outcome.CONVICTED_PLEA, 70, "15 years state prison"),
                    ),
                    DemoCharge(
                        "Penal Code 266h",
                        "Pimping",
                        "40B",
                        is_trafficking_statute=False,
                        filed_days_ago=295,
                        disposition=(Disposition.Outcome.DISMISSED, 70, "Dismissed under the plea agreement"),
                    ),
                ),
            ),
            DemoSuspect(
                "Buyer Q. Sample",
                Suspect.Role.PURCHASER,
                arrested_days_ago=300,
                charges=(
                    DemoCharge(
                        "Penal Code 647(b)(2)",
                        "Soliciting a minor",
                        "40C",
                        is_trafficking_statute=False,
                        filed_days_ago=290,
                        disposition=(Disposition.Outcome.CONVICTED_TRIAL, 120, "1 year county jail"),
                    ),
                ),
            ),
        ),
        status=CaseStatus.CLOSED,
        confirmation=Confirmation.CONFIRMED,
        closed_days_ago=60,
    ),
)


@dataclass(frozen=True)
class DemoConsent:
    recipient: str
    field_groups: tuple[str, ...]
    purpose: str
    obtained_days_ago: int
    expires_days_ahead: int  # negative: already expired
    revoked: bool = False


@dataclass(frozen=True)
class DemoVictim:
    owner: str  # username of the persona who records the survivor
    pseudonym: str
    trafficking_type: str
    intake_days_ago: int
    profile: dict[str, Any]
    pii: dict[str, Any] = field(default_factory=dict)
    cases: tuple[str, ...] = ()
    consents: tuple[DemoConsent, ...] = ()
    # (days after intake, service type, delivery, quantity, unit)
    services: tuple[tuple[int, str, str, int, str], ...] = ()
    notes: tuple[str, ...] = ()


D, R = "direct", "referral"
S = ServiceType

VICTIMS: tuple[DemoVictim, ...] = (
    DemoVictim(
        "advocate",
        "Rose",
        TraffickingType.SEX,
        200,
        {
            "gender": Gender.WOMAN,
            "estimated_age": 17,
            "citizenship": Citizenship.US_CITIZEN,
            "primary_language": "English",
            "race_ethnicity": RaceEthnicity.BLACK,
            "victimizations": [Victimization.CHILD_SEXUAL_ABUSE],
            "special_classifications": [SpecialClassification.HOMELESS],
            "status": VictimStatus.CONFIRMED,
            "referral_source": ReferralSource.LOCAL_LE,
        },
        {
            "legal_name": "Rosa Example",
            "phone": "555-0142",
            "address": "Confidential shelter (Safe Harbor)",
            "safe_contact_notes": "Call the shelter line 555-0199 and ask for Sam; never text.",
        },
        cases=("harbor-street",),
        consents=(
            DemoConsent("bayview-pd", ("identity", "contact"), "Investigation of the Harbor Street case", 60, 120),
        ),
        services=(
            (0, S.CRISIS_INTERVENTION, D, 2, "hours"),
            (0, S.EMERGENCY_SHELTER, D, 14, "nights"),
            (3, S.FORENSIC_EXAM_ADVOCACY, D, 1, "session"),
            (14, S.CASE_MANAGEMENT, D, 6, "sessions"),
            (30, S.COUNSELING, R, 8, "sessions"),
            (90, S.EDUCATION, R, 1, "enrollment"),
        ),
        notes=("Prefers to meet at the shelter. Talked through what the detective interview will be like.",),
    ),
    DemoVictim(
        "advocate",
        "Willow",
        TraffickingType.SEX,
        320,
        {
            "gender": Gender.WOMAN,
            "estimated_age": 24,
            "citizenship": Citizenship.US_CITIZEN,
            "primary_language": "English",
            "race_ethnicity": RaceEthnicity.WHITE,
            "victimizations": [Victimization.STALKING, Victimization.DOMESTIC_VIOLENCE],
            "status": VictimStatus.CONFIRMED,
            "referral_source": ReferralSource.HOTLINE,
        },
        {"legal_name": "Wendy Example", "phone": "555-0143", "email": "willow@example.org"},
        cases=("lantern",),
        consents=(DemoConsent("county-da", ("profile", "identity"), "Victim-witness support for the trial", 84, 6),),
        services=(
            (0, S.HOTLINE, D, 1, "call"),
            (2, S.TRANSITIONAL_HOUSING, D, 6, "months"),
            (20, S.PROSECUTION_ADVOCACY, D, 3, "sessions"),
            (120, S.IMPACT_STATEMENT, D, 1, "session"),
            (200, S.EMPLOYMENT, R, 1, "enrollment"),
        ),
        notes=("Worried about seeing the defendant in court; safety plan updated.",),
    ),
    DemoVictim(
        "advocate",
        "Sky",
        TraffickingType.SEX,
        20,
        {
            "gender": Gender.DECLINED,
            "estimated_age": 19,
            "citizenship": Citizenship.UNKNOWN,
            "primary_language": "English",
            "race_ethnicity": RaceEthnicity.MULTIPLE,
            "status": VictimStatus.POTENTIAL,
            "referral_source": ReferralSource.LOCAL_LE,
        },
        cases=("motel-ads",),
        services=((0, S.BASIC_NECESSITIES, D, 1, "kit"), (1, S.TRANSPORTATION, D, 2, "trips")),
    ),
    DemoVictim(
        "supervisor",
        "Ivy",
        TraffickingType.BOTH,
        110,
        {
            "gender": Gender.TRANSGENDER_WOMAN,
            "estimated_age": 28,
            "citizenship": Citizenship.LPR,
            "primary_language": "Vietnamese",
            "race_ethnicity": RaceEthnicity.ASIAN,
            "status": VictimStatus.POTENTIAL,
            "referral_source": ReferralSource.HEALTH_CARE,
        },
        services=(
            (0, S.MEDICAL_ADVOCACY, D, 1, "visit"),
            (5, S.INTERPRETATION, D, 3, "hours"),
            (10, S.SUPPORT_GROUP, D, 4, "sessions"),
        ),
    ),
    DemoVictim(
        "advocate2",
        "Luz",
        TraffickingType.LABOR,
        160,
        {
            "gender": Gender.WOMAN,
            "estimated_age": 34,
            "citizenship": Citizenship.FOREIGN_NATIONAL,
            "primary_language": "Spanish",
            "race_ethnicity": RaceEthnicity.HISPANIC,
            "status": VictimStatus.CONFIRMED,
            "referral_source": ReferralSource.FAMILY_FRIEND,
        },
        {"legal_name": "Luz Ejemplo", "phone": "555-0151", "nationality": "Guatemala", "immigration_status": "None"},
        cases=("seaside-farms",),
        consents=(
            DemoConsent("hsi", ("identity", "immigration"), "Continued Presence request", 120, 240),
            DemoConsent("legal-aid", ("profile", "identity", "contact", "immigration"), "T visa application", 100, 260),
        ),
        services=(
            (0, S.CASE_MANAGEMENT, D, 10, "sessions"),
            (1, S.INTERPRETATION, D, 6, "hours"),
            (7, S.EMERGENCY_FINANCIAL, D, 1, "payment"),
            (20, S.IMMIGRATION_LEGAL, R, 1, "case"),
            (60, S.LE_INTERVIEW_ADVOCACY, D, 2, "sessions"),
        ),
        notes=("Recruitment debt of about 4,000 dollars; the contractor kept her passport.",),
    ),
    DemoVictim(
        "advocate2",
        "Mateo",
        TraffickingType.LABOR,
        150,
        {
            "gender": Gender.MAN,
            "estimated_age": 41,
            "citizenship": Citizenship.FOREIGN_NATIONAL,
            "primary_language": "Mam",
            "race_ethnicity": RaceEthnicity.AMERICAN_INDIAN,
            "status": VictimStatus.CONFIRMED,
            "referral_source": ReferralSource.FAITH,
        },
        {"legal_name": "Mateo Ejemplo", "nationality": "Guatemala"},
        cases=("seaside-farms",),
        consents=(DemoConsent("hsi", ("identity",), "Investigation interview", 140, 225, revoked=True),),
        services=((0, S.INTERPRETATION, D, 4, "hours"), (3, S.PUBLIC_BENEFITS, D, 1, "application")),
    ),
    DemoVictim(
        "advocate2",
        "Tomás",
        TraffickingType.LABOR,
        90,
        {
            "gender": Gender.MAN,
            "estimated_age": 16,
            "citizenship": Citizenship.FOREIGN_NATIONAL,
            "primary_language": "Spanish",
            "race_ethnicity": RaceEthnicity.HISPANIC,
            "status": VictimStatus.POTENTIAL,
            "referral_source": ReferralSource.LOCAL_LE,
        },
        cases=("harbor-kitchen",),
        services=(
            (0, S.ON_SCENE_RESPONSE, D, 1, "response"),
            (1, S.FAMILY_REUNIFICATION, R, 1, "case"),
            (15, S.COUNSELING, D, 5, "sessions"),
        ),
    ),
    DemoVictim(
        "lawyer",
        "Jun",
        TraffickingType.LABOR,
        250,
        {
            "gender": Gender.NOT_ASKED,
            "estimated_age": 30,
            "citizenship": Citizenship.FOREIGN_NATIONAL,
            "primary_language": "Mandarin",
            "race_ethnicity": RaceEthnicity.ASIAN,
            "status": VictimStatus.CONFIRMED,
            "referral_source": ReferralSource.PROVIDER,
        },
        {"legal_name": "Jun Example", "email": "jun@example.org", "immigration_relief": "T visa pending"},
        cases=("seaside-farms",),
        consents=(DemoConsent("hsi", ("identity", "contact"), "Law enforcement certification (I-914B)", 200, -110),),
        services=((0, S.IMMIGRATION_LEGAL, D, 12, "hours"), (45, S.CIVIL_LEGAL, D, 4, "hours")),
        notes=("Privileged: client's account of the recruitment, kept for the T visa declaration.",),
    ),
    DemoVictim(
        "lawyer",
        "Nadia",
        TraffickingType.SEX,
        340,
        {
            "gender": Gender.NONBINARY,
            "estimated_age": 26,
            "citizenship": Citizenship.LPR,
            "primary_language": "Russian",
            "race_ethnicity": RaceEthnicity.WHITE,
            "status": VictimStatus.CONFIRMED,
            "referral_source": ReferralSource.SELF,
        },
        services=((0, S.CRIMINAL_RECORD_RELIEF, D, 6, "hours"), (90, S.PROTECTION_ORDER, D, 3, "hours")),
    ),
    DemoVictim(
        "detective",
        "Jade",
        TraffickingType.SEX,
        180,
        {
            "gender": Gender.WOMAN,
            "estimated_age": 22,
            "citizenship": Citizenship.US_CITIZEN,
            "primary_language": "English",
            "race_ethnicity": RaceEthnicity.DECLINED,
            "status": VictimStatus.CONFIRMED,
            "referral_source": ReferralSource.LOCAL_LE,
        },
        {"legal_name": "Jade Example", "phone": "555-0161"},
        cases=("harbor-street",),
    ),
    DemoVictim(
        "detective",
        "Star",
        TraffickingType.SEX,
        310,
        {
            "gender": Gender.WOMAN,
            "estimated_age": 15,
            "citizenship": Citizenship.US_CITIZEN,
            "primary_language": "Spanish",
            "race_ethnicity": RaceEthnicity.HISPANIC,
            "status": VictimStatus.CONFIRMED,
            "referral_source": ReferralSource.SCHOOL,
        },
        {"legal_name": "Estrella Example", "safe_contact_notes": "Through her guardian only: 555-0162."},
        cases=("lantern",),
    ),
)


@contextmanager
def _as(user: User) -> Iterator[None]:
    """The persona is the actor of the services' checks and of the audit log."""
    with audit_actor(user):
        yield


def seed(*, today: date | None = None) -> dict[str, int]:
    """Create what is missing of the demo case load; a second run writes nothing."""
    today = today or timezone.localdate()
    created = {"agreements": 0, "cases": 0, "victims": 0}
    with transaction.atomic():
        people = {user.username: user for user in User.objects.select_related("agency")}
        agencies = {agency.slug: agency for agency in Agency.objects.all()}
        created["agreements"] = _seed_agreements(people["tfadmin"], agencies)
        cases: dict[str, Case] = {}
        for spec in CASES:
            cases[spec.key], is_new = _seed_case(spec, people, agencies, today)
            created["cases"] += is_new
        for victim_spec in VICTIMS:
            created["victims"] += _seed_victim(victim_spec, people, agencies, cases, today)
        # Consents that lapsed before the seed ran: remove their grants as the daily sweep would.
        services.consents_lapse_sweep(today=today)
    return created


def _seed_agreements(admin: User, agencies: dict[str, Agency]) -> int:
    count = 0
    with _as(admin):
        for owner, partner, victim_groups, case_groups in AGREEMENTS:
            if SharingAgreement.objects.filter(owner=agencies[owner], partner=agencies[partner]).exists():
                continue
            services.sharing_agreement_set(
                owner=agencies[owner],
                partner=agencies[partner],
                actor=admin,
                victim_groups=victim_groups,
                case_groups=case_groups,
            )
            count += 1
    return count


def _seed_case(spec: DemoCase, people: dict[str, User], agencies: dict[str, Agency], today: date) -> tuple[Case, bool]:
    lead = people[spec.lead]
    existing = Case.objects.filter(lead_agency=lead.agency, title=spec.title).first()
    if existing is not None:
        return existing, False

    def ago(days: int) -> date:
        return today - timedelta(days=days)

    with _as(lead):
        case = services.case_create(
            actor=lead,
            title=spec.title,
            trafficking_type=spec.trafficking_type,
            origin=spec.origin,
            opened_on=ago(spec.opened_days_ago),
            narrative=spec.narrative,
        )
        for slug in spec.participants:
            if not CaseParticipant.objects.filter(case=case, agency=agencies[slug]).exists():
                services.case_add_participant(case=case, agency=agencies[slug], actor=lead)
        suspects = []
        for suspect_spec in spec.suspects:
            suspect = services.suspect_create(case=case, actor=lead, role=suspect_spec.role, name=suspect_spec.name)
            if suspect_spec.arrested_days_ago is not None:
                services.arrest_create(
                    case=case, suspect=suspect, actor=lead, arrested_on=ago(suspect_spec.arrested_days_ago)
                )
            suspects.append((suspect, suspect_spec))
    if spec.prosecutor:
        prosecutor = people[spec.prosecutor]
        with _as(prosecutor):
            for suspect, suspect_spec in suspects:
                for charge_spec in suspect_spec.charges:
                    charge = services.charge_create(
                        case=case,
                        suspect=suspect,
                        actor=prosecutor,
                        jurisdiction=charge_spec.jurisdiction,
                        statute=charge_spec.statute,
                        description=charge_spec.description,
                        is_trafficking_statute=charge_spec.is_trafficking_statute,
                        nibrs_code=charge_spec.nibrs_code,
                        filed_on=ago(charge_spec.filed_days_ago),
                    )
                    if charge_spec.disposition is not None:
                        outcome, days, sentence = charge_spec.disposition
                        services.disposition_create(
                            charge=charge, actor=prosecutor, outcome=outcome, disposed_on=ago(days), sentence=sentence
                        )
    changes: dict[str, Any] = {"status": spec.status, "confirmation": spec.confirmation}
    if spec.closed_days_ago is not None:
        changes["closed_on"] = ago(spec.closed_days_ago)
    if changes != {"status": CaseStatus.OPEN, "confirmation": Confirmation.UNDETERMINED}:
        with _as(lead):
            services.case_update(case=case, actor=lead, changes=changes)
    return case, True


def _seed_victim(
    spec: DemoVictim,
    people: dict[str, User],
    agencies: dict[str, Agency],
    cases: dict[str, Case],
    today: date,
) -> bool:
    owner = people[spec.owner]
    intake = today - timedelta(days=spec.intake_days_ago)
    victim = Victim.objects.filter(owner_agency=owner.agency, pseudonym=spec.pseudonym).first()
    is_new = victim is None
    with _as(owner):
        if victim is None:
            victim = services.victim_create(
                actor=owner,
                pseudonym=spec.pseudonym,
                trafficking_type=spec.trafficking_type,
                intake_date=intake,
                **spec.profile,
                **spec.pii,
            )
        for key in spec.cases:
            if not CaseVictim.objects.filter(case=cases[key], victim=victim).exists():
                services.case_link_victim(case=cases[key], victim=victim, actor=owner)
        if not is_new:
            # Its consents, services and notes were seeded with it; never add them twice.
            return False
        for consent_spec in spec.consents:
            obtained = today - timedelta(days=consent_spec.obtained_days_ago)
            consent = services.consent_create(
                victim=victim,
                actor=owner,
                recipient_agency=agencies[consent_spec.recipient],
                field_groups=consent_spec.field_groups,
                purpose=consent_spec.purpose,
                obtained_on=obtained,
                expires_on=today + timedelta(days=consent_spec.expires_days_ahead),
                written_form_reference=f"ROI-{obtained:%Y}-{victim.pk:04d}",
            )
            if consent_spec.revoked:
                services.consent_revoke(consent=consent, actor=owner)
        for days_after, service_type, delivery, quantity, unit in spec.services:
            delivered = intake + timedelta(days=days_after)
            if delivered > today:
                continue
            services.service_event_create(
                victim=victim,
                actor=owner,
                delivered_on=delivered,
                service_type=service_type,
                delivery=delivery,
                quantity=quantity,
                unit=unit,
            )
        for body in spec.notes:
            services.note_create(victim=victim, actor=owner, body=body)
    return True
