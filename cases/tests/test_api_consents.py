"""Consents and service events through the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import services
from cases.models import Consent, ServiceEvent
from cases.tests import api_world

pytestmark = pytest.mark.django_db
world = api_world.world

JSON = "application/json"


def consent_payload(victim_id: int, **overrides):
    today = timezone.localdate()
    return {
        "victim": victim_id,
        "recipient_agency": "bayview-pd",
        "field_groups": ["identity"],
        "purpose": "Investigation of the Harbor Street case",
        "obtained_on": today.isoformat(),
        "expires_on": (today + timedelta(days=30)).isoformat(),
        **overrides,
    }


def test_advocate_records_consent_and_the_detective_sees_identity_until_revoked(world, client_for):
    rose = world["rose"]
    advocate, detective = client_for("advocate"), client_for("detective")
    response = advocate.post("/api/v1/consents/", consent_payload(rose.pk), content_type=JSON)
    assert response.status_code == 201
    consent = response.json()
    assert (consent["recipient_agency"], consent["field_groups"], consent["is_active"]) == (
        "bayview-pd",
        ["identity"],
        True,
    )
    assert detective.get(f"/api/v1/victims/{rose.pk}/").json()["field_groups"] == ["identity", "profile"]

    response = advocate.post(f"/api/v1/consents/{consent['id']}/revoke/")
    assert response.status_code == 200
    assert response.json()["revoked_by"] == "advocate"
    assert response.json()["is_active"] is False
    assert detective.get(f"/api/v1/victims/{rose.pk}/").json()["field_groups"] == ["profile"]


def test_expiry_defaults_to_90_days(world, client_for):
    payload = consent_payload(world["rose"].pk)
    del payload["expires_on"]
    response = client_for("advocate").post("/api/v1/consents/", payload, content_type=JSON)
    assert response.status_code == 201
    assert response.json()["expires_on"] == (timezone.localdate() + timedelta(days=90)).isoformat()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"field_groups": ["notes"]}, "field_groups"),
        ({"field_groups": ["shoe_size"]}, "field_groups"),
        ({"field_groups": []}, "field_groups"),
        ({"expires_on": (timezone.localdate() + timedelta(days=400)).isoformat()}, "expires_on"),
        ({"expires_on": (timezone.localdate() - timedelta(days=1)).isoformat()}, "expires_on"),
        ({"recipient_agency": "safe-harbor"}, "recipient_agency"),
        ({"recipient_agency": "nowhere"}, "recipient_agency"),
        ({"purpose": "  "}, "purpose"),
        ({"victim": 999999}, "victim"),
        ({"revoked_at": None}, "revoked_at"),
    ],
)
def test_consent_validation_errors_are_400_and_save_nothing(world, client_for, overrides, field):
    response = client_for("advocate").post(
        "/api/v1/consents/", consent_payload(world["rose"].pk, **overrides), content_type=JSON
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not Consent.objects.exists()


def test_only_the_owner_agency_records_lists_and_revokes_consents(world, personas, client_for):
    rose = world["rose"]
    # The detective sees Rose's profile but may not consent on her behalf.
    response = client_for("detective").post(
        "/api/v1/consents/", consent_payload(rose.pk, recipient_agency="hsi"), content_type=JSON
    )
    assert response.status_code == 403
    consent = services.consent_create(
        victim=rose,
        actor=personas["advocate"],
        recipient_agency=personas["detective"].agency,
        field_groups=["contact"],
        purpose="Safety check",
    )
    assert [row["id"] for row in client_for("supervisor").get("/api/v1/consents/").json()["results"]] == [consent.pk]
    for username in ("detective", "analyst", "volunteer", "advocate2"):
        client = client_for(username)
        assert client.get("/api/v1/consents/").json()["results"] == [], username
        assert client.get(f"/api/v1/consents/{consent.pk}/").status_code == 404, username
        assert client.post(f"/api/v1/consents/{consent.pk}/revoke/").status_code == 404, username
    consent.refresh_from_db()
    assert consent.revoked_at is None


def test_service_events_list_and_create(world, personas, client_for):
    rose = world["rose"]
    advocate = client_for("advocate")
    response = advocate.post(
        "/api/v1/services/",
        {"victim": rose.pk, "delivered_on": timezone.localdate().isoformat(), "service_type": "counseling"},
        content_type=JSON,
    )
    assert response.status_code == 201
    assert response.json()["providing_agency"] == "safe-harbor"
    assert [row["victim"] for row in advocate.get("/api/v1/services/").json()["results"]] == [rose.pk]
    assert advocate.get(f"/api/v1/victims/{rose.pk}/").json()["services"][0]["service_type"] == "counseling"
    # The detective sees Rose's profile, but her services only with consent.
    assert client_for("detective").get("/api/v1/services/").json()["results"] == []
    response = client_for("detective").post(
        "/api/v1/services/",
        {"victim": rose.pk, "delivered_on": timezone.localdate().isoformat(), "service_type": "transportation"},
        content_type=JSON,
    )
    assert response.status_code == 403
    assert response.json()["groups"] == ["services"]
    assert ServiceEvent.objects.count() == 1


def test_service_event_validation(world, client_for):
    advocate = client_for("advocate")
    today = timezone.localdate().isoformat()
    rose = world["rose"]
    assert (
        advocate.post(
            "/api/v1/services/", {"victim": rose.pk, "delivered_on": today, "service_type": "bogus"}, content_type=JSON
        ).status_code
        == 400
    )
    assert (
        advocate.post(
            "/api/v1/services/",
            {"victim": rose.pk, "delivered_on": today, "service_type": "counseling", "providing_agency": 1},
            content_type=JSON,
        ).status_code
        == 400
    )
    assert not ServiceEvent.objects.exists()
