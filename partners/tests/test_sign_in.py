"""The sign-in page: system-use notice (A6), one generic error, session rotation,
security events, safe redirects and the per-address throttle."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client, override_settings

from partners.forms import SIGN_IN_ERROR
from partners.models import SecurityEvent, SecurityEventKind, User

SIGN_IN = "/accounts/sign-in/"
SIGN_OUT = "/accounts/sign-out/"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def post_sign_in(client: Client, username: str, password: str, *, acknowledge: bool = True, **extra):
    data = {"username": username, "password": password}
    if acknowledge:
        data["acknowledge"] = "on"
    return client.post(SIGN_IN, data, **extra)


def form_error(response) -> str:
    """The text of the form's error box, without markup."""
    match = re.search(r'id="form-errors">(.*?)</div>', response.content.decode(), re.S)
    assert match is not None, "no error box on the page"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def events(kind: str) -> list[SecurityEvent]:
    return list(SecurityEvent.objects.filter(kind=kind))


def test_sign_in_page_shows_the_four_statements_of_the_system_use_notice(client):
    # when
    response = client.get(SIGN_IN)

    # then
    assert response.status_code == 200
    page = response.content.decode()
    notice = re.search(r'<section[^>]*aria-labelledby="notice-heading">(.*?)</section>', page, re.S)
    assert notice is not None, "no system-use notice on the sign-in page"
    statements = notice.group(1)
    assert "restricted government-partner information system for authorized task force members only" in statements
    assert "may be monitored, recorded and audited" in statements
    assert "Unauthorized use is prohibited and subject to criminal and civil penalties" in statements
    assert "indicates consent to monitoring" in statements
    assert 'type="checkbox" name="acknowledge"' in page


def test_sign_in_without_acknowledging_the_notice_is_rejected_and_creates_no_session(client, demo_password):
    # when: the right password, but the notice is not acknowledged
    response = post_sign_in(client, "advocate", demo_password, acknowledge=False)

    # then
    assert response.status_code == 400
    assert "You must acknowledge the system-use notice" in response.content.decode()
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert not Session.objects.exists()
    assert events(SecurityEventKind.SIGN_IN) == []


def test_unknown_username_and_wrong_password_get_the_same_answer(demo_password):
    # when
    unknown = post_sign_in(Client(), "nobody-here", demo_password)
    wrong = post_sign_in(Client(), "advocate", "not-the-password-at-all")

    # then: nothing tells an attacker which usernames exist
    assert unknown.status_code == wrong.status_code == 400
    assert form_error(unknown) == form_error(wrong) == str(SIGN_IN_ERROR)


def test_inactive_account_gets_the_same_generic_answer_and_no_session(client, personas, demo_password):
    # given
    User.objects.filter(pk=personas["advocate"].pk).update(is_active=False)

    # when
    response = post_sign_in(client, "advocate", demo_password)

    # then
    assert response.status_code == 400
    assert form_error(response) == str(SIGN_IN_ERROR)
    assert SESSION_KEY not in client.session


def test_successful_sign_in_rotates_the_session_key(client, personas, demo_password):
    # given: the browser already holds a session from before signing in
    before = client.session
    before["probe"] = "set before sign-in"
    before.save()
    old_key = before.session_key

    # when
    response = post_sign_in(client, "advocate", demo_password)

    # then
    assert response.status_code == 302
    new_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert new_key != old_key
    assert not Session.objects.filter(session_key=old_key).exists()
    assert client.session[SESSION_KEY] == str(personas["advocate"].pk)


def test_successful_sign_in_goes_on_to_the_mfa_step(client, demo_password):
    # when: a person without an authenticator signs in with their password
    response = post_sign_in(client, "advocate", demo_password)

    # then: the password alone reaches nothing but MFA set-up
    assert response.status_code == 302
    assert response.url == "/accounts/mfa/setup/?next=%2F"


def test_sign_in_writes_exactly_one_sign_in_event(client, personas, demo_password):
    # when
    post_sign_in(client, "advocate", demo_password)

    # then
    [event] = events(SecurityEventKind.SIGN_IN)
    assert event.user == personas["advocate"]
    assert events(SecurityEventKind.SIGN_IN_FAILED) == []


def test_failed_sign_in_writes_exactly_one_sign_in_failed_event(client):
    # when
    post_sign_in(client, "advocate", "not-the-password-at-all")

    # then: the attempted name is kept, never the password
    [event] = events(SecurityEventKind.SIGN_IN_FAILED)
    assert event.username == "advocate"
    assert "not-the-password" not in str(event.details)
    assert events(SecurityEventKind.SIGN_IN) == []


def test_sign_out_writes_exactly_one_sign_out_event(client, personas, demo_password):
    # given
    post_sign_in(client, "advocate", demo_password)

    # when
    response = client.post(SIGN_OUT)

    # then
    assert response.status_code == 302
    [event] = events(SecurityEventKind.SIGN_OUT)
    assert event.user == personas["advocate"]


@override_settings(REQUIRE_MFA=False)
def test_next_is_honoured_for_a_path_on_this_site(client, demo_password):
    # when
    response = client.post(
        SIGN_IN + "?next=/directory/%3Fq%3Dharbor%26page%3D1",
        {"username": "advocate", "password": demo_password, "acknowledge": "on"},
    )

    # then
    assert response.status_code == 302
    assert response.url == "/directory/?q=harbor&page=1"


def test_next_survives_the_mfa_step_intact(client, demo_password):
    # when: the next URL has its own query string
    response = client.post(
        SIGN_IN + "?next=/directory/%3Fq%3Dharbor%26page%3D1",
        {"username": "advocate", "password": demo_password, "acknowledge": "on"},
    )

    # then: it is passed on encoded, not split into the MFA page's own parameters
    assert response.url == "/accounts/mfa/setup/?next=%2Fdirectory%2F%3Fq%3Dharbor%26page%3D1"


@override_settings(REQUIRE_MFA=False)
@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example.com/",
        "//evil.example.com/steal",
        "http://testserver.evil.example.com/",
        "/\\evil.example.com",
        "javascript:alert(1)",
    ],
)
def test_next_pointing_off_site_is_refused(client, demo_password, next_url):
    # when
    response = client.post(
        SIGN_IN, {"username": "advocate", "password": demo_password, "acknowledge": "on", "next": next_url}
    )

    # then: the person lands on home instead
    assert response.status_code == 302
    assert response.url == "/"


@override_settings(SIGN_IN_IP_THROTTLE=3)
def test_failures_from_one_address_throttle_every_username_from_it(demo_password):
    # given: three failed sign-ins from one address, each for a different name
    attacker = "203.0.113.7"
    for username in ("alice-guess", "bob-guess", "carol-guess"):
        assert post_sign_in(Client(), username, "wrong-password-guess", REMOTE_ADDR=attacker).status_code == 400

    # when: a real user with the right password signs in from that address
    throttled_client = Client()
    throttled = post_sign_in(throttled_client, "advocate", demo_password, REMOTE_ADDR=attacker)
    elsewhere = post_sign_in(Client(), "advocate", demo_password, REMOTE_ADDR="198.51.100.20")

    # then: that address is refused for now; other addresses are not
    assert throttled.status_code == 429
    assert "Too many sign-in attempts" in throttled.content.decode()
    assert SESSION_KEY not in throttled_client.session
    assert elsewhere.status_code == 302
