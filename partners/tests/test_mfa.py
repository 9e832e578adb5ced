"""MFA (A1, A2): the password alone reaches nothing; TOTP enrolment; codes work
once, within one step; recovery codes are single-use and replaceable."""

from __future__ import annotations

import re
from base64 import b32encode
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client, override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners import mfa
from partners.models import SecurityEvent, SecurityEventKind, User

SETUP = "/accounts/mfa/setup/"
VERIFY = "/accounts/mfa/verify/"
# Ten seconds into a 30-second step, so a test can move a few seconds on without changing step.
NOON = datetime(2026, 3, 2, 12, 0, 10, tzinfo=UTC)

pytestmark = pytest.mark.django_db


def code_for(device: TOTPDevice, *, steps_ago: int = 0) -> str:
    """The code the person's phone shows now (or ``steps_ago`` steps earlier)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, drift=-steps_ago)
    return f"{totp.token():0{device.digits}d}"


def code_never_valid_now(device: TOTPDevice) -> str:
    valid = {code_for(device, steps_ago=offset) for offset in (-1, 0, 1)}
    return next(code for code in ("123456", "654321", "111111") if code not in valid)


def authenticator_for(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name=mfa.TOTP_DEVICE_NAME, confirmed=True)


def password_only(user: User) -> Client:
    """A session that has passed the password step and nothing else."""
    client = Client()
    client.force_login(user)
    return client


def recovery_codes_on(response) -> list[str]:
    block = re.search(r'data-testid="recovery-codes">(.*?)</ul>', response.content.decode(), re.S)
    assert block is not None, "no recovery codes on the page"
    return re.findall(r"<li[^>]*>\s*([a-z2-7]+)\s*</li>", block.group(1))


def event_kinds(user: User) -> list[str]:
    return list(SecurityEvent.objects.filter(user=user).order_by("id").values_list("kind", flat=True))


GATED_PAGES = [
    "/",
    "/directory/",
    "/people/",
    "/admin/",
    "/accounts/security/",
    "/accounts/password/",
    "/accounts/password/expired/",
]


@pytest.mark.parametrize("path", GATED_PAGES)
def test_password_only_session_without_authenticator_is_sent_to_mfa_setup(personas, path):
    # given
    client = password_only(personas["tfadmin"])

    # when
    response = client.get(path)

    # then
    assert response.status_code == 302
    assert response["Location"].startswith(SETUP)


@pytest.mark.parametrize("path", GATED_PAGES)
def test_password_only_session_with_authenticator_is_sent_to_mfa_verify(personas, path):
    # given
    authenticator_for(personas["tfadmin"])
    client = password_only(personas["tfadmin"])

    # when
    response = client.get(path)

    # then
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)


@pytest.mark.parametrize("path", ["/api/v1/me/", "/api/v1/agencies/"])
def test_password_only_session_gets_403_json_from_the_api(personas, path):
    # given
    client = password_only(personas["tfadmin"])

    # when
    response = client.get(path)

    # then: refused, with no data in the body
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")
    assert set(response.json()) == {"detail"}


@override_settings(REQUIRE_MFA=False)
def test_without_the_mfa_requirement_a_password_only_session_reaches_home(personas):
    # given
    client = password_only(personas["advocate"])

    # when
    response = client.get("/")

    # then
    assert response.status_code == 200


def test_enrolment_confirms_the_authenticator_issues_ten_recovery_codes_and_verifies_the_session(personas):
    # given
    advocate = personas["advocate"]
    client = password_only(advocate)

    # when: the person opens the set-up page
    page = client.get(SETUP)

    # then: a QR code and the same key as text
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=advocate, confirmed=False)
    assert "<svg" in page.content.decode()
    assert b32encode(device.bin_key).decode().rstrip("=") in page.content.decode()

    # when: they type the code their app shows
    confirmed = client.post(SETUP, {"token": code_for(device)})

    # then
    assert confirmed.status_code == 200
    codes = recovery_codes_on(confirmed)
    assert len(codes) == len(set(codes)) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200
    assert SecurityEventKind.MFA_ENROLLED in event_kinds(advocate)


def test_a_wrong_code_at_enrolment_is_rejected(personas):
    # given
    advocate = personas["advocate"]
    client = password_only(advocate)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=advocate, confirmed=False)

    # when
    response = client.post(SETUP, {"token": code_never_valid_now(device)})

    # then
    assert response.status_code == 400
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/")["Location"].startswith(SETUP)
    assert event_kinds(advocate) == [SecurityEventKind.MFA_FAILED]


def test_a_totp_code_works_once(personas):
    with time_machine.travel(NOON, tick=False):
        # given: the code on the phone right now
        advocate = personas["advocate"]
        device = authenticator_for(advocate)
        code = code_for(device)

        # when: it is used to sign in, then again from another browser in the same 30 s
        first = password_only(advocate)
        accepted = first.post(VERIFY, {"token": code})
        second = password_only(advocate)
        replayed = second.post(VERIFY, {"token": code})

        # then
        assert accepted.status_code == 302
        assert first.get("/").status_code == 200
        assert replayed.status_code == 400
        assert second.get("/")["Location"].startswith(VERIFY)
        assert event_kinds(advocate) == [SecurityEventKind.MFA_VERIFIED, SecurityEventKind.MFA_FAILED]


def test_a_code_two_steps_old_is_rejected(personas):
    with time_machine.travel(NOON, tick=False):
        # given
        advocate = personas["advocate"]
        device = authenticator_for(advocate)
        client = password_only(advocate)

        # when
        response = client.post(VERIFY, {"token": code_for(device, steps_ago=2)})

        # then
        assert response.status_code == 400
        assert client.get("/")["Location"].startswith(VERIFY)
        assert event_kinds(advocate) == [SecurityEventKind.MFA_FAILED]


def test_accepting_a_code_from_the_previous_step_does_not_widen_the_window(personas):
    with time_machine.travel(NOON, tick=False) as traveller:
        # given: a phone running 30 s slow has signed in once (one step of tolerance)
        advocate = personas["advocate"]
        device = authenticator_for(advocate)
        assert password_only(advocate).post(VERIFY, {"token": code_for(device, steps_ago=1)}).status_code == 302
        traveller.shift(timedelta(seconds=60))

        # when: a code two steps old is tried
        response = password_only(advocate).post(VERIFY, {"token": code_for(device, steps_ago=2)})

        # then: still refused; django-otp's clock-skew learning must not stretch the window
        assert response.status_code == 400


def test_a_recovery_code_works_once(personas):
    # given: an authenticator and a set of recovery codes
    advocate = personas["advocate"]
    authenticator_for(advocate)
    code = mfa.recovery_codes_issue(user=advocate, request=None)[0]

    # when: the code is used to sign in, then again in another browser
    first = password_only(advocate)
    accepted = first.post(VERIFY, {"token": code.upper()})
    second = password_only(advocate)
    replayed = second.post(VERIFY, {"token": code})

    # then
    assert accepted.status_code == 302
    assert first.get("/").status_code == 200
    assert replayed.status_code == 400
    assert second.get("/")["Location"].startswith(VERIFY)
    assert event_kinds(advocate)[-2:] == [SecurityEventKind.RECOVERY_CODE_USED, SecurityEventKind.MFA_FAILED]


def test_regenerating_recovery_codes_invalidates_the_old_ones(personas, client_for):
    # given: codes issued at enrolment, and a verified session
    advocate = personas["advocate"]
    old_codes = mfa.recovery_codes_issue(user=advocate, request=None)
    client = client_for("advocate")

    # when
    response = client.post("/accounts/mfa/recovery-codes/")

    # then: a new set works and an old one no longer does
    new_codes = recovery_codes_on(response)
    assert len(new_codes) == 10
    assert not set(new_codes) & set(old_codes)
    assert password_only(advocate).post(VERIFY, {"token": new_codes[0]}).status_code == 302
    assert password_only(advocate).post(VERIFY, {"token": old_codes[1]}).status_code == 400


def test_a_new_sign_in_asks_for_the_second_factor_again(personas, client_for, demo_password, settings):
    # given: a verified session (the hash is made fast; the form is not what is tested)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    personas["advocate"].set_password(demo_password)
    personas["advocate"].save()
    client = client_for("advocate")

    # when: the same person signs in again with the password in that browser
    response = client.post(
        "/accounts/sign-in/", {"username": "advocate", "password": demo_password, "acknowledge": "on"}
    )

    # then: the earlier verification does not carry over to the new sign-in
    assert response["Location"].startswith(VERIFY)
    assert client.get("/")["Location"].startswith(VERIFY)


def test_wrong_authenticator_codes_do_not_throttle_the_recovery_codes(personas):
    # given: an authenticator, recovery codes, and someone guessing six-digit codes
    advocate = personas["advocate"]
    device = authenticator_for(advocate)
    code = mfa.recovery_codes_issue(user=advocate, request=None)[0]
    guesser = password_only(advocate)
    for _ in range(3):
        assert guesser.post(VERIFY, {"token": code_never_valid_now(device)}).status_code == 400

    # when: the person uses a recovery code straight away
    person = password_only(advocate)
    response = person.post(VERIFY, {"token": code})

    # then: it works; only the authenticator carries the back-off
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count >= 1  # attempts inside the back-off are not even counted
    assert StaticDevice.objects.get(user=advocate).throttling_failure_count == 0
