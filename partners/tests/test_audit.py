"""The audit log knows who did it: for browser, API-token and management-command writes."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from partners import services
from partners.models import Agency, AgencyContact, User, UserSession
from partners.roles import AgencyKind
from taskforce.audit import audit_actor

pytestmark = pytest.mark.django_db


def entries_for(obj: object) -> list[LogEntry]:
    return list(LogEntry.objects.get_for_object(obj).select_related("actor").order_by("pk"))


def entries_since(obj: object, last_pk: int) -> list[LogEntry]:
    return [entry for entry in entries_for(obj) if entry.pk > last_pk]


def last_entry_pk() -> int:
    return LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


# --- (a) browser writes -------------------------------------------------------------
def test_a_role_change_on_the_people_page_is_logged_with_the_administrator(personas, client_for):
    volunteer = personas["volunteer"]
    mark = last_entry_pk()

    response = client_for("tfadmin").post(f"/people/{volunteer.pk}/", {"roles": ["volunteer", "advocate"]})

    assert response.status_code == 302
    entries = entries_since(volunteer, mark)
    roles = [entry for entry in entries if "roles" in entry.changes_dict]
    groups = [entry for entry in entries if "groups" in entry.changes_dict]
    assert [(entry.actor, entry.changes_dict["roles"]) for entry in roles] == [
        (personas["tfadmin"], [[], ["advocate"]])
    ]
    assert [
        (entry.actor, entry.changes_dict["groups"]["operation"], entry.changes_dict["groups"]["objects"])
        for entry in groups
    ] == [(personas["tfadmin"], "add", ["role:advocate"])]


def test_a_removed_role_is_logged_as_removed(personas, client_for):
    supervisor = personas["supervisor"]
    mark = last_entry_pk()

    client_for("tfadmin").post(f"/people/{supervisor.pk}/", {"roles": ["advocate"]})

    entries = entries_since(supervisor, mark)
    assert [entry.changes_dict["roles"] for entry in entries if "roles" in entry.changes_dict] == [[["supervisor"], []]]
    assert [
        (entry.changes_dict["groups"]["operation"], entry.changes_dict["groups"]["objects"])
        for entry in entries
        if "groups" in entry.changes_dict
    ] == [("delete", ["role:supervisor"])]
    assert {entry.actor for entry in entries} == {personas["tfadmin"]}


def test_a_deactivation_on_the_people_page_is_logged_with_the_administrator(personas, client_for):
    volunteer = personas["volunteer"]
    mark = last_entry_pk()

    response = client_for("tfadmin").post(f"/people/{volunteer.pk}/deactivate/")

    assert response.status_code == 302
    assert [(entry.actor, entry.changes_dict) for entry in entries_since(volunteer, mark)] == [
        (personas["tfadmin"], {"is_active": ["True", "False"]})
    ]


# --- (b) API-token writes -----------------------------------------------------------
def test_an_api_token_write_is_logged_with_the_token_holder(personas):
    out = StringIO()
    call_command("api_token", "detective", stdout=out)
    detective = personas["detective"]
    mark = last_entry_pk()

    # No session at all: the actor can only come from the token.
    response = Client().patch(
        "/api/v1/me/",
        {"title": "Sergeant"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {out.getvalue().strip()}",
    )

    assert response.status_code == 200
    assert [(entry.actor, entry.changes_dict) for entry in entries_since(detective, mark)] == [
        (detective, {"title": ["Detective", "Sergeant"]})
    ]


def test_a_session_api_write_is_logged_with_the_signed_in_person(personas, client_for):
    advocate = personas["advocate"]
    mark = last_entry_pk()

    response = client_for("advocate").patch("/api/v1/me/", {"phone": "555-0142"}, content_type="application/json")

    assert response.status_code == 200
    assert [(entry.actor, entry.changes_dict) for entry in entries_since(advocate, mark)] == [
        (advocate, {"phone": ["", "555-0142"]})
    ]


# --- (c) management-command writes --------------------------------------------------
def test_deactivate_user_is_logged_with_the_actor(personas, client_for):
    volunteer = personas["volunteer"]
    client_for("volunteer")  # an open session that must end
    mark = last_entry_pk()

    call_command("deactivate_user", "volunteer", actor="tfadmin", stdout=StringIO())

    volunteer.refresh_from_db()
    assert not volunteer.is_active
    assert not UserSession.objects.filter(user=volunteer).exists()
    assert [(entry.actor, entry.changes_dict) for entry in entries_since(volunteer, mark)] == [
        (personas["tfadmin"], {"is_active": ["True", "False"]})
    ]


def test_deactivate_user_requires_an_actor(personas):
    with pytest.raises(CommandError, match="actor"):
        call_command("deactivate_user", "volunteer", stdout=StringIO())
    assert User.objects.get(username="volunteer").is_active


@pytest.mark.parametrize(
    ("username", "actor", "message"),
    [
        ("nobody", "tfadmin", "No user named 'nobody'"),
        ("volunteer", "nobody", "No active user named 'nobody'"),
        # Only administrators deactivate accounts, and an agency's own only for its agency.
        ("volunteer", "advocate", "may not deactivate"),
        ("tfadmin", "tfadmin", "cannot deactivate your own account"),
    ],
)
def test_deactivate_user_refuses(personas, username, actor, message):
    with pytest.raises(CommandError, match=message):
        call_command("deactivate_user", username, actor=actor, stdout=StringIO())
    assert User.objects.filter(is_active=False).count() == 0


def test_deactivate_user_on_an_inactive_account_changes_nothing(personas):
    call_command("deactivate_user", "volunteer", actor="tfadmin", stdout=StringIO())
    mark = last_entry_pk()
    out = StringIO()

    call_command("deactivate_user", "volunteer", actor="tfadmin", stdout=out)

    assert "already deactivated" in out.getvalue()
    assert last_entry_pk() == mark


# --- What is and is not in the log --------------------------------------------------
def test_services_log_roles_agency_and_group_membership(personas):
    advocate, tfadmin = personas["advocate"], personas["tfadmin"]
    safe_harbor, comunidad = Agency.objects.get(slug="safe-harbor"), Agency.objects.get(slug="comunidad")
    mark = last_entry_pk()

    with audit_actor(tfadmin):
        services.user_set_roles(user=advocate, roles=["advocate", "supervisor"], actor=tfadmin)
        services.user_move_agency(user=advocate, agency=comunidad, actor=tfadmin)

    entries = entries_since(advocate, mark)
    assert {entry.actor for entry in entries} == {tfadmin}
    changes = [entry.changes_dict for entry in entries]
    assert {"roles": [[], ["supervisor"]]} in changes
    assert {"agency": [str(safe_harbor.pk), str(comunidad.pk)]} in changes
    assert sorted(
        (change["groups"]["operation"], sorted(change["groups"]["objects"])) for change in changes if "groups" in change
    ) == [("add", ["agency:comunidad"]), ("add", ["role:supervisor"]), ("delete", ["agency:safe-harbor"])]


def test_the_user_log_never_holds_the_password_hash(personas, settings):
    # A fast hasher: what matters is whether the hash reaches the log, not how slow it is.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    tfadmin = personas["tfadmin"]
    with audit_actor(tfadmin):
        person = services.user_create(
            actor=tfadmin,
            agency=Agency.objects.get(slug="hsi"),
            username="newagent",
            email="newagent@hsi.example.org",
            roles=["investigator"],
            password="a long enough passphrase 42",
        )
        services.user_set_password(user=person, new_password="another long passphrase 43", actor=person)
    person.refresh_from_db()
    assert person.password.startswith("md5$")

    logged = [entry for entry in LogEntry.objects.filter(content_type__model="user")]
    assert logged
    for entry in logged:
        assert "password" not in entry.changes_dict
        text = json.dumps([entry.changes, entry.changes_text, entry.serialized_data, entry.additional_data])
        assert person.password not in text
        assert "md5$" not in text
        assert "pbkdf2_sha256$" not in text
    # The password change itself is visible, as a time, not as the hash.
    assert any("password_changed_at" in entry.changes_dict for entry in entries_for(person))


def test_agency_create_update_and_contacts_are_logged(personas):
    tfadmin = personas["tfadmin"]

    with audit_actor(tfadmin):
        agency = services.agency_create(
            actor=tfadmin,
            name="Bayview Clinic",
            slug="bayview-clinic",
            kind=AgencyKind.HEALTH,
            services_offered=["medical"],
            languages=["en"],
        )
        services.agency_update(agency=agency, actor=tfadmin, name="Bayview Free Clinic", languages=["en", "es"])
        services.agency_contacts_set(agency=agency, actor=tfadmin, contacts=[{"name": "Dr. Lee", "phone": "555-0110"}])

    entries = entries_for(agency)
    assert [(entry.action, entry.actor) for entry in entries] == [
        (LogEntry.Action.CREATE, tfadmin),
        (LogEntry.Action.UPDATE, tfadmin),
    ]
    assert entries[0].changes_dict["name"] == ["None", "Bayview Clinic"]
    assert entries[1].changes_dict["name"] == ["Bayview Clinic", "Bayview Free Clinic"]
    assert "languages" in entries[1].changes_dict
    contact = AgencyContact.objects.get(agency=agency)
    assert [(entry.action, entry.actor) for entry in entries_for(contact)] == [(LogEntry.Action.CREATE, tfadmin)]
