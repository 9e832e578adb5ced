"""Survivors through the API: create, patch, 400/403/404, notes, access log and access-log entries."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cases import services
from cases.models import AccessLogEntry, AccessLogVictim, Victim
from cases.tests import api_world
from cases.tests.api_world import TODAY

world = api_world.world

pytestmark = pytest.mark.django_db


def test_advocate_creates_a_survivor_with_only_pseudonym_and_trafficking_type(client_for):
    client = client_for("advocate")
    response = client.post(
        "/api/v1/victims/", {"pseudonym": "Iris", "trafficking_type": "labor"}, content_type="application/json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["owner_agency"] == "safe-harbor"
    assert body["field_groups"] == ["contact", "identity", "immigration", "notes", "profile", "services"]
    assert body["withheld"] == []
    assert body["pseudonym"] == "Iris"
    assert body["services"] == []
    assert "notes" not in body
    assert Victim.objects.get(pk=body["id"]).created_by.username == "advocate"


def test_create_refuses_unknown_and_derived_fields(client_for):
    response = client_for("advocate").post(
        "/api/v1/victims/",
        {"pseudonym": "Iris", "trafficking_type": "labor", "age_group": "adult", "owner_agency": 3},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"age_group", "owner_agency"}
    assert not Victim.objects.filter(pseudonym="Iris").exists()


def test_roles_without_the_capability_may_not_create_survivors(client_for):
    for username in ("analyst", "volunteer", "auditor"):
        response = client_for(username).post(
            "/api/v1/victims/", {"pseudonym": "Iris", "trafficking_type": "labor"}, content_type="application/json"
        )
        assert response.status_code == 403, username
    assert not Victim.objects.filter(pseudonym="Iris").exists()


def test_detective_retrieves_only_the_shared_profile(world, client_for):
    response = client_for("detective").get(f"/api/v1/victims/{world['rose'].pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["field_groups"] == ["profile"]
    withheld = {row["group"]: row for row in body["withheld"]}
    assert withheld["identity"]["code"] == "consent"
    assert withheld["identity"]["reason"].startswith("Shared only with the survivor's written consent")
    assert withheld["notes"]["code"] == "owner_only"
    assert "legal_name" not in body
    assert "services" not in body
    assert body["pseudonym"] == "Rose"


def test_patch_outside_the_writable_groups_is_403_naming_them_and_changes_nothing(world, client_for):
    rose = world["rose"]
    response = client_for("detective").patch(
        f"/api/v1/victims/{rose.pk}/", {"pseudonym": "X", "phone": "1"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["groups"] == ["contact", "profile"]
    rose.refresh_from_db()
    assert (rose.pseudonym, rose.phone) == ("Rose", "555-0142")


def test_patch_by_the_owner_changes_and_logs_pii_read(world, client_for):
    rose = world["rose"]
    response = client_for("advocate").patch(
        f"/api/v1/victims/{rose.pk}/",
        {"phone": "555-0199", "date_of_birth": "2010-01-01"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["phone"] == "555-0199"
    assert response.json()["age_group"] == "minor"  # derived again by the service
    rose.refresh_from_db()
    assert rose.phone == "555-0199"


def test_patch_with_unknown_or_invalid_fields_is_400(world, client_for):
    client, rose = client_for("advocate"), world["rose"]
    response = client.patch(f"/api/v1/victims/{rose.pk}/", {"shoe_size": 9}, content_type="application/json")
    assert response.status_code == 400
    assert "shoe_size" in response.json()
    response = client.patch(f"/api/v1/victims/{rose.pk}/", {"email": "not-an-email"}, content_type="application/json")
    assert response.status_code == 400
    assert "email" in response.json()


def test_a_survivor_you_cannot_see_is_404_for_read_and_write(world, client_for):
    rose = world["rose"]
    for username in ("detective2", "advocate2", "tfadmin"):
        client = client_for(username)
        assert client.get(f"/api/v1/victims/{rose.pk}/").status_code == 404
        assert (
            client.patch(f"/api/v1/victims/{rose.pk}/", {"pseudonym": "X"}, content_type="application/json").status_code
            == 404
        )
    assert client_for("advocate").get("/api/v1/victims/999999/").status_code == 404
    assert client_for("advocate").get("/api/v1/victims/abc/").status_code == 404


def test_notes_owner_reads_and_writes_others_get_403_or_404(world, client_for):
    rose = world["rose"]
    url = f"/api/v1/victims/{rose.pk}/notes/"
    advocate = client_for("advocate")
    response = advocate.post(url, {"body": "Safety plan updated."}, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["author"] == "advocate"
    response = advocate.get(url)
    assert response.status_code == 200
    assert [row["body"] for row in response.json()["results"]] == [
        "Safety plan updated.",
        "Told me about the night shift.",
    ]
    # Visible survivor, but the notes never leave Safe Harbor.
    detective = client_for("detective")
    assert detective.get(url).status_code == 403
    assert detective.post(url, {"body": "x"}, content_type="application/json").status_code == 403
    # Not visible at all.
    assert client_for("agent").get(url).status_code == 404
    assert client_for("volunteer").get(url).status_code == 404


def test_note_with_unknown_fields_or_empty_body_is_400(world, client_for):
    url = f"/api/v1/victims/{world['rose'].pk}/notes/"
    advocate = client_for("advocate")
    assert advocate.post(url, {"body": "x", "agency": 1}, content_type="application/json").status_code == 400
    assert advocate.post(url, {"body": "   "}, content_type="application/json").status_code == 400


def test_one_access_log_entry_per_request_with_opaque_ids(world, personas, client_for):
    advocate = personas["advocate"]
    for index in range(3):
        services.victim_create(actor=advocate, pseudonym=f"P{index}", trafficking_type="labor", phone="555")
    client = client_for("advocate")
    AccessLogEntry.objects.all().delete()

    response = client.get("/api/v1/victims/?page_size=10&x=1")
    assert response.status_code == 200

    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.method, entry.path) == (advocate, "GET", "/api/v1/victims/")
    assert entry.field_groups == ["contact", "identity", "immigration", "notes"]
    assert AccessLogVictim.objects.filter(entry=entry).count() == 4
    assert "Maria" not in str(entry.__dict__)


def test_a_profile_only_read_writes_no_access_log(world, client_for):
    AccessLogEntry.objects.all().delete()
    assert client_for("detective").get(f"/api/v1/victims/{world['rose'].pk}/").status_code == 200
    assert client_for("detective").get("/api/v1/victims/").status_code == 200
    assert not AccessLogEntry.objects.exists()


def test_access_log_is_for_the_owner_and_shows_the_detectives_read_after_consent(world, personas, client_for):
    rose, advocate, detective = world["rose"], personas["advocate"], personas["detective"]
    services.consent_create(
        victim=rose,
        actor=advocate,
        recipient_agency=detective.agency,
        field_groups=["identity"],
        purpose="Investigation",
        expires_on=TODAY + timedelta(days=30),
    )
    assert client_for("detective").get(f"/api/v1/victims/{rose.pk}/").json()["legal_name"] == "Maria Example"

    url = f"/api/v1/victims/{rose.pk}/access-log/"
    response = client_for("advocate").get(url)
    assert response.status_code == 200
    reads = response.json()["reads"]
    assert [(row["user"], row["agency"], row["field_groups"], row["path"]) for row in reads] == [
        ("detective", "bayview-pd", ["identity"], f"/api/v1/victims/{rose.pk}/")
    ]
    disclosures = {
        (row["recipient_agency"], row["field_group"], row["basis"]) for row in response.json()["disclosures"]
    }
    assert disclosures == {("bayview-pd", "profile", "agreement"), ("bayview-pd", "identity", "consent")}
    assert client_for("detective").get(url).status_code == 403
    assert client_for("agent").get(url).status_code == 404


def test_a_write_with_an_api_token_is_audited_under_its_person(personas):
    from auditlog.models import LogEntry
    from django.test import Client
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=personas["advocate"])
    response = Client().post(
        "/api/v1/victims/",
        {"pseudonym": "Iris", "trafficking_type": "labor"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token.key}",
    )
    assert response.status_code == 201
    victim = Victim.objects.get(pk=response.json()["id"])
    entry = LogEntry.objects.get_for_object(victim).get(action=LogEntry.Action.CREATE)
    assert entry.actor == personas["advocate"]
