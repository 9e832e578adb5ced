"""The tips page: the central contact records a tip and triages it; others are refused."""

from __future__ import annotations

import pytest

from cases import services as case_services
from referrals import services
from referrals.models import ReferralStatus, Tip, TipStatus
from referrals.tests.world import make_referral

pytestmark = pytest.mark.django_db


def test_the_central_contact_records_a_tip_from_the_empty_page(world, client_for):
    tfadmin = client_for("tfadmin")
    page = tfadmin.get("/tips/")
    body = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="tips-empty"' in body
    assert 'href="/tips/"' in tfadmin.get("/").content.decode()  # in the navigation

    response = tfadmin.post(
        "/tips/",
        {"source": "hotline", "received_at": "2024-05-01T22:15", "urgency": "urgent", "summary": "Workers locked in."},
    )
    assert response.status_code == 302
    tip = Tip.objects.get()
    assert (tip.source, tip.urgency, tip.status, tip.recorded_by) == ("hotline", "urgent", "new", world["tfadmin"])
    body = tfadmin.get("/tips/").content.decode()
    assert "Workers locked in." in body
    assert f'action="/tips/{tip.pk}/close/"' in body


def test_the_central_contact_links_tips_to_a_case_and_a_referral(world, client_for):
    tfadmin = client_for("tfadmin")
    first = services.tip_create(actor=world["tfadmin"], source="hotline", summary="Workers locked in.")
    second = services.tip_create(actor=world["tfadmin"], source="community", summary="A van at the motel.")
    case = case_services.case_create(actor=world["detective"], title="Night shift", trafficking_type="labor")
    referral = make_referral(world, ReferralStatus.SENT)

    unknown = tfadmin.post(f"/tips/{first.pk}/case/", {f"tip{first.pk}-case-case_number": "NOPE-1"})
    assert unknown.status_code == 400
    assert "No case has this number." in unknown.content.decode()

    linked = tfadmin.post(f"/tips/{first.pk}/case/", {f"tip{first.pk}-case-case_number": case.case_number})
    assert linked.status_code == 302
    referred = tfadmin.post(f"/tips/{second.pk}/referral/", {f"tip{second.pk}-referral-referral": referral.pk})
    assert referred.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.case) == (TipStatus.TRIAGED_CASE, case)
    assert (second.status, second.referral) == (TipStatus.TRIAGED_REFERRAL, referral)

    body = tfadmin.get("/tips/").content.decode()
    assert case.case_number in body
    assert f"#{referral.pk}" in body
    assert "Night shift" not in body  # no case data
    assert "Rose" not in body  # no survivor data
    assert f'action="/tips/{first.pk}/close/"' not in body  # triaged once


def test_closing_needs_a_reason(world, client_for):
    tfadmin = client_for("tfadmin")
    tip = services.tip_create(actor=world["tfadmin"], source="community", summary="A van at the motel.")
    field = f"tip{tip.pk}-close-reason"
    refused = tfadmin.post(f"/tips/{tip.pk}/close/", {field: ""})
    assert refused.status_code == 400
    assert 'aria-invalid="true"' in refused.content.decode()
    tip.refresh_from_db()
    assert tip.status == TipStatus.NEW

    assert tfadmin.post(f"/tips/{tip.pk}/close/", {field: "No location given."}).status_code == 302
    tip.refresh_from_db()
    assert (tip.status, tip.close_reason) == (TipStatus.CLOSED, "No location given.")
    assert "No location given." in tfadmin.get("/tips/").content.decode()


@pytest.mark.parametrize("persona", ["advocate", "detective", "lawyer"])
def test_other_personas_are_refused(world, client_for, persona):
    tip = services.tip_create(actor=world["tfadmin"], source="hotline", summary="Workers locked in.")
    client = client_for(persona)
    assert client.get("/tips/").status_code == 403
    assert client.post("/tips/", {"source": "hotline", "urgency": "routine", "summary": "x"}).status_code == 403
    assert client.post(f"/tips/{tip.pk}/close/", {f"tip{tip.pk}-close-reason": "Not ours."}).status_code == 403
    assert 'href="/tips/"' not in client.get("/").content.decode()
    assert Tip.objects.count() == 1
    tip.refresh_from_db()
    assert tip.status == TipStatus.NEW
