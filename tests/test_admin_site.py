"""Django admin is for verified task force administrators only, and writes through services."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from partners.models import Agency

pytestmark = pytest.mark.django_db


def test_anonymous_admin_visitors_go_to_the_one_sign_in_page(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/sign-in/")


@pytest.mark.parametrize("username", ["advocate", "detective", "supervisor", "analyst", "auditor", "volunteer"])
def test_admin_refuses_everyone_but_the_taskforce_admin(client_for, username):
    response = client_for(username).get("/admin/", follow=True)
    assert response.status_code == 403


def test_admin_refuses_a_taskforce_admin_without_mfa(personas):
    client = Client()
    client.force_login(personas["tfadmin"])
    response = client.get("/admin/", follow=True)
    # The MFA gate catches the login redirect first: enrol or verify before anything else.
    assert response.redirect_chain[-1][0].startswith("/accounts/mfa/")


def test_taskforce_admin_reaches_the_admin(client_for):
    response = client_for("tfadmin").get("/admin/")
    assert response.status_code == 200
    assert b"Agencies" in response.content


def test_admin_creates_an_agency_with_its_group(client_for):
    client = client_for("tfadmin")
    response = client.post(
        "/admin/partners/agency/add/",
        {
            "name": "Harbor Shelter",
            "slug": "harbor-shelter",
            "kind": "shelter",
            "jurisdiction": "Bayview County",
            "services_offered": '["emergency_shelter"]',
            "languages": '["en"]',
            "eligibility_notes": "",
            "website": "",
            "active": "on",
            "contacts-TOTAL_FORMS": "0",
            "contacts-INITIAL_FORMS": "0",
            "contacts-MIN_NUM_FORMS": "0",
            "contacts-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    agency = Agency.objects.get(slug="harbor-shelter")
    assert agency.group == Group.objects.get(name="agency:harbor-shelter")
    assert agency.sector == "victim_services"


def test_agencies_cannot_be_deleted_in_the_admin(client_for, personas):
    agency = personas["advocate"].agency
    response = client_for("tfadmin").post(f"/admin/partners/agency/{agency.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Agency.objects.filter(pk=agency.pk).exists()


def test_the_taskforce_admin_adds_a_committee_through_the_services(client_for, personas):
    from partners.operations.models import Committee

    client = client_for("tfadmin")
    response = client.post(
        "/admin/partners/committee/add/",
        {
            "name": "Labor trafficking working group",
            "kind": "other",
            "chair": personas["agent"].pk,
            "members": [personas["detective"].pk],
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    committee = Committee.objects.get(name="Labor trafficking working group")
    # The service adds the chair to the members.
    assert set(committee.members.values_list("username", flat=True)) == {"agent", "detective"}
    assert client_for("advocate").get("/admin/partners/committee/", follow=True).status_code == 403
