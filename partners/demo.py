"""The fictional Bayview County task force used by the demo and the tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from partners import services
from partners.models import Agency, User
from partners.roles import AgencyKind, Role

# The one password of every demo persona (demo mode only; documented in the README).
DEMO_PASSWORD = "bayview-demo-2026"  # noqa: S105  (fictional demo data, published in the README)


@dataclass(frozen=True)
class DemoAgency:
    slug: str
    name: str
    kind: str
    confidentiality_covered: bool = False
    jurisdiction: str = "Bayview County"
    services: tuple[str, ...] = ()
    languages: tuple[str, ...] = ("en",)
    eligibility: str = ""
    contacts: tuple[dict[str, str], ...] = field(default_factory=tuple)


AGENCIES: tuple[DemoAgency, ...] = (
    DemoAgency(
        "bayview-pd",
        "Bayview Police Department",
        AgencyKind.LOCAL_LE,
        jurisdiction="City of Bayview",
        services=("investigation",),
        languages=("en", "es"),
        contacts=(
            {
                "name": "Sgt. Dana Ortiz",
                "title": "Vice unit",
                "phone": "555-0101",
                "email": "vice@bayview-pd.example.org",
            },
        ),
    ),
    DemoAgency(
        "harbor-pd",
        "Harbor City Police Department",
        AgencyKind.LOCAL_LE,
        jurisdiction="Harbor City",
        services=("investigation",),
        contacts=(
            {
                "name": "Det. Lee Park",
                "title": "Special victims",
                "phone": "555-0102",
                "email": "svu@harbor-pd.example.org",
            },
        ),
    ),
    DemoAgency(
        "county-da",
        "Bayview County District Attorney",
        AgencyKind.LOCAL_PROSECUTION,
        services=("prosecution", "victim_witness_assistance"),
        languages=("en", "es"),
        contacts=(
            {
                "name": "ADA Morgan Hale",
                "title": "Human trafficking unit",
                "phone": "555-0103",
                "email": "htu@county-da.example.org",
            },
        ),
    ),
    DemoAgency(
        "hsi",
        "Homeland Security Investigations, Bayview office",
        AgencyKind.FEDERAL_LE,
        jurisdiction="Federal",
        services=("investigation", "continued_presence"),
        contacts=(
            {
                "name": "SA Riley Chen",
                "title": "Group supervisor",
                "phone": "555-0104",
                "email": "bayview@hsi.example.org",
            },
        ),
    ),
    DemoAgency(
        "usao",
        "U.S. Attorney's Office, Bayview",
        AgencyKind.FEDERAL_PROSECUTION,
        jurisdiction="Federal district",
        services=("prosecution", "victim_witness_assistance"),
        contacts=(
            {
                "name": "AUSA Jordan Blake",
                "title": "HT coordinator",
                "phone": "555-0105",
                "email": "ht@usao.example.org",
            },
        ),
    ),
    DemoAgency(
        "safe-harbor",
        "Safe Harbor Survivor Services",
        AgencyKind.VICTIM_SERVICES,
        confidentiality_covered=True,
        services=(
            "case_management",
            "crisis_intervention",
            "emergency_shelter",
            "transitional_housing",
            "counseling",
            "transportation",
        ),
        languages=("en", "es", "vi"),
        eligibility=(
            "All survivors of trafficking in Bayview County, any age, gender or immigration status. "
            "24-hour line: 555-0199."
        ),
        contacts=(
            {
                "name": "Sam Rivera",
                "title": "Central victim contact",
                "phone": "555-0106",
                "email": "intake@safe-harbor.example.org",
            },
        ),
    ),
    DemoAgency(
        "comunidad",
        "Comunidad Unida",
        AgencyKind.CULTURALLY_SPECIFIC,
        confidentiality_covered=True,
        services=("case_management", "interpretation", "counseling", "employment_assistance"),
        languages=("es", "mam", "en"),
        eligibility="Spanish- and Mayan-language speakers; labor trafficking survivors welcome.",
        contacts=(
            {
                "name": "Ana Morales",
                "title": "Program director",
                "phone": "555-0107",
                "email": "ayuda@comunidad.example.org",
            },
        ),
    ),
    DemoAgency(
        "legal-aid",
        "Bayview Legal Aid",
        AgencyKind.LEGAL_SERVICES,
        confidentiality_covered=True,
        services=("immigration_legal", "civil_legal", "criminal_record_relief"),
        languages=("en", "es", "zh"),
        eligibility="Free legal help for survivors; T-visa and continued presence applications.",
        contacts=(
            {
                "name": "Chris Nguyen",
                "title": "Managing attorney",
                "phone": "555-0108",
                "email": "help@legal-aid.example.org",
            },
        ),
    ),
    DemoAgency(
        "tf-office",
        "Bayview County Anti-Trafficking Task Force Office",
        AgencyKind.TASKFORCE_OFFICE,
        services=("coordination", "training"),
        contacts=(
            {
                "name": "Pat Quinn",
                "title": "Task force coordinator",
                "phone": "555-0100",
                "email": "coordinator@tf-office.example.org",
            },
        ),
    ),
)


@dataclass(frozen=True)
class Persona:
    username: str
    agency: str
    roles: tuple[str, ...]
    first_name: str
    last_name: str
    title: str


PERSONAS: tuple[Persona, ...] = (
    Persona("tfadmin", "tf-office", (Role.TASKFORCE_ADMIN,), "Pat", "Quinn", "Task force coordinator"),
    Persona("advocate", "safe-harbor", (Role.ADVOCATE,), "Sam", "Rivera", "Advocate"),
    Persona("advocate2", "comunidad", (Role.ADVOCATE,), "Ana", "Morales", "Advocate"),
    Persona("lawyer", "legal-aid", (Role.ADVOCATE,), "Chris", "Nguyen", "Immigration attorney"),
    Persona("detective", "bayview-pd", (Role.INVESTIGATOR,), "Dana", "Ortiz", "Detective"),
    Persona("detective2", "harbor-pd", (Role.INVESTIGATOR,), "Lee", "Park", "Detective"),
    Persona("agent", "hsi", (Role.INVESTIGATOR,), "Riley", "Chen", "Special agent"),
    Persona("prosecutor", "county-da", (Role.PROSECUTOR,), "Morgan", "Hale", "Deputy district attorney"),
    Persona("supervisor", "safe-harbor", (Role.SUPERVISOR, Role.ADVOCATE), "Jamie", "Fox", "Program supervisor"),
    Persona("analyst", "bayview-pd", (Role.ANALYST,), "Alex", "Kim", "Crime analyst"),
    Persona("auditor", "tf-office", (Role.AUDITOR,), "Robin", "Shaw", "Compliance auditor"),
    Persona("volunteer", "safe-harbor", (Role.VOLUNTEER,), "Casey", "Lopez", "Volunteer"),
)


def seed(*, password: str | None = DEMO_PASSWORD) -> dict[str, int]:
    """Create what is missing and leave what exists alone, so a second run changes nothing."""
    created = {"agencies": 0, "users": 0}
    with transaction.atomic():
        services.roles_sync()
        for spec in AGENCIES:
            if Agency.objects.filter(slug=spec.slug).exists():
                continue
            agency = services.agency_create(
                actor=None,
                name=spec.name,
                slug=spec.slug,
                kind=spec.kind,
                confidentiality_covered=spec.confidentiality_covered,
                jurisdiction=spec.jurisdiction,
                services_offered=spec.services,
                languages=spec.languages,
                eligibility_notes=spec.eligibility,
            )
            services.agency_contacts_set(agency=agency, actor=None, contacts=spec.contacts)
            created["agencies"] += 1
        agencies = {agency.slug: agency for agency in Agency.objects.all()}
        for persona in PERSONAS:
            if User.objects.filter(username=persona.username).exists():
                continue
            services.user_create(
                actor=None,
                agency=agencies[persona.agency],
                username=persona.username,
                email=f"{persona.username}@{persona.agency}.example.org",
                roles=persona.roles,
                first_name=persona.first_name,
                last_name=persona.last_name,
                title=persona.title,
                password=password,
            )
            created["users"] += 1
    return created
