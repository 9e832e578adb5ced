"""The case pages, per persona: list, open, the page per field group and its forms."""

from __future__ import annotations

import re

import pytest

from cases import services
from cases.models import Arrest, Case, CaseParticipant, CaseVictim, Charge, Disposition, Suspect

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    advocate, detective = personas["advocate"], personas["detective"]
    services.sharing_agreement_set(
        owner=advocate.agency, partner=detective.agency, actor=personas["tfadmin"], victim_groups=["profile"]
    )
    case = services.case_create(
        actor=detective, title="Harbor Street massage businesses", trafficking_type="sex", narrative="Tip from a nurse."
    )
    victim = services.victim_create(actor=advocate, pseudonym="Rose", trafficking_type="sex")
    services.case_link_victim(case=case, victim=victim, actor=advocate)
    return {"case": case, "victim": victim, **personas}


def group_state(html: str, group: str) -> str:
    match = re.search(rf'data-testid="group-{group}">(.*?)</section>', html, re.S)
    assert match, group
    return "withheld" if f'data-testid="withheld-{group}"' in match.group(1) else "data"


def test_the_detective_lists_filters_and_searches_cases(world, client_for):
    client = client_for("detective")
    number = world["case"].case_number
    assert number in client.get("/cases/").content.decode()
    assert number in client.get("/cases/?q=harbor&status=open&trafficking_type=sex").content.decode()
    assert number not in client.get("/cases/?trafficking_type=labor").content.decode()
    assert "No case matches these filters." in client.get("/cases/?q=nothing").content.decode()
    assert "No cases yet" in client_for("detective2").get("/cases/").content.decode()
    assert client_for("volunteer").get("/cases/").status_code == 403


def test_the_detective_sees_every_group_of_her_case_and_the_survivor_by_pseudonym(world, client_for):
    html = client_for("detective").get(f"/cases/{world['case'].pk}/").content.decode()
    assert [group_state(html, g) for g in ("summary", "investigation", "prosecution")] == ["data"] * 3
    assert "Tip from a nurse." in html
    assert "Rose" in html
    assert 'action="/cases/{}/suspects/"'.format(world["case"].pk) in html


def test_a_participating_victim_service_provider_sees_the_summary_only(world, client_for, personas):
    services.case_add_participant(case=world["case"], agency=personas["advocate"].agency, actor=personas["detective"])
    html = client_for("advocate").get(f"/cases/{world['case'].pk}/").content.decode()
    assert group_state(html, "summary") == "data"
    assert group_state(html, "investigation") == "withheld"
    assert "Tip from a nurse." not in html
    assert '<form method="post"' not in html.split('data-testid="group-summary"')[1].split("</main>")[0]


def test_linking_a_survivor_does_not_open_the_case_to_her_agency(world, client_for):
    assert client_for("advocate").get(f"/cases/{world['case'].pk}/").status_code == 404


def test_a_survivor_whose_profile_is_not_shared_shows_as_withheld(world, client_for, personas):
    # Comunidad shares nothing with Bayview: the detective learns a survivor is linked, not who.
    other = services.victim_create(actor=personas["advocate2"], pseudonym="Lily", trafficking_type="sex")
    services.case_link_victim(case=world["case"], victim=other, actor=personas["advocate2"])
    html = client_for("detective").get(f"/cases/{world['case'].pk}/").content.decode()
    assert "Lily" not in html
    assert "Survivor (details withheld)" in html


@pytest.mark.parametrize("persona", ["detective2", "prosecutor", "advocate2", "volunteer"])
def test_other_agencies_get_404(world, client_for, persona):
    client = client_for(persona)
    pk = world["case"].pk
    assert client.get(f"/cases/{pk}/").status_code == 404
    for suffix in ("participants/", "survivors/", "suspects/", "arrests/", "charges/", "dispositions/"):
        assert client.post(f"/cases/{pk}/{suffix}", {}).status_code == 404, suffix


def test_opening_a_case(personas, client_for):
    client = client_for("detective")
    assert client.get("/cases/new/").status_code == 200
    response = client.post(
        "/cases/new/",
        {
            "title": "Farm labor",
            "trafficking_type": "labor",
            "status": "open",
            "origin": "tip_line",
            "opened_on": "2026-02-03",
        },
    )
    case = Case.objects.get(title="Farm labor")
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.pk}/"
    assert case.lead_agency.slug == "bayview-pd"
    assert case.case_number.startswith("TF-2026-")


