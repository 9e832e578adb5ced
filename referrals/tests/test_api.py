"""The referrals API: create, inbox and outbox, the representation, query budgets,
notifications and the directory."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from referrals import services
from referrals.models import ReferralStatus
from referrals.tests.world import make_referral

pytestmark = pytest.mark.django_db
S = ReferralStatus


def test_the_advocate_creates_a_draft_and_sends_it(world, client_for):
    advocate = client_for("advocate")
    # when the advocate saves a referral
    response = advocate.post(
        "/api/v1/referrals/",
        {
            "victim": world["rose"].pk,
            "to_agency": "legal-aid",
            "services": ["immigration_legal"],
            "urgency": "urgent",
            "share_field_groups": ["identity"],
            "note": "Needs a T visa consultation.",
        },
        content_type="application/json",
    )
    # then it is a draft with the named representation
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["from_agency"], body["to_agency"]) == ("draft", "safe-harbor", "legal-aid")
    assert body["shared_field_groups"] == ["identity", "profile"]
    assert body["acknowledge_due_at"] is None
    assert body["actions"] == ["send", "withdraw"]
    # and the recipient does not see a draft
    assert client_for("lawyer").get(f"/api/v1/referrals/{body['id']}/").status_code == 404

    # when it is sent, the due times are set and the lawyer may acknowledge or decline
    sent = advocate.post(f"/api/v1/referrals/{body['id']}/send/").json()
    assert sent["status"] == "sent"
    assert sent["acknowledge_due_at"] is not None
    assert sent["decide_due_at"] is not None
    lawyer_view = client_for("lawyer").get(f"/api/v1/referrals/{body['id']}/").json()
    assert lawyer_view["actions"] == ["acknowledge", "decline"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"to_agency": "nowhere"}, "to_agency"),
        ({"to_agency": "safe-harbor"}, "to_agency"),
        ({"services": ["teleportation"]}, "services"),
        ({"services": []}, "services"),
        ({"urgency": "whenever"}, "urgency"),
        ({"share_field_groups": ["notes"]}, "share_field_groups"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_invalid_creates_answer_400_and_save_nothing(world, client_for, body, field):
    data = {"victim": world["rose"].pk, "to_agency": "legal-aid", "services": ["immigration_legal"], **body}
    response = client_for("advocate").post("/api/v1/referrals/", data, content_type="application/json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not world["rose"].referrals.exists()


def test_an_invisible_survivor_cannot_be_referred(world, client_for):
    response = client_for("detective").post(
        "/api/v1/referrals/",
        {"victim": world["rose"].pk, "to_agency": "legal-aid", "services": ["immigration_legal"]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {"victim": ["No such survivor."]}


def test_an_illegal_transition_answers_409_with_the_allowed_ones(world, client_for):
    referral = make_referral(world, S.SENT)
    response = client_for("lawyer").post(
        f"/api/v1/referrals/{referral.pk}/complete/", {"outcome": "services_delivered"}, content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["allowed"] == ["acknowledge", "decline", "withdraw", "expire"]


def test_inbox_outbox_and_status_filters(world, client_for):
    sent = make_referral(world, S.SENT)
    draft = make_referral(world, S.DRAFT)
    declined = make_referral(world, S.DECLINED)

    def ids(client, query: str) -> list[int]:
        response = client.get(f"/api/v1/referrals/{query}")
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    advocate, lawyer = client_for("advocate"), client_for("lawyer")
    assert ids(advocate, "?box=outbox") == [declined.pk, draft.pk, sent.pk]
    assert ids(advocate, "?box=inbox") == []
    assert ids(lawyer, "?box=inbox") == [declined.pk, sent.pk]
    assert ids(lawyer, "?box=inbox&status=sent") == [sent.pk]
    assert ids(lawyer, "?box=outbox") == []
    assert ids(client_for("detective"), "") == []
    assert ids(client_for("volunteer"), "") == []
    assert client_for("lawyer").get("/api/v1/referrals/?box=elsewhere").status_code == 400


def test_the_central_contact_sees_states_and_timing_but_no_survivor_data(world, client_for):
    referral = make_referral(world, S.ACCEPTED)
    rows = client_for("tfadmin").get("/api/v1/referrals/").json()["results"]
    assert [row["id"] for row in rows] == [referral.pk]
    row = rows[0]
    assert row["status"] == "accepted"
    assert row["accepted_at"] is not None
    assert row["victim"]["field_groups"] == []
    assert "note" not in row
    assert row["actions"] == []


def test_the_list_query_count_does_not_grow_with_the_page(world, client_for):
    lawyer = client_for("lawyer")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = lawyer.get("/api/v1/referrals/?box=inbox")
        assert response.status_code == 200
        return len(queries)

    make_referral(world, S.ACCEPTED)
    one = count()
    for state in (S.SENT, S.ACKNOWLEDGED, S.COMPLETED, S.ACCEPTED):
        make_referral(world, state)
    assert count() == one


def test_notifications_list_mark_read_and_count(world, client_for):
    make_referral(world, S.ACCEPTED)
    advocate = client_for("advocate")
    assert advocate.get("/api/v1/notifications/unread-count/").json() == {"unread": 2}
    rows = advocate.get("/api/v1/notifications/").json()["results"]
    assert [row["kind"] for row in rows] == ["accepted", "acknowledged"]
    # someone else's notification is not found
    assert client_for("lawyer").post(f"/api/v1/notifications/{rows[0]['id']}/read/").status_code == 404
    marked = advocate.post(f"/api/v1/notifications/{rows[0]['id']}/read/").json()
    assert marked["read_at"] is not None
    assert advocate.get("/api/v1/notifications/?unread=1").json()["results"][0]["kind"] == "acknowledged"
    assert advocate.post("/api/v1/notifications/read-all/").json() == {"marked": 1}
    assert advocate.get("/api/v1/notifications/unread-count/").json() == {"unread": 0}


def test_the_directory_filters_by_service_and_shows_who_takes_referrals(world, client_for):
    services.referral_intake_set(agency=world["advocate2"].agency, actor=world["tfadmin"], accepting_referrals=False)
    rows = client_for("advocate").get("/api/v1/referral-directory/?service=immigration_legal").json()
    assert [row["slug"] for row in rows] == ["legal-aid"]
    assert rows[0]["accepting_referrals"] is True
    everyone = {row["slug"]: row for row in client_for("advocate").get("/api/v1/referral-directory/").json()}
    assert everyone["comunidad"]["accepting_referrals"] is False
