"""THE security matrix (STYLE.md rule 10): every persona of the demo task force x
every survivor and case endpoint x every field group, listing exactly what is
visible, in every state of a consent's life. Fails on anything extra.

The world: Rose, a survivor of Safe Harbor (a confidentiality-covered provider),
and Lily, a survivor of Bayview PD, both on a case led by Bayview PD with the
County DA participating. Safe Harbor shares profiles with Bayview; Bayview
shares profile and identity of its survivors and its cases' investigation with
the DA. Maya (Comunidad, on no case) and a Harbor PD case are there to prove that
lists never leak records of others.

Every field carries a sentinel value naming its record and group, so a check
of the raw response body catches a field group that leaks under another name.
The expected tables are written out by hand: they are the specification.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from cases import services
from cases.models import Charge
from conftest import sign_in_verified

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 2, 12, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
TODAY = NOW.date()

PERSONAS = (
    "advocate",
    "advocate2",
    "lawyer",
    "detective",
    "detective2",
    "agent",
    "prosecutor",
    "supervisor",
    "tfadmin",
    "analyst",
    "auditor",
    "volunteer",
)

VICTIM_GROUPS = {"profile", "identity", "contact", "immigration", "services", "notes"}
CASE_GROUPS = {"summary", "investigation", "prosecution"}
ALL_VICTIM = frozenset(VICTIM_GROUPS)
OWN_POLICE = frozenset({"profile", "identity", "contact", "immigration", "services"})  # investigators: no notes
P = frozenset({"profile"})
PI = frozenset({"profile", "identity"})

# --- The specification: who reads which groups of which survivor ------------------------
VICTIMS_WITHOUT_CONSENT: dict[str, dict[str, frozenset[str]]] = {
    "advocate": {"rose": ALL_VICTIM},
    "supervisor": {"rose": ALL_VICTIM},
    "volunteer": {},  # same agency as Rose, but the role reads nothing
    "advocate2": {"maya": ALL_VICTIM},
    "lawyer": {},
    "detective": {"rose": P, "lily": OWN_POLICE},
    "detective2": {},
    "agent": {},
    "prosecutor": {"lily": PI},  # Bayview's agreement; Safe Harbor shares nothing with the DA
    "analyst": {"rose": P, "lily": P},  # aggregate role: the profile only, never PII
    "tfadmin": {},
    "auditor": {},
}
VICTIMS_WITH_IDENTITY_CONSENT: dict[str, dict[str, frozenset[str]]] = {
    **VICTIMS_WITHOUT_CONSENT,
    "detective": {"rose": PI, "lily": OWN_POLICE},
    # "analyst" is unchanged: Bayview now holds Rose's identity, but the role may not read it.
    # HSI has no agreement with Safe Harbor: what the survivor consented to and nothing else.
    "agent": {"rose": frozenset({"identity", "contact"})},
}

CASES_READABLE: dict[str, dict[str, frozenset[str]]] = {
    # A link to a case grants the survivor's agency nothing on it (case numbers are guessable).
    "advocate": {},
    "supervisor": {},
    "volunteer": {},
    "advocate2": {},
    "lawyer": {},
    "detective": {"bayview": frozenset(CASE_GROUPS)},
    "detective2": {"harbor": frozenset(CASE_GROUPS)},
    "agent": {},
    # A participant works its own line (prosecution); the lead's agreement shares investigation.
    "prosecutor": {"bayview": frozenset(CASE_GROUPS)},
    "analyst": {"bayview": frozenset({"summary"})},
    "tfadmin": {},
    "auditor": {},
}

# Who reads a survivor's access report: the people of the owner agency who manage the record.
ACCESS_LOG_READERS = {"rose": {"advocate", "supervisor"}, "lily": {"detective"}, "maya": {"advocate2"}}

# Reasons for a few withheld groups, as plain text keys of WITHHELD_REASONS.
WITHHELD_CODES = {
    ("detective", "rose", "without"): {"identity": "consent", "contact": "consent", "notes": "owner_only"},
    ("detective", "rose", "with"): {"contact": "consent", "notes": "owner_only"},
    ("analyst", "rose", "with"): {"identity": "role", "notes": "owner_only"},
    ("prosecutor", "lily", "without"): {"contact": "not_shared", "notes": "owner_only"},
    ("detective", "lily", "without"): {"notes": "role"},
    ("agent", "rose", "with"): {"profile": "not_shared", "immigration": "consent", "notes": "owner_only"},
}

# The exact keys of a representation, per readable group.
VICTIM_KEYS = {
    "profile": {
        "pseudonym",
        "trafficking_type",
        "gender",
        "age_group",
        "age_at_intake",
        "citizenship",
        "primary_language",
        "race_ethnicity",
        "victimizations",
        "special_classifications",
        "status",
        "estimated_age",
        "referral_source",
        "intake_date",
    },
    "identity": {"legal_name", "aliases", "date_of_birth"},
    "contact": {"phone", "email", "address", "safe_contact_notes"},
    "immigration": {"nationality", "immigration_status", "immigration_relief"},
    "services": {"services"},
    "notes": set(),  # never in the survivor's representation
}
CASE_KEYS = {
    "summary": {
        "case_number",
        "title",
        "trafficking_type",
        "status",
        "origin",
        "confirmation",
        "opened_on",
        "closed_on",
        "participants",
        "victims",
    },
    "investigation": {"narrative", "suspects", "arrests"},
    "prosecution": {"charges"},
}
VICTIM_BASE_KEYS = {"id", "owner_agency", "field_groups", "withheld"}
CASE_BASE_KEYS = {"id", "owner_agency", "lead_agency", "field_groups", "withheld"}


def sentinel(record: str, group: str) -> str:
    return f"{record}-{group}-sentinel".upper()


VICTIM_SENTINEL_GROUPS = ("profile", "identity", "contact", "immigration", "services", "notes")
CASE_SENTINEL_GROUPS = ("summary", "investigation", "prosecution")


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _victim(actor, record: str, **extra):
    return services.victim_create(
        actor=actor,
        pseudonym=sentinel(record, "profile"),
        trafficking_type="sex",
        legal_name=sentinel(record, "identity"),
        date_of_birth=date(1999, 3, 4),
        address=sentinel(record, "contact"),
        phone="555-0100",
        nationality=sentinel(record, "immigration"),
        **extra,
    )


@pytest.fixture
def world(frozen, personas):
    advocate, detective, prosecutor = personas["advocate"], personas["detective"], personas["prosecutor"]
    safe_harbor, bayview, county_da = advocate.agency, detective.agency, prosecutor.agency
    tfadmin = personas["tfadmin"]
    services.sharing_agreement_set(owner=safe_harbor, partner=bayview, actor=tfadmin, victim_groups=["profile"])
    services.sharing_agreement_set(
        owner=bayview,
        partner=county_da,
        actor=tfadmin,
        victim_groups=["profile", "identity"],
        case_groups=["investigation"],
    )
    case = services.case_create(
        actor=detective,
        title=sentinel("bayview", "summary"),
        trafficking_type="sex",
        narrative=sentinel("bayview", "investigation"),
    )
    suspect = services.suspect_create(
        case=case, actor=detective, role="trafficker", name=sentinel("bayview", "investigation")
    )
    services.arrest_create(case=case, suspect=suspect, actor=detective, arrested_on=TODAY)
    services.case_add_participant(case=case, agency=county_da, actor=detective)
    # The DA, once a participant, works the case's prosecution group.
    services.charge_create(
        case=case,
        suspect=suspect,
        actor=prosecutor,
        jurisdiction="state",
        statute=sentinel("bayview", "prosecution"),
        filed_on=TODAY,
    )

    rose = _victim(advocate, "rose")
    services.note_create(victim=rose, actor=advocate, body=sentinel("rose", "notes"))
    services.service_event_create(
        victim=rose,
        actor=advocate,
        delivered_on=TODAY,
        service_type="counseling",
        unit=sentinel("rose", "services")[:20],
    )
    services.case_link_victim(case=case, victim=rose, actor=advocate)

    lily = _victim(detective, "lily")
    services.service_event_create(
        victim=lily,
        actor=detective,
        delivered_on=TODAY,
        service_type="transportation",
        unit=sentinel("lily", "services")[:20],
    )
    services.case_link_victim(case=case, victim=lily, actor=detective)

    maya = _victim(personas["advocate2"], "maya")
    services.note_create(victim=maya, actor=personas["advocate2"], body=sentinel("maya", "notes"))
    services.service_event_create(
        victim=maya,
        actor=personas["advocate2"],
        delivered_on=TODAY,
        service_type="interpretation",
        unit=sentinel("maya", "services")[:20],
    )

    detective2 = personas["detective2"]
    harbor_case = services.case_create(
        actor=detective2, title=sentinel("harbor", "summary"), narrative=sentinel("harbor", "investigation")
    )
    harbor_suspect = services.suspect_create(case=harbor_case, actor=detective2, role="purchaser", name="H. Suspect")
    Charge.objects.create(
        case=harbor_case,
        suspect=harbor_suspect,
        jurisdiction="state",
        statute=sentinel("harbor", "prosecution"),
        filed_on=TODAY,
        filing_agency=county_da,
        created_by=prosecutor,
    )
    return {
        "victims": {"rose": rose, "lily": lily, "maya": maya},
        "cases": {"bayview": case, "harbor": harbor_case},
        "personas": personas,
    }


def _sentinel_text(record: str, group: str) -> str:
    text = sentinel(record, group)
    return text[:20] if group == "services" else text


def assert_sentinels(body: object, expected: dict[str, frozenset[str]], records: tuple[str, ...], groups) -> None:
    """Each record's group sentinel is in the body exactly when that group is expected."""
    text = json.dumps(body)
    for record in records:
        for group in groups:
            shown = _sentinel_text(record, group) in text
            should = group in expected.get(record, frozenset())
            assert shown == should, f"{record}.{group}: {'leaked' if shown else 'missing'}"