def test_an_invalid_case_changes_nothing_and_advocates_may_not_open_one(personas, client_for):
    assert client_for("detective").post("/cases/new/", {"title": ""}).status_code == 400
    assert client_for("advocate").post("/cases/new/", {"title": "X", "trafficking_type": "sex"}).status_code == 403
    assert not Case.objects.exists()


def test_the_lead_adds_a_participant_suspect_arrest(world, client_for):
    client = client_for("detective")
    case = world["case"]
    assert client.post(f"/cases/{case.pk}/participants/", {"agency": "county-da"}).status_code == 302
    assert CaseParticipant.objects.filter(case=case, agency__slug="county-da").exists()

    assert client.post(f"/cases/{case.pk}/suspects/", {"role": "trafficker", "name": "J. Doe"}).status_code == 302
    suspect = Suspect.objects.get()
    assert (
        client.post(f"/cases/{case.pk}/arrests/", {"suspect": suspect.pk, "arrested_on": "2026-02-04"}).status_code
        == 302
    )
    assert Arrest.objects.get().arresting_agency.slug == "bayview-pd"
    assert client.post(f"/cases/{case.pk}/suspects/", {"role": "", "name": ""}).status_code == 400
    assert Suspect.objects.count() == 1


def test_the_prosecutor_charges_and_disposes_once_participating(world, client_for, personas):
    case = world["case"]
    # Bayview shares the prosecution group with the DA's office, which may then add to it.
    services.sharing_agreement_set(
        owner=world["detective"].agency,
        partner=personas["prosecutor"].agency,
        actor=personas["tfadmin"],
        case_groups=["prosecution"],
    )
    services.case_add_participant(case=case, agency=personas["prosecutor"].agency, actor=world["detective"])
    suspect = services.suspect_create(case=case, actor=world["detective"], role="trafficker", name="J. Doe")
    client = client_for("prosecutor")
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert group_state(html, "summary") == "data"
    assert group_state(html, "investigation") == "withheld"
    assert "J. Doe" not in html  # suspect names belong to the investigation group

    response = client.post(
        f"/cases/{case.pk}/charges/",
        {
            "suspect": suspect.pk,
            "jurisdiction": "state",
            "statute": "PC 236.1",
            "filed_on": "2026-03-01",
            "is_trafficking_statute": "on",
        },
    )
    assert response.status_code == 302
    charge = Charge.objects.get()
    assert charge.is_trafficking_statute
    assert charge.filing_agency.slug == "county-da"
    response = client.post(
        f"/cases/{case.pk}/dispositions/",
        {"charge": charge.pk, "outcome": "convicted_plea", "disposed_on": "2026-06-01"},
    )
    assert response.status_code == 302
    assert Disposition.objects.count() == 1
    # Investigation is not the prosecutor's to write.
    assert client.post(f"/cases/{case.pk}/suspects/", {"role": "trafficker", "name": "X"}).status_code == 403
    assert Suspect.objects.count() == 1


def test_the_detective_may_not_write_prosecution(world, client_for):
    case = world["case"]
    suspect = services.suspect_create(case=case, actor=world["detective"], role="trafficker", name="J. Doe")
    response = client_for("detective").post(
        f"/cases/{case.pk}/charges/",
        {"suspect": suspect.pk, "jurisdiction": "state", "statute": "X", "filed_on": "2026-03-01"},
    )
    assert response.status_code == 403
    assert not Charge.objects.exists()


def test_linking_a_visible_survivor_from_the_case(world, client_for, personas):
    own = services.victim_create(actor=world["detective"], pseudonym="Daisy", trafficking_type="labor")
    client = client_for("detective")
    assert "Daisy" in client.get(f"/cases/{world['case'].pk}/").content.decode()
    assert client.post(f"/cases/{world['case'].pk}/survivors/", {"victim": own.pk}).status_code == 302
    assert CaseVictim.objects.filter(case=world["case"], victim=own).exists()
    # A survivor the detective cannot see is not a valid choice.
    hidden = services.victim_create(actor=personas["advocate2"], pseudonym="Lily", trafficking_type="sex")
    assert client.post(f"/cases/{world['case'].pk}/survivors/", {"victim": hidden.pk}).status_code == 400
    assert not CaseVictim.objects.filter(victim=hidden).exists()


def test_navigation_shows_survivors_and_cases_by_permission(world, client_for):
    assert 'href="/survivors/"' in client_for("advocate").get("/").content.decode()
    detective_home = client_for("detective").get("/").content.decode()
    assert 'href="/cases/"' in detective_home
    volunteer_home = client_for("volunteer").get("/").content.decode()
    assert 'href="/survivors/"' not in volunteer_home
    assert 'href="/cases/"' not in volunteer_home
