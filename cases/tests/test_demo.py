"""The demo case load: idempotent, and every persona's pages show something true."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from auditlog.models import LogEntry
from django.apps import apps

from cases import access, demo, selectors
from cases.models import Case, Consent, Disclosure, Victim
from partners.models import SharingAgreement, User

pytestmark = pytest.mark.django_db

# Noon in the task force's time zone: the seed's dates and the read-time consent checks agree on "today".
NOW = datetime(2026, 6, 15, 12, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
TODAY = NOW.date()
ALL_VICTIM_GROUPS = {"profile", "identity", "contact", "immigration", "services", "notes"}


@pytest.fixture
def seeded(personas: dict[str, User]) -> Iterator[dict[str, User]]:
    with time_machine.travel(NOW, tick=False):
        demo.seed()
        yield personas


def snapshot() -> dict[str, object]:
    counts: dict[str, object] = {
        model.__name__: model._default_manager.count() for model in apps.get_app_config("cases").get_models()
    }
    counts["agreements"] = sorted(
        SharingAgreement.objects.values_list("owner__slug", "partner__slug", "victim_groups", "case_groups")
    )
    counts["open_disclosures"] = Disclosure.objects.filter(withdrawn_at__isnull=True).count()
    counts["log_entries"] = LogEntry.objects.count()
    return counts


def visible_victims(user: User) -> dict[str, set[str]]:
    """Pseudonym -> the field groups ``user`` reads, through the selectors and the policy."""
    victims = list(selectors.victims_visible_to(user))
    result = access.victims_access(user, victims)
    return {victim.pseudonym: result[victim.pk].readable for victim in victims}


def visible_cases(user: User) -> dict[str, set[str]]:
    cases = list(selectors.cases_visible_to(user))
    result = access.cases_access(user, cases)
    return {case.title: result[case.pk].readable for case in cases}


def test_seeding_twice_changes_nothing(seeded):
    # given the seeded demo
    before = snapshot()
    assert before["Case"] == len(demo.CASES)
    assert before["Victim"] == len(demo.VICTIMS)

    # when it is seeded again, even on a later day
    with time_machine.travel(NOW + timedelta(days=3), tick=False):
        again = demo.seed()

    # then nothing is written: no row, grant, disclosure or audit entry
    assert again == {"agreements": 0, "cases": 0, "victims": 0}
    assert snapshot() == before


def test_the_seed_uses_every_record_kind_and_each_consent_state(seeded):
    for name in ("Suspect", "Arrest", "Charge", "Disposition", "ServiceEvent", "Note", "CaseParticipant"):
        assert apps.get_model("cases", name).objects.exists(), name
    consents = Consent.objects.all()
    assert any(c.is_active(TODAY) and c.expires_on <= TODAY + timedelta(days=7) for c in consents)
    assert any(c.revoked_at is not None for c in consents)
    assert any(c.expires_on < TODAY and c.revoked_at is None for c in consents)
    assert sum(c.is_active(TODAY) for c in consents) >= 3
    closed = Case.objects.get(status="closed")
    assert closed.charges.filter(is_trafficking_statute=True, dispositions__outcome__startswith="convicted").exists()
    assert set(Case.objects.values_list("charges__nibrs_code", flat=True)) >= {"64A", "64B"}
    intakes = sorted(Victim.objects.values_list("intake_date", flat=True))
    assert intakes[0] >= TODAY - timedelta(days=365)
    assert (intakes[-1] - intakes[0]).days > 300
    assert set(Victim.objects.values_list("age_group", flat=True)) == {"minor", "adult"}
    assert {"declined", "not_asked"} <= set(Victim.objects.values_list("gender", flat=True))
    # Audit entries carry the persona who acted.
    assert LogEntry.objects.filter(actor__username="advocate").exists()
    assert LogEntry.objects.filter(actor__username="prosecutor").exists()


def test_advocate_sees_their_agencys_survivors_with_every_group(seeded):
    assert visible_victims(seeded["advocate"]) == {name: ALL_VICTIM_GROUPS for name in ("Rose", "Willow", "Sky", "Ivy")}
    # Only the case Safe Harbor participates in: linking its survivors to the others shows nothing of them.
    assert visible_cases(seeded["advocate"]) == {"Harbor Street massage businesses": {"summary"}}


def test_detective_sees_bayview_cases_and_shared_survivor_profiles(seeded):
    own = {"profile", "identity", "contact", "immigration", "services"}
    assert visible_victims(seeded["detective"]) == {
        "Jade": own,
        "Star": own,
        "Rose": {"profile", "identity", "contact"},  # Safe Harbor's agreement, plus Rose's consent
        "Willow": {"profile"},
        "Luz": {"profile"},
        "Mateo": {"profile"},
        "Jun": {"profile"},
    }
    full = {"summary", "investigation", "prosecution"}
    assert visible_cases(seeded["detective"]) == {
        "Harbor Street massage businesses": full,
        "Operation Lantern": full,
        # HSI's case: summary as a participant, investigation by HSI's agreement.
        "Seaside Farms labor contractor": {"summary", "investigation"},
    }


def test_prosecutor_sees_county_da_cases(seeded):
    full = {"summary", "investigation", "prosecution"}
    assert visible_cases(seeded["prosecutor"]) == {
        "Harbor Street massage businesses": full,
        "Harbor City restaurant kitchen": full,
        "Operation Lantern": full,
    }
    assert visible_victims(seeded["prosecutor"]) == {
        "Jade": {"profile", "identity"},
        "Star": {"profile", "identity"},
        "Willow": {"profile", "identity"},  # by consent, which expires within the week
    }


def test_agent_sees_consent_states_as_they_are(seeded):
    assert visible_victims(seeded["agent"]) == {
        "Luz": {"profile", "identity", "immigration"},  # active consent
        "Mateo": {"profile"},  # consent revoked
        "Jun": {"profile"},  # consent expired
    }


@pytest.mark.parametrize("username", ["analyst", "tfadmin", "auditor", "volunteer"])
def test_aggregate_roles_and_volunteers_see_no_pii(seeded, username):
    user = seeded[username]
    for groups in visible_victims(user).values():
        assert groups <= {"profile"}
    for groups in visible_cases(user).values():
        assert groups <= {"summary"}


def test_the_analyst_sees_profiles_for_statistics(seeded):
    assert set(visible_victims(seeded["analyst"])) == {"Jade", "Star", "Rose", "Willow", "Luz", "Mateo", "Jun"}
    for username in ("tfadmin", "auditor", "volunteer"):
        assert visible_victims(seeded[username]) == {}
