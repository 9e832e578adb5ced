"""The sharing-agreement pages: the owner's agency administrator sets them; the rules are the service's."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from cases import access, services
from cases.models import Victim
from conftest import sign_in_verified
from partners import services as partner_services
from partners.models import SharingAgreement, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def safe_harbor_admin(personas: dict[str, User]) -> User:
    return partner_services.user_create(
        actor=None,
        agency=personas["advocate"].agency,
        username="sh-admin",
        email="sh-admin@safe-harbor.example.org",
        roles=["agency_admin"],
    )


@pytest.fixture
def admin_client(safe_harbor_admin: User) -> Client:
    return sign_in_verified(Client(), safe_harbor_admin)


def edit_url(slug: str) -> str:
    return reverse("agreement_edit", args=[slug])


def test_the_agency_admin_sets_profile_sharing_with_a_police_department(personas, admin_client):
    # given Safe Harbor's administrator on the agreement form
    bayview = personas["detective"].agency
    page = admin_client.get(edit_url("safe-harbor"))
    assert page.status_code == 200
    assert "confidentiality-covered" in page.content.decode()

    # when they share the profile with Bayview PD
    response = admin_client.post(
        edit_url("safe-harbor"), {"partner": "bayview-pd", "victim_groups": ["profile"], "active": "on"}
    )

    # then the agreement is stored, by them, and listed as given
    assert response.status_code == 302
    agreement = SharingAgreement.objects.get(owner__slug="safe-harbor", partner=bayview)
    assert (agreement.victim_groups, agreement.case_groups, agreement.active) == (["profile"], [], True)
    assert agreement.updated_by is not None
    assert agreement.updated_by.username == "sh-admin"
    listing = admin_client.get(response["Location"]).content.decode()
    assert "Bayview Police Department" in listing


def test_sharing_identity_by_agreement_is_refused_and_nothing_is_stored(personas, admin_client):
    response = admin_client.post(
        edit_url("safe-harbor"),
        {"partner": "bayview-pd", "victim_groups": ["profile", "identity"], "active": "on"},
    )

    assert response.status_code == 400
    assert "only with the survivor&#x27;s written consent, never by agreement" in response.content.decode()
    assert not SharingAgreement.objects.filter(owner__slug="safe-harbor").exists()


def test_notes_are_not_even_offered(personas, admin_client):
    response = admin_client.post(edit_url("safe-harbor"), {"partner": "bayview-pd", "victim_groups": ["notes"]})

    assert response.status_code == 400
    assert not SharingAgreement.objects.exists()


@pytest.mark.parametrize("username", ["advocate", "detective", "analyst", "auditor"])
def test_people_who_are_not_the_owners_administrator_get_403(personas, client_for, username):
    client = client_for(username)
    assert client.get(edit_url("safe-harbor")).status_code == 403
    assert (
        client.post(edit_url("safe-harbor"), {"partner": "bayview-pd", "victim_groups": ["profile"]}).status_code == 403
    )
    assert client.get(reverse("agreements") + "?agency=safe-harbor").status_code == 403
    assert not SharingAgreement.objects.exists()


def test_an_agency_admin_manages_only_their_own_agency(personas, admin_client):
    assert admin_client.get(edit_url("bayview-pd")).status_code == 403
    assert admin_client.get(reverse("agreements") + "?agency=bayview-pd").status_code == 403
    assert admin_client.get(reverse("agreements")).status_code == 200


def test_the_task_force_admin_sees_any_agencys_agreements_given_and_received(personas, client_for):
    tfadmin = personas["tfadmin"]
    services.sharing_agreement_set(
        owner=personas["detective"].agency,
        partner=personas["prosecutor"].agency,
        actor=tfadmin,
        victim_groups=["profile", "identity"],
        case_groups=["investigation", "prosecution"],
    )
    client = client_for("tfadmin")

    given = client.get(reverse("agreements") + "?agency=bayview-pd").content.decode()
    received = client.get(reverse("agreements") + "?agency=county-da").content.decode()

    assert "Bayview County District Attorney" in given
    assert "Identity" in given
    assert "Bayview Police Department" in received


def test_setting_an_agreement_recomputes_grants_on_the_shared_cases_survivors(personas, admin_client):
    # given Safe Harbor's survivor on a Bayview case, with no agreement yet
    advocate, detective = personas["advocate"], personas["detective"]
    case = services.case_create(actor=detective, title="Harbor Street massage businesses", trafficking_type="sex")
    victim = services.victim_create(actor=advocate, pseudonym="Rose", trafficking_type="sex", legal_name="R. Example")
    services.case_link_victim(case=case, victim=victim, actor=advocate)
    victim = Victim.objects.select_related("owner_agency").get(pk=victim.pk)
    assert access.victim_access(detective, victim).readable == set()

    # when Safe Harbor's administrator shares the profile with Bayview PD
    admin_client.post(edit_url("safe-harbor"), {"partner": "bayview-pd", "victim_groups": ["profile"], "active": "on"})

    # then the detective reads the profile at once, and nothing more
    assert access.victim_access(detective, victim).readable == {"profile"}

    # and when the agreement is suspended, the profile goes again
    admin_client.post(edit_url("safe-harbor"), {"partner": "bayview-pd", "victim_groups": ["profile"]})
    assert access.victim_access(detective, victim).readable == set()


def test_the_form_is_prefilled_from_the_existing_agreement(personas, admin_client):
    services.sharing_agreement_set(
        owner=personas["advocate"].agency,
        partner=personas["agent"].agency,
        actor=personas["tfadmin"],
        victim_groups=["profile"],
    )

    page = admin_client.get(edit_url("safe-harbor") + "?partner=hsi").content.decode()

    assert 'value="profile" id="id_victim_groups_0" checked' in page
