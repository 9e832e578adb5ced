"""Referral pages per persona: refer, inbox and outbox, acting with htmx, the 409
message, notifications, the bell and the coordination board."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import ServiceEvent
from referrals import services
from referrals.models import Notification, Referral, ReferralStatus
from referrals.tests.world import make_referral

pytestmark = pytest.mark.django_db
S = ReferralStatus
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_advocate_refers_from_the_survivor_page_in_one_form(world, client_for):
    advocate = client_for("advocate")
    rose = world["rose"]
    page = advocate.get(f"/survivors/{rose.pk}/").content.decode()
    assert f'href="/survivors/{rose.pk}/refer/"' in page

    # choosing the service narrows the agencies, choosing the agency shows the consent status (htmx)
    refreshed = advocate.post(
        f"/survivors/{rose.pk}/refer/?refresh=1",
        {"services": ["immigration_legal"], "to_agency": "legal-aid"},
        **HTMX,
    )
    body = refreshed.content.decode()
    assert refreshed.status_code == 200
    assert "<html" not in body
    assert 'value="legal-aid"' in body
    assert 'value="safe-harbor"' not in body  # not another agency's own agency, and not offering it
    assert "Consent on file" in body
    assert 'value="identity"' in body
    assert 'value="contact"' not in body  # no consent covers it: not offered

    response = advocate.post(
        f"/survivors/{rose.pk}/refer/",
        {
            "services": ["immigration_legal"],
            "to_agency": "legal-aid",
            "share_field_groups": ["identity"],
            "urgency": "urgent",
            "note": "Needs a T visa consultation.",
            "send": "1",
        },
    )
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/referrals/{referral.pk}/"
    assert referral.status == S.SENT
    assert referral.shared_field_groups == ["identity", "profile"]


def test_sharing_a_group_without_consent_is_refused_with_the_reason(world, client_for):
    response = client_for("advocate").post(
        f"/survivors/{world['rose'].pk}/refer/",
        {
            "services": ["immigration_legal"],
            "to_agency": "legal-aid",
            "share_field_groups": ["contact"],
            "urgency": "routine",
        },
    )
    assert response.status_code == 400
    assert not Referral.objects.exists()


def test_a_draft_is_saved_without_sending(world, client_for):
    client_for("advocate").post(
        f"/survivors/{world['rose'].pk}/refer/",
        {"services": ["immigration_legal"], "to_agency": "legal-aid", "urgency": "routine", "draft": "1"},
    )
    assert Referral.objects.get().status == S.DRAFT


def test_inbox_outbox_and_outsiders(world, client_for):
    referral = make_referral(world, S.SENT)
    outbox = client_for("advocate").get("/referrals/").content.decode()
    assert f"referral-row-{referral.pk}" in outbox
    inbox = client_for("lawyer").get("/referrals/").content.decode()
    assert f"referral-row-{referral.pk}" in inbox
    # an outsider gets the same 404 as for a referral that does not exist
    assert client_for("detective").get(f"/referrals/{referral.pk}/").status_code == 404
    assert client_for("detective").post(f"/referrals/{referral.pk}/acknowledge/", **HTMX).status_code == 404
    assert client_for("volunteer").get("/referrals/").status_code == 403


def test_the_inbox_marks_overdue_referrals(world, client_for):
    referral = make_referral(world, S.SENT)
    Referral.objects.filter(pk=referral.pk).update(acknowledge_due_at=referral.sent_at)
    inbox = client_for("lawyer").get("/referrals/").content.decode()
    assert "table-danger" in inbox
    assert "Overdue" in inbox


def test_the_recipient_acts_with_htmx_and_reads_only_the_consented_groups(world, client_for):
    referral = make_referral(world, S.SENT)
    lawyer = client_for("lawyer")
    page = lawyer.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Acknowledge" in page
    assert "night shift" not in page

    response = lawyer.post(f"/referrals/{referral.pk}/acknowledge/", **HTMX)
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert 'id="referral"' in response.content.decode()
    response = lawyer.post(f"/referrals/{referral.pk}/accept/", **HTMX)
    body = response.content.decode()
    assert "Maria Example" in body
    assert "555-0142" not in body
    assert "night shift" not in body
    assert 'data-testid="referral-withheld-contact"' in body
    assert 'data-testid="referral-withheld-notes"' in body

    # completing asks for an outcome; without one nothing changes
    response = lawyer.post(f"/referrals/{referral.pk}/complete/", {"note": "x"}, **HTMX)
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == S.ACCEPTED
    response = lawyer.post(
        f"/referrals/{referral.pk}/complete/",
        {"outcome": "services_delivered", "services": ["immigration_legal"], "note": "Filed the I-914."},
        **HTMX,
    )
    referral.refresh_from_db()
    assert referral.status == S.COMPLETED
    assert ServiceEvent.objects.filter(victim=world["rose"], providing_agency=referral.to_agency).count() == 1


def test_decline_asks_for_a_reason(world, client_for):
    referral = make_referral(world, S.SENT)
    lawyer = client_for("lawyer")
    response = lawyer.post(f"/referrals/{referral.pk}/decline/", {"reason": ""})
    assert response.status_code == 400
    response = lawyer.post(f"/referrals/{referral.pk}/decline/", {"reason": "No capacity."})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.decline_reason) == (S.DECLINED, "No capacity.")


def test_an_illegal_transition_explains_what_is_allowed(world, client_for):
    referral = make_referral(world, S.ACCEPTED)
    lawyer = client_for("lawyer")
    response = lawyer.post(f"/referrals/{referral.pk}/acknowledge/")
    assert response.status_code == 409
    body = response.content.decode()
    assert "This referral is now Accepted" in body
    assert "Allowed now: Complete, Withdraw." in body
    htmx = lawyer.post(f"/referrals/{referral.pk}/acknowledge/", **HTMX)
    assert htmx.status_code == 200  # htmx swaps successful responses only
    assert 'data-testid="referral-conflict"' in htmx.content.decode()


def test_only_the_recipient_acknowledges_and_only_the_sender_withdraws(world, client_for):
    referral = make_referral(world, S.SENT)
    assert client_for("advocate").post(f"/referrals/{referral.pk}/acknowledge/").status_code == 403
    assert client_for("lawyer").post(f"/referrals/{referral.pk}/withdraw/").status_code == 403
    assert client_for("advocate").post(f"/referrals/{referral.pk}/withdraw/").status_code == 302
    referral.refresh_from_db()
    assert referral.status == S.WITHDRAWN


def test_unknown_action_is_404(world, client_for):
    referral = make_referral(world, S.SENT)
    assert client_for("lawyer").post(f"/referrals/{referral.pk}/teleport/").status_code == 404


def test_notifications_bell_page_and_mark_read(world, client_for, personas):
    referral = make_referral(world, S.SENT)
    services.referral_acknowledge(referral=referral, actor=personas["lawyer"])
    advocate = client_for("advocate")
    page = advocate.get("/notifications/").content.decode()
    assert 'data-testid="unread-count">1<' in page
    notification = Notification.objects.get(user=personas["advocate"])
    response = advocate.post(f"/notifications/{notification.pk}/read/", **HTMX)
    assert response.status_code == 200
    assert "Mark read" not in response.content.decode()
    notification.refresh_from_db()
    assert notification.read_at is not None
    # someone else's notification is a 404
    assert client_for("supervisor").post(f"/notifications/{notification.pk}/read/").status_code == 404
    assert advocate.post("/notifications/read-all/").status_code == 302


def test_the_bell_costs_one_query(world, client_for):
    advocate = client_for("advocate")
    advocate.get("/notifications/")
    with CaptureQueriesContext(connection) as with_bell:
        advocate.get("/directory/")
    bell = [q for q in with_bell.captured_queries if "referrals_notification" in q["sql"]]
    assert len(bell) == 1


def test_the_board_shows_states_and_timing_without_pii(world, client_for):
    referral = make_referral(world, S.ACKNOWLEDGED)
    draft = make_referral(world, S.DRAFT)
    board = client_for("tfadmin").get("/referrals/board/")
    assert board.status_code == 200
    body = board.content.decode()
    assert f"board-row-{referral.pk}" in body
    assert f"board-row-{draft.pk}" not in body
    for secret in ("Rose", "Maria Example", "T visa consultation"):
        assert secret not in body
    assert client_for("advocate").get("/referrals/board/").status_code == 403
    # the coordinator's referral page shows no survivor and no free text either
    detail = client_for("tfadmin").get(f"/referrals/{referral.pk}/").content.decode()
    for secret in ("Rose", "Maria Example", "T visa consultation"):
        assert secret not in detail