def check_victim(body: dict, record: str, groups: frozenset[str], persona: str, state: str) -> None:
    assert body["field_groups"] == sorted(groups)
    withheld = {row["group"]: row["code"] for row in body["withheld"]}
    assert set(withheld) == VICTIM_GROUPS - groups
    assert all(row["reason"] for row in body["withheld"])
    for group, code in WITHHELD_CODES.get((persona, record, state), {}).items():
        assert withheld[group] == code, (persona, record, group)
    expected_keys = VICTIM_BASE_KEYS.union(*(VICTIM_KEYS[group] for group in groups))
    assert set(body) == expected_keys


def check_case(body: dict, groups: frozenset[str], visible_victim_ids: list[int]) -> None:
    assert body["field_groups"] == sorted(groups)
    assert {row["group"] for row in body["withheld"]} == CASE_GROUPS - groups
    assert set(body) == CASE_BASE_KEYS.union(*(CASE_KEYS[group] for group in groups))
    if "summary" in groups:
        assert body["victims"] == visible_victim_ids


def walk(world, username: str, table: dict[str, dict[str, frozenset[str]]], state: str) -> None:
    """Every victim and case endpoint, as ``username``, against the expected ``table``."""
    client = sign_in_verified(Client(), world["personas"][username])
    victims, cases = world["victims"], world["cases"]
    visible = table[username]
    ids = {record: victim.pk for record, victim in victims.items()}
    notes_table = {record: frozenset({"notes"}) & groups for record, groups in visible.items()}
    # What the representation carries: never the notes.
    shown = {record: groups - {"notes"} for record, groups in visible.items()}

    # list
    response = client.get("/api/v1/victims/?page_size=50")
    assert response.status_code == 200
    results = response.json()["results"]
    assert {row["id"] for row in results} == {ids[record] for record in visible}
    assert_sentinels(results, shown, tuple(victims), VICTIM_SENTINEL_GROUPS)
    by_id = {row["id"]: row for row in results}
    for record, groups in visible.items():
        check_victim(by_id[ids[record]], record, groups, username, state)

    for record, victim in victims.items():
        # retrieve
        response = client.get(f"/api/v1/victims/{victim.pk}/")
        if record in visible:
            assert response.status_code == 200, (username, record)
            check_victim(response.json(), record, visible[record], username, state)
            assert_sentinels(response.json(), {record: shown[record]}, tuple(victims), VICTIM_SENTINEL_GROUPS)
        else:
            assert response.status_code == 404, (username, record)

        # notes
        response = client.get(f"/api/v1/victims/{victim.pk}/notes/")
        expected_status = 404 if record not in visible else 200 if "notes" in visible[record] else 403
        assert response.status_code == expected_status, (username, record, "notes")
        assert_sentinels(
            response.json() if response.status_code == 200 else response.content.decode(),
            notes_table if response.status_code == 200 else {},
            tuple(victims),
            ("notes", "identity", "contact", "immigration"),
        )

        # access log
        response = client.get(f"/api/v1/victims/{victim.pk}/access-log/")
        expected_status = 404 if record not in visible else 200 if username in ACCESS_LOG_READERS[record] else 403
        assert response.status_code == expected_status, (username, record, "access-log")
        assert_sentinels(response.content.decode(), {}, tuple(victims), VICTIM_SENTINEL_GROUPS)

    # services
    response = client.get("/api/v1/services/?page_size=50")
    assert response.status_code == 200
    services_table = {record: groups & {"services"} for record, groups in visible.items()}
    assert {row["victim"] for row in response.json()["results"]} == {
        ids[record] for record, groups in services_table.items() if groups
    }
    assert_sentinels(response.json(), services_table, tuple(victims), VICTIM_SENTINEL_GROUPS)

    # cases
    case_table = CASES_READABLE[username]
    case_ids = {record: case.pk for record, case in cases.items()}
    linked = {"bayview": ["rose", "lily"], "harbor": []}
    response = client.get("/api/v1/cases/?page_size=50")
    assert response.status_code == 200
    results = response.json()["results"]
    assert {row["id"] for row in results} == {case_ids[record] for record in case_table}
    assert_sentinels(results, case_table, tuple(cases), CASE_SENTINEL_GROUPS)
    assert_sentinels(results, {}, tuple(victims), VICTIM_SENTINEL_GROUPS)
    by_id = {row["id"]: row for row in results}
    for record, case in cases.items():
        visible_victim_ids = sorted(ids[v] for v in linked[record] if v in visible)
        response = client.get(f"/api/v1/cases/{case.pk}/")
        if record in case_table:
            assert response.status_code == 200, (username, record)
            check_case(response.json(), case_table[record], visible_victim_ids)
            check_case(by_id[case.pk], case_table[record], visible_victim_ids)
            assert_sentinels(response.json(), {record: case_table[record]}, tuple(cases), CASE_SENTINEL_GROUPS)
        else:
            assert response.status_code == 404, (username, record)


