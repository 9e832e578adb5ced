"""Cases through the API: create, patch, participants, linking survivors, related rows per group."""

from __future__ import annotations

import pytest

from cases import services
from cases.models import Case, CaseParticipant, CaseVictim
from cases.tests import api_world
from cases.tests.api_world import TODAY

pytestmark = pytest.mark.django_db
world = api_world.world

JSON = "application/json"


def test_detective_opens_a_case_led_by_their_agency(client_for):
    response = client_for("detective").post(
        "/api/v1/cases/", {"title": "Motel 9", "narrative": "Tip from a clerk."}, content_type=JSON
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["owner_agency"], body["lead_agency"]) == ("bayview-pd", "bayview-pd")
    assert body["field_groups"] == ["investigation", "prosecution", "summary"]
    assert body["case_number"].startswith("TF-")
    assert body["narrative"] == "Tip from a clerk."
    assert (body["participants"], body["victims"], body["suspects"], body["charges"]) == ([], [], [], [])


def test_case_create_refuses_unknown_fields_and_roles_without_the_capability(client_for):
    response = client_for("detective").post("/api/v1/cases/", {"title": "X", "case_number": "TF-1"}, content_type=JSON)
    assert response.status_code == 400
    assert "case_number" in response.json()
    assert client_for("advocate").post("/api/v1/cases/", {"title": "X"}, content_type=JSON).status_code == 403
    assert not Case.objects.filter(title="X").exists()


def test_linking_a_survivor_grants_the_survivors_agency_nothing_on_the_case(world, client_for):
    # Case numbers are sequential: a link made by number must not reveal the case.
    case = world["case"]
    assert client_for("advocate").get(f"/api/v1/cases/{case.pk}/").status_code == 404
    assert client_for("advocate").get("/api/v1/cases/").json()["results"] == []


def test_investigation_and_prosecution_rows_follow_their_groups(world, personas, client_for):
    case, detective = world["case"], personas["detective"]
    suspect = services.suspect_create(case=case, actor=detective, role="trafficker", name="J. Doe")
    services.arrest_create(case=case, suspect=suspect, actor=detective, arrested_on=TODAY)
    body = client_for("detective").get(f"/api/v1/cases/{case.pk}/").json()
    assert [row["name"] for row in body["suspects"]] == ["J. Doe"]
    assert [(row["suspect"], row["arresting_agency"]) for row in body["arrests"]] == [(suspect.pk, "bayview-pd")]
    assert body["charges"] == []


def test_patch_outside_writable_groups_is_403_and_changes_nothing(world, personas, client_for):
    case = world["case"]
    services.case_add_participant(case=case, agency=personas["prosecutor"].agency, actor=personas["detective"])
    response = client_for("prosecutor").patch(
        f"/api/v1/cases/{case.pk}/", {"title": "Renamed", "narrative": "x"}, content_type=JSON
    )
    assert response.status_code == 403
    assert response.json()["groups"] == ["investigation", "summary"]
    case.refresh_from_db()
    assert case.title == "Harbor Street massage businesses"


def test_patch_by_the_lead_and_unknown_field(world, client_for):
    case, client = world["case"], client_for("detective")
    response = client.patch(f"/api/v1/cases/{case.pk}/", {"status": "active_investigation"}, content_type=JSON)
    assert response.status_code == 200
    assert response.json()["status"] == "active_investigation"
    assert client.patch(f"/api/v1/cases/{case.pk}/", {"lead_agency": 1}, content_type=JSON).status_code == 400
    assert client.patch(f"/api/v1/cases/{case.pk}/", {"status": "bogus"}, content_type=JSON).status_code == 400


def test_a_case_you_cannot_see_is_404(world, client_for):
    case = world["case"]
    for username in ("detective2", "agent", "advocate2", "tfadmin", "volunteer"):
        client = client_for(username)
        assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 404
        assert client.patch(f"/api/v1/cases/{case.pk}/", {"title": "X"}, content_type=JSON).status_code == 404
        assert (
            client.post(f"/api/v1/cases/{case.pk}/participants/", {"agency": "hsi"}, content_type=JSON).status_code
            == 404
        )


def test_lead_adds_a_participant_who_then_sees_the_summary(world, client_for):
    case = world["case"]
    response = client_for("detective").post(
        f"/api/v1/cases/{case.pk}/participants/", {"agency": "hsi"}, content_type=JSON
    )
    assert response.status_code == 201
    assert response.json()["participants"] == ["hsi"]
    body = client_for("agent").get(f"/api/v1/cases/{case.pk}/").json()
    # The summary, and the participant's own line of work; the lead's agreement shares nothing more.
    assert body["field_groups"] == ["investigation", "summary"]
    assert body["victims"] == []  # Rose's agency shares nothing with HSI


def test_participant_validation_and_who_may_add(world, client_for):
    case = world["case"]
    detective = client_for("detective")
    url = f"/api/v1/cases/{case.pk}/participants/"
    assert detective.post(url, {"agency": "no-such-agency"}, content_type=JSON).status_code == 400
    assert detective.post(url, {"agency": "bayview-pd"}, content_type=JSON).status_code == 400  # the lead itself
    # The advocate's survivor is linked, but her agency does not work the case.
    assert client_for("advocate").post(url, {"agency": "hsi"}, content_type=JSON).status_code == 404
    assert not CaseParticipant.objects.filter(case=case).exists()


def test_linking_survivors_to_a_case(world, personas, client_for):
    case = world["case"]
    lily = services.victim_create(actor=personas["detective"], pseudonym="Lily", trafficking_type="labor")
    iris = services.victim_create(actor=personas["advocate2"], pseudonym="Iris", trafficking_type="labor")
    url = f"/api/v1/cases/{case.pk}/victims/"
    response = client_for("detective").post(url, {"victim": lily.pk}, content_type=JSON)
    assert response.status_code == 201
    assert response.json()["victims"] == sorted([world["rose"].pk, lily.pk])
    # A survivor the caller cannot see answers like one that does not exist.
    assert client_for("detective").post(url, {"victim": iris.pk}, content_type=JSON).status_code == 400
    assert client_for("detective").post(url, {"victim": 999999}, content_type=JSON).status_code == 400
    # The survivor's own agency may link them to a case it can see.
    assert client_for("advocate2").post(url, {"victim": iris.pk}, content_type=JSON).status_code == 404
    assert not CaseVictim.objects.filter(victim=iris).exists()
