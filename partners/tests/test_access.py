"""Who may act on which account: agency administrators stop at task-force-wide accounts."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from rest_framework.authtoken.models import Token

from partners import access, services
from partners.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def bayview_admin(personas):
    return services.user_create(
        actor=personas["tfadmin"],
        agency=personas["detective"].agency,
        username="bayview-admin",
        email="admin@bayview-pd.example.org",
        roles=[Role.AGENCY_ADMIN],
    )


def test_agency_admin_manages_ordinary_members_of_the_agency(personas, bayview_admin):
    assert access.can_manage_person(bayview_admin, personas["detective"])


def test_agency_admin_does_not_manage_a_taskforce_wide_account_placed_in_the_agency(personas, bayview_admin):
    analyst = personas["analyst"]  # analyst role, placed at bayview-pd
    assert analyst.agency == bayview_admin.agency
    assert not access.can_manage_person(bayview_admin, analyst)
    with pytest.raises(PermissionDenied):
        services.user_deactivate(user=analyst, actor=bayview_admin)
    with pytest.raises(PermissionDenied):
        services.user_set_roles(user=analyst, roles=[Role.ANALYST, Role.INVESTIGATOR], actor=bayview_admin)
    with pytest.raises(PermissionDenied):
        services.account_unlock(username=analyst.username, actor=bayview_admin)
    analyst.refresh_from_db()
    assert analyst.is_active
    assert analyst.role_names() == {Role.ANALYST}


def test_the_people_page_refuses_actions_on_a_taskforce_wide_account(personas, bayview_admin):
    from django.test import Client

    from conftest import sign_in_verified

    client = sign_in_verified(Client(), bayview_admin)
    response = client.post(f"/people/{personas['analyst'].pk}/deactivate/")
    assert response.status_code == 403
    personas["analyst"].refresh_from_db()
    assert personas["analyst"].is_active


def test_taskforce_admin_manages_everyone(personas):
    assert all(access.can_manage_person(personas["tfadmin"], person) for person in personas.values())


def test_deactivation_revokes_api_tokens(personas):
    Token.objects.create(user=personas["agent"])
    services.user_deactivate(user=personas["agent"], actor=personas["tfadmin"])
    assert not Token.objects.filter(user=personas["agent"]).exists()