@pytest.mark.parametrize("username", PERSONAS)
def test_every_persona_sees_exactly_its_table_through_a_consents_life(world, username):
    personas, rose = world["personas"], world["victims"]["rose"]
    advocate, bayview, hsi = personas["advocate"], personas["detective"].agency, personas["agent"].agency

    # Given no consent: Safe Harbor's agreement shares Rose's profile with Bayview and nothing else.
    walk(world, username, VICTIMS_WITHOUT_CONSENT, "without")

    # When the advocate records Rose's consent to share her identity with Bayview PD.
    # (And, so that some agency reaches Rose through consent alone, to share identity and contact with HSI.)
    consent = services.consent_create(
        victim=rose,
        actor=advocate,
        recipient_agency=bayview,
        field_groups=["identity"],
        purpose="Investigation of the Bayview case",
        expires_on=TODAY + timedelta(days=30),
    )
    hsi_consent = services.consent_create(
        victim=rose,
        actor=advocate,
        recipient_agency=hsi,
        field_groups=["identity", "contact"],
        purpose="Continued Presence application",
        expires_on=TODAY + timedelta(days=30),
    )
    walk(world, username, VICTIMS_WITH_IDENTITY_CONSENT, "with")

    # When the advocate revokes them: gone on the next request.
    services.consent_revoke(consent=consent, actor=advocate)
    services.consent_revoke(consent=hsi_consent, actor=advocate)
    walk(world, username, VICTIMS_WITHOUT_CONSENT, "without")

    # When a new consent runs out: gone the day after it expires, before and after the sweep.
    services.consent_create(
        victim=rose,
        actor=advocate,
        recipient_agency=bayview,
        field_groups=["identity"],
        purpose="Court preparation",
        expires_on=TODAY + timedelta(days=30),
    )
    services.consent_create(
        victim=rose,
        actor=advocate,
        recipient_agency=hsi,
        field_groups=["identity", "contact"],
        purpose="Continued Presence application",
        expires_on=TODAY + timedelta(days=30),
    )
    walk(world, username, VICTIMS_WITH_IDENTITY_CONSENT, "with")
    with time_machine.travel(NOW + timedelta(days=31), tick=False):
        walk(world, username, VICTIMS_WITHOUT_CONSENT, "without")
        # All four consents have expired by now; the two revoked ones lost their grants at
        # revocation, so the sweep processes the two that lapsed, once each.
        assert services.consents_lapse_sweep() == 2
        walk(world, username, VICTIMS_WITHOUT_CONSENT, "without")
