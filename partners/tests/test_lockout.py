"""Lockout (A5): five consecutive failures lock a username until an
administrator unlocks it; the lock and the unlock are audited."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client

from partners import services
from partners.models import Agency, SecurityEvent, SecurityEventKind
from partners.roles import Role

SIGN_IN = "/accounts/sign-in/"
WRONG = "wrong-password-guess"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def attempt(username: str, password: str, *, client: Client | None = None, address: str = "127.0.0.1"):
    return (client or Client()).post(
        SIGN_IN, {"username": username, "password": password, "acknowledge": "on"}, REMOTE_ADDR=address
    )


def fail(username: str, times: int) -> None:
    for _ in range(times):
        assert attempt(username, WRONG).status_code in (400, 429)


def without_csrf_tokens(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_five_bad_passwords_lock_the_username_even_for_the_right_password(demo_password):
    # given
    fail("advocate", 5)

    # when: the right password, from this address and from another
    client = Client()
    here = attempt("advocate", demo_password, client=client)
    elsewhere = attempt("advocate", demo_password, address="198.51.100.20")

    # then: the lock is on the username, not the address
    assert here.status_code == elsewhere.status_code == 429
    assert "This account is locked" in here.content.decode()
    assert SESSION_KEY not in client.session


def test_the_fifth_failure_writes_one_lockout_event(personas):
    # given
    fail("advocate", 4)
    assert not SecurityEvent.objects.filter(kind=SecurityEventKind.LOCKOUT).exists()

    # when
    response = attempt("advocate", WRONG)

    # then
    assert response.status_code == 429
    [event] = SecurityEvent.objects.filter(kind=SecurityEventKind.LOCKOUT)
    assert (event.user, event.username) == (personas["advocate"], "advocate")


def test_an_unknown_username_locks_the_same_way(demo_password):
    # given
    fail("advocate", 5)
    fail("no-such-person", 5)

    # when
    known = attempt("advocate", demo_password)
    unknown = attempt("no-such-person", demo_password)

    # then: the same page, so the lockout does not reveal which names exist
    assert known.status_code == unknown.status_code == 429
    assert without_csrf_tokens(known) == without_csrf_tokens(unknown)


def test_a_success_resets_the_count(demo_password):
    # given: 4 failures, a success, 4 failures
    fail("advocate", 4)
    assert attempt("advocate", demo_password).status_code == 302
    fail("advocate", 4)

    # when
    response = attempt("advocate", demo_password)

    # then: not locked, the failures were not consecutive
    assert response.status_code == 302


def test_account_unlock_releases_the_lock_and_records_who_did_it(personas, demo_password):
    # given
    fail("advocate", 5)

    # when
    services.account_unlock(username="advocate", actor=personas["tfadmin"])

    # then
    assert attempt("advocate", demo_password).status_code == 302
    [event] = SecurityEvent.objects.filter(kind=SecurityEventKind.UNLOCK)
    assert (event.user, event.actor) == (personas["advocate"], personas["tfadmin"])


def test_an_agency_administrator_may_not_unlock_another_agencys_account(personas, demo_password):
    # given: an administrator of the police department, and a locked advocate of a VSP
    police_admin = services.user_create(
        actor=None,
        agency=Agency.objects.get(slug="bayview-pd"),
        username="pdadmin",
        email="admin@bayview-pd.example.org",
        roles=[Role.AGENCY_ADMIN],
    )
    fail("advocate", 5)

    # when / then
    with pytest.raises(PermissionDenied):
        services.account_unlock(username="advocate", actor=police_admin)
    assert attempt("advocate", demo_password).status_code == 429
    assert not SecurityEvent.objects.filter(kind=SecurityEventKind.UNLOCK).exists()


def test_an_agency_administrator_may_unlock_their_own_agencys_account(personas, demo_password):
    # given
    vsp_admin = services.user_create(
        actor=None,
        agency=Agency.objects.get(slug="safe-harbor"),
        username="vspadmin",
        email="admin@safe-harbor.example.org",
        roles=[Role.AGENCY_ADMIN],
    )
    fail("advocate", 5)

    # when
    services.account_unlock(username="advocate", actor=vsp_admin)

    # then
    assert attempt("advocate", demo_password).status_code == 302


def test_the_unlock_user_command_unlocks_and_records_the_actor(personas, demo_password):
    # given
    fail("advocate", 5)

    # when
    call_command("unlock_user", "advocate", actor="tfadmin", stdout=StringIO())

    # then
    assert attempt("advocate", demo_password).status_code == 302
    [event] = SecurityEvent.objects.filter(kind=SecurityEventKind.UNLOCK)
    assert (event.user, event.actor) == (personas["advocate"], personas["tfadmin"])


def test_the_people_page_unlock_action_unlocks(personas, client_for, demo_password):
    # given
    fail("advocate", 5)
    admin = client_for("tfadmin")

    # when
    response = admin.post(f"/people/{personas['advocate'].pk}/unlock/")

    # then
    assert response.status_code == 302
    assert attempt("advocate", demo_password).status_code == 302
    [event] = SecurityEvent.objects.filter(kind=SecurityEventKind.UNLOCK)
    assert event.actor == personas["tfadmin"]
