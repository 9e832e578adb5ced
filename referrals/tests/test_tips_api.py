"""The tips API: only the task force's central contact records, lists and triages tips."""

from __future__ import annotations

import pytest

from cases import services as case_services
from referrals import services
from referrals.models import ReferralStatus, Tip, TipStatus
from referrals.tests.world import make_referral

pytestmark = pytest.mark.django_db
JSON = "application/json"


def test_the_central_contact_records_lists_and_triages_tips(world, client_for):
    tfadmin = client_for("tfadmin")
    # when the central contact records two tips
    first = tfadmin.post(
        "/api/v1/tips/",
        {"source": "hotline", "summary": "Workers locked in at night.", "urgency": "urgent"},
        content_type=JSON,
    )
    assert first.status_code == 201, first.content
    assert (first.json()["status"], first.json()["urgency"]) == ("new", "urgent")
    second = tfadmin.post(
        "/api/v1/tips/",
        {"source": "community", "summary": "A van at the motel.", "received_at": "2020-01-01T08:00:00Z"},
        content_type=JSON,
    )
    assert second.status_code == 201, second.content
    third = tfadmin.post("/api/v1/tips/", {"source": "other", "summary": "Ads online."}, content_type=JSON)
    # then the list is newest (by receipt) first
    listed = tfadmin.get("/api/v1/tips/").json()["results"]
    assert [tip["id"] for tip in listed] == [third.json()["id"], first.json()["id"], second.json()["id"]]
    assert tfadmin.get(f"/api/v1/tips/{first.json()['id']}/").json()["summary"] == "Workers locked in at night."

    # and the tips are triaged into a partner's case and referral, by id among all
    case = case_services.case_create(actor=world["detective"], title="Night shift", trafficking_type="labor")
    referral = make_referral(world, ReferralStatus.SENT)
    linked = tfadmin.post(f"/api/v1/tips/{first.json()['id']}/triage-case/", {"case": case.pk}, content_type=JSON)
    assert linked.status_code == 200, linked.content
    assert (linked.json()["status"], linked.json()["case"]) == ("triaged_case", case.pk)
    assert linked.json()["case_number"] == case.case_number
    assert "Night shift" not in linked.content.decode()
    referred = tfadmin.post(
        f"/api/v1/tips/{second.json()['id']}/triage-referral/", {"referral": referral.pk}, content_type=JSON
    )
    assert referred.status_code == 200, referred.content
    assert (referred.json()["status"], referred.json()["referral"]) == ("triaged_referral", referral.pk)
    assert "Rose" not in referred.content.decode()
    # a triaged tip is not triaged again
    again = tfadmin.post(f"/api/v1/tips/{first.json()['id']}/close/", {"reason": "Duplicate."}, content_type=JSON)
    assert again.status_code == 400


def test_closing_needs_a_reason_and_unknown_links_are_refused(world, client_for):
    tfadmin = client_for("tfadmin")
    tip = services.tip_create(actor=world["tfadmin"], source="hotline", summary="A van at the motel.")
    url = f"/api/v1/tips/{tip.pk}"
    assert tfadmin.post(f"{url}/close/", {}, content_type=JSON).status_code == 400
    assert tfadmin.post(f"{url}/close/", {"reason": "  "}, content_type=JSON).status_code == 400
    assert tfadmin.post(f"{url}/triage-case/", {"case": 999999}, content_type=JSON).status_code == 400
    draft = make_referral(world)
    assert tfadmin.post(f"{url}/triage-referral/", {"referral": draft.pk}, content_type=JSON).status_code == 400
    assert tfadmin.post("/api/v1/tips/", {"source": "rumour", "summary": "x"}, content_type=JSON).status_code == 400
    assert tfadmin.post("/api/v1/tips/", {"source": "hotline"}, content_type=JSON).status_code == 400
    assert tfadmin.get("/api/v1/tips/999999/").status_code == 404
    tip.refresh_from_db()
    assert tip.status == TipStatus.NEW

    closed = tfadmin.post(f"{url}/close/", {"reason": "No location given."}, content_type=JSON)
    assert closed.status_code == 200, closed.content
    assert (closed.json()["status"], closed.json()["close_reason"]) == ("closed", "No location given.")


@pytest.mark.parametrize("persona", ["advocate", "detective", "lawyer"])
def test_other_personas_are_refused(world, client_for, persona):
    tip = services.tip_create(actor=world["tfadmin"], source="hotline", summary="Workers locked in at night.")
    case = case_services.case_create(actor=world["detective"], title="Night shift", trafficking_type="labor")
    client = client_for(persona)
    url = f"/api/v1/tips/{tip.pk}"
    assert client.get("/api/v1/tips/").status_code == 403
    assert client.get(f"{url}/").status_code in (403, 404)
    assert client.post("/api/v1/tips/", {"source": "hotline", "summary": "x"}, content_type=JSON).status_code == 403
    assert client.post(f"{url}/close/", {"reason": "Not ours."}, content_type=JSON).status_code == 403
    assert client.post(f"{url}/triage-case/", {"case": case.pk}, content_type=JSON).status_code == 403
    assert Tip.objects.count() == 1
    tip.refresh_from_db()
    assert tip.status == TipStatus.NEW


def test_anonymous_callers_are_refused(world, client):
    assert client.get("/api/v1/tips/").status_code in (401, 403)
