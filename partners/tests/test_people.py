"""Account management: agency administrators for their agency, the task force administrator for all."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client

from conftest import sign_in_verified
from partners import services
from partners.models import Agency, RoleAssignment, User, UserSession

pytestmark = pytest.mark.django_db

SAFE_HARBOR_PEOPLE = {"advocate", "supervisor", "volunteer", "shadmin"}


@pytest.fixture
def agency_admin(personas: dict[str, User]) -> User:
    """An agency administrator of Safe Harbor, created the way the task force administrator would."""
    return services.user_create(
        actor=personas["tfadmin"],
        agency=Agency.objects.get(slug="safe-harbor"),
        username="shadmin",
        email="shadmin@safe-harbor.example.org",
        roles=["agency_admin"],
        first_name="Jo",
        last_name="Admin",
    )


@pytest.fixture
def agency_admin_client(agency_admin: User) -> Client:
    return sign_in_verified(Client(), agency_admin)


def usernames_listed(response) -> set[str]:
    return set(re.findall(r'<a href="/people/\d+/">([^<]+)</a>', response.content.decode()))


def group_names(user: User) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def roles_of(username: str) -> set[str]:
    return set(RoleAssignment.objects.filter(user__username=username).values_list("role", flat=True))


def new_person_form(agency: Agency, **overrides: object) -> dict[str, object]:
    return {
        "username": "newagent",
        "first_name": "Kim",
        "last_name": "Lo",
        "email": "newagent@hsi.example.org",
        "title": "Special agent",
        "agency": agency.pk,
        "roles": ["investigator"],
        **overrides,
    }


# --- Who sees whom -------------------------------------------------------------------
def test_an_agency_admin_lists_only_their_agencys_people(agency_admin_client):
    response = agency_admin_client.get("/people/")

    assert response.status_code == 200
    assert usernames_listed(response) == SAFE_HARBOR_PEOPLE


def test_an_agency_admin_cannot_filter_their_way_to_another_agency(agency_admin_client):
    response = agency_admin_client.get("/people/", {"agency": "bayview-pd"})

    assert usernames_listed(response) == SAFE_HARBOR_PEOPLE


def test_an_agency_admin_cannot_open_a_person_of_another_agency(agency_admin_client, personas):
    detective = personas["detective"]

    assert agency_admin_client.get(f"/people/{detective.pk}/").status_code == 404
    assert agency_admin_client.post(f"/people/{detective.pk}/", {"roles": ["advocate"]}).status_code == 404
    for action in ("deactivate", "end-sessions", "invite", "unlock"):
        assert agency_admin_client.post(f"/people/{detective.pk}/{action}/").status_code == 404
    assert User.objects.get(pk=detective.pk).is_active
    assert roles_of("detective") == {"investigator"}


def test_an_agency_admin_opens_a_person_of_their_agency(agency_admin_client, personas):
    response = agency_admin_client.get(f"/people/{personas['volunteer'].pk}/")

    assert response.status_code == 200
    assert b"volunteer@safe-harbor.example.org" in response.content


def test_the_taskforce_admin_lists_everyone_and_filters_by_agency(client_for, personas):
    client = client_for("tfadmin")

    everyone = client.get("/people/")
    bayview = client.get("/people/", {"agency": "bayview-pd"})

    assert usernames_listed(everyone) == set(personas)
    assert usernames_listed(bayview) == {"detective", "analyst"}


@pytest.mark.parametrize("username", ["advocate", "detective", "analyst", "auditor", "volunteer"])
def test_people_without_an_admin_role_get_403(client_for, personas, username):
    client = client_for(username)

    assert client.get("/people/").status_code == 403
    assert client.get("/people/new/").status_code == 403
    assert client.get(f"/people/{personas['volunteer'].pk}/").status_code == 403
    assert client.post(f"/people/{personas['volunteer'].pk}/deactivate/").status_code == 403
    assert User.objects.get(username="volunteer").is_active


# --- Roles ---------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["taskforce_admin", "analyst", "auditor"])
def test_an_agency_admin_cannot_grant_a_taskforce_wide_role(agency_admin_client, agency_admin, personas, role):
    volunteer = personas["volunteer"]

    response = agency_admin_client.post(f"/people/{volunteer.pk}/", {"roles": ["volunteer", role]})

    assert response.status_code == 400
    assert roles_of("volunteer") == {"volunteer"}
    # ... nor through the service, whatever form sent it
    with pytest.raises(PermissionDenied):
        services.user_set_roles(user=volunteer, roles=["volunteer", role], actor=agency_admin)
    assert roles_of("volunteer") == {"volunteer"}


@pytest.mark.parametrize("role", ["taskforce_admin", "analyst", "auditor"])
def test_an_agency_admin_cannot_create_a_person_with_a_taskforce_wide_role(agency_admin_client, role):
    safe_harbor = Agency.objects.get(slug="safe-harbor")

    response = agency_admin_client.post("/people/new/", new_person_form(safe_harbor, roles=[role]))

    assert response.status_code == 400
    assert not User.objects.filter(username="newagent").exists()


def test_an_agency_admin_cannot_create_a_person_in_another_agency(agency_admin_client):
    response = agency_admin_client.post("/people/new/", new_person_form(Agency.objects.get(slug="hsi")))

    assert response.status_code == 400
    assert not User.objects.filter(username="newagent").exists()


def test_an_agency_admin_grants_an_agency_role(agency_admin_client, personas):
    volunteer = personas["volunteer"]

    response = agency_admin_client.post(f"/people/{volunteer.pk}/", {"roles": ["volunteer", "advocate"]})

    assert response.status_code == 302
    assert roles_of("volunteer") == {"volunteer", "advocate"}


def test_changing_roles_ends_the_persons_sessions(client_for, personas):
    volunteer = personas["volunteer"]
    volunteer_client = client_for("volunteer")
    session_key = volunteer_client.session.session_key
    assert volunteer_client.get("/").status_code == 200

    client_for("tfadmin").post(f"/people/{volunteer.pk}/", {"roles": ["advocate"]})

    assert not Session.objects.filter(session_key=session_key).exists()
    assert not UserSession.objects.filter(user=volunteer).exists()
    response = volunteer_client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


def test_saving_the_same_roles_keeps_the_sessions(client_for, personas):
    volunteer = personas["volunteer"]
    volunteer_client = client_for("volunteer")

    client_for("tfadmin").post(f"/people/{volunteer.pk}/", {"roles": ["volunteer"]})

    assert volunteer_client.get("/").status_code == 200


def test_the_taskforce_admin_cannot_drop_their_own_admin_role(client_for, personas):
    tfadmin = personas["tfadmin"]

    response = client_for("tfadmin").post(f"/people/{tfadmin.pk}/", {"roles": ["analyst"]})

    assert response.status_code == 400
    assert roles_of("tfadmin") == {"taskforce_admin"}


# --- Creating people -----------------------------------------------------------------
def test_creating_a_person_invites_them(client_for, django_capture_on_commit_callbacks):
    hsi = Agency.objects.get(slug="hsi")

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("tfadmin").post("/people/new/", new_person_form(hsi))

    person = User.objects.get(username="newagent")
    assert response.status_code == 302
    assert response["Location"] == f"/people/{person.pk}/"
    assert (person.agency, person.email, person.first_name, person.title) == (
        hsi,
        "newagent@hsi.example.org",
        "Kim",
        "Special agent",
    )
    assert not person.has_usable_password()
    assert roles_of("newagent") == {"investigator"}
    assert group_names(person) == {"agency:hsi", "role:investigator"}
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["newagent@hsi.example.org"]
    link = re.search(r"http://testserver(/accounts/activate/[^/\s]+/[^/\s]+/)", str(mail.outbox[0].body))
    assert link, mail.outbox[0].body
    # The link opens the page to set the first password.
    activation = Client().get(link.group(1))
    assert activation.status_code == 200


def test_an_agency_admin_creates_a_person_of_their_agency(agency_admin_client, django_capture_on_commit_callbacks):
    safe_harbor = Agency.objects.get(slug="safe-harbor")

    with django_capture_on_commit_callbacks(execute=True):
        response = agency_admin_client.post(
            "/people/new/", new_person_form(safe_harbor, roles=["advocate", "supervisor"])
        )

    assert response.status_code == 302
    person = User.objects.get(username="newagent")
    assert group_names(person) == {"agency:safe-harbor", "role:advocate", "role:supervisor"}
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("username", ["advocate", "ADVOCATE"])
def test_a_duplicate_username_is_a_form_error(client_for, django_capture_on_commit_callbacks, username):
    users_before = User.objects.count()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_for("tfadmin").post(
            "/people/new/", new_person_form(Agency.objects.get(slug="hsi"), username=username)
        )

    assert response.status_code == 400
    assert b"That username is taken." in response.content
    assert User.objects.count() == users_before
    assert callbacks == []
    assert mail.outbox == []


# --- Deactivation --------------------------------------------------------------------
def test_deactivate_and_reactivate(client_for, personas):
    volunteer = personas["volunteer"]
    volunteer_client = client_for("volunteer")
    admin = client_for("tfadmin")

    assert admin.post(f"/people/{volunteer.pk}/deactivate/").status_code == 302
    volunteer.refresh_from_db()
    assert not volunteer.is_active
    assert volunteer_client.get("/").status_code == 302  # signed out everywhere

    assert admin.post(f"/people/{volunteer.pk}/reactivate/").status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.is_active


def test_an_agency_admin_deactivates_a_person_of_their_agency(agency_admin_client, personas):
    assert agency_admin_client.post(f"/people/{personas['volunteer'].pk}/deactivate/").status_code == 302

    assert not User.objects.get(username="volunteer").is_active


def test_nobody_deactivates_themselves(client_for, personas, agency_admin, agency_admin_client):
    tfadmin = personas["tfadmin"]

    tf_response = client_for("tfadmin").post(f"/people/{tfadmin.pk}/deactivate/", follow=True)
    own_response = agency_admin_client.post(f"/people/{agency_admin.pk}/deactivate/", follow=True)

    assert User.objects.get(pk=tfadmin.pk).is_active
    assert User.objects.get(pk=agency_admin.pk).is_active
    assert b"You cannot deactivate your own account." in tf_response.content
    assert b"You cannot deactivate your own account." in own_response.content


def test_actions_answer_only_to_post_and_known_names(client_for, personas):
    client = client_for("tfadmin")
    volunteer = personas["volunteer"]

    assert client.get(f"/people/{volunteer.pk}/deactivate/").status_code == 405
    assert client.post(f"/people/{volunteer.pk}/promote/").status_code == 404
    assert User.objects.get(pk=volunteer.pk).is_active


# --- Groups stay in sync -------------------------------------------------------------
def test_user_set_roles_keeps_groups_in_sync(personas):
    advocate, tfadmin = personas["advocate"], personas["tfadmin"]
    # a stray membership that nothing in the role model explains
    advocate.groups.add(Group.objects.get(name="agency:bayview-pd"))

    services.user_set_roles(user=advocate, roles=["advocate", "supervisor"], actor=tfadmin)

    assert group_names(advocate) == {"agency:safe-harbor", "role:advocate", "role:supervisor"}

    services.user_set_roles(user=advocate, roles=["volunteer"], actor=tfadmin)

    assert group_names(User.objects.get(pk=advocate.pk)) == {"agency:safe-harbor", "role:volunteer"}
    assert roles_of("advocate") == {"volunteer"}


def test_user_move_agency_keeps_groups_in_sync(personas):
    supervisor, tfadmin = personas["supervisor"], personas["tfadmin"]

    services.user_move_agency(user=supervisor, agency=Agency.objects.get(slug="comunidad"), actor=tfadmin)

    moved = User.objects.get(pk=supervisor.pk)
    assert moved.agency.slug == "comunidad"
    assert group_names(moved) == {"agency:comunidad", "role:advocate", "role:supervisor"}


def test_only_the_taskforce_admin_moves_people_between_agencies(personas, agency_admin):
    with pytest.raises(PermissionDenied):
        services.user_move_agency(
            user=personas["volunteer"], agency=Agency.objects.get(slug="comunidad"), actor=agency_admin
        )
    assert User.objects.get(username="volunteer").agency.slug == "safe-harbor"
