"""Passwords (A3, A4): length without composition rules, PBKDF2, a forced
change after 365 days, change notices and one-time activation links."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.password_validation import get_default_password_validators, validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from partners import services
from partners.models import Agency, SecurityEvent, SecurityEventKind, User
from partners.roles import Role

NEW_PASSWORD = "lantern orchard fjord 42"

pytestmark = pytest.mark.django_db


def test_eleven_characters_are_too_short():
    with pytest.raises(ValidationError) as error:
        validate_password("lanternorch")

    assert [e.code for e in error.value.error_list] == ["password_too_short"]


def test_twelve_characters_are_enough_without_any_character_class_rule():
    # lower-case letters only: no digit, capital or symbol is demanded
    validate_password("lanternorcha")


def test_a_64_character_passphrase_with_spaces_is_accepted():
    passphrase = "the quiet lantern hums above an orchard of fjords and marble bee"
    assert len(passphrase) == 64

    validate_password(passphrase)


def test_the_validators_are_length_common_numeric_and_similarity_only():
    names = {type(validator).__name__ for validator in get_default_password_validators()}

    assert names == {
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    }


def test_passwords_are_hashed_with_pbkdf2_sha256(personas):
    # given
    assert settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.PBKDF2PasswordHasher"
    advocate = personas["advocate"]

    # when
    services.user_set_password(user=advocate, new_password=NEW_PASSWORD, actor=advocate)

    # then
    advocate.refresh_from_db()
    assert advocate.password.startswith("pbkdf2_sha256$")


def test_after_366_days_the_password_must_be_changed_before_anything_else(client_for, personas, demo_password):
    changed_at = personas["advocate"].password_changed_at
    with time_machine.travel(changed_at + timedelta(days=366), tick=False):
        # given: a verified session a year and a day after the last change
        client = client_for("advocate")

        # when
        blocked = client.get("/")
        api = client.get("/api/v1/me/")
        changed = client.post(
            "/accounts/password/expired/",
            {
                "old_password": demo_password,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        )

        # then
        assert blocked.status_code == 302
        assert blocked["Location"].startswith("/accounts/password/expired/")
        assert api.status_code == 403
        assert changed.status_code == 302
        assert client.get("/").status_code == 200


def test_changing_the_password_keeps_this_session_ends_the_others_and_tells_the_owner(
    client_for, personas, demo_password, django_capture_on_commit_callbacks
):
    # given: the same person on two browsers
    here, elsewhere = client_for("advocate"), client_for("advocate")

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = here.post(
            "/accounts/password/",
            {
                "old_password": demo_password,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        )

    # then
    assert response.status_code == 302
    assert here.get("/").status_code == 200
    assert elsewhere.get("/")["Location"].startswith("/accounts/sign-in/")
    [event] = SecurityEvent.objects.filter(kind=SecurityEventKind.PASSWORD_CHANGED)
    assert event.user == event.actor == personas["advocate"]
    [notice] = mail.outbox
    assert notice.to == [personas["advocate"].email]
    assert NEW_PASSWORD not in notice.body


def test_signing_out_elsewhere_still_ends_a_session_whose_password_was_changed(client_for, personas, demo_password):
    # given: the password was changed in one browser, which rotates that session's key
    here = client_for("advocate")
    here.post(
        "/accounts/password/",
        {
            "old_password": demo_password,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    personas["advocate"].refresh_from_db()  # a new session is signed with the new password's hash
    other = client_for("advocate")

    # when: the person signs out in another browser
    other.post("/accounts/sign-out/")

    # then: sign-out reaches the session with the rotated key too
    assert here.get("/")["Location"].startswith("/accounts/sign-in/")


def test_a_session_that_has_not_passed_mfa_cannot_change_the_password(personas, demo_password):
    # given: someone who knows the password but has no second factor
    advocate = personas["advocate"]
    client = Client()
    client.force_login(advocate)

    # when
    response = client.post(
        "/accounts/password/",
        {
            "old_password": demo_password,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    # then
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/mfa/")
    assert User.objects.get(pk=advocate.pk).password == advocate.password


@pytest.fixture
def invited(personas) -> User:
    return services.user_create(
        actor=None,
        agency=Agency.objects.get(slug="safe-harbor"),
        username="newhire",
        email="newhire@safe-harbor.example.org",
        roles=[Role.ADVOCATE],
    )


def activation_url(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return f"/accounts/activate/{uid}/{default_token_generator.make_token(user)}/"


def test_an_activation_link_sets_the_password_once(client, invited):
    # given
    url = activation_url(invited)
    assert client.get(url).status_code == 200

    # when
    response = client.post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    # then: the password is set and the link is spent
    assert response.status_code == 302
    assert response["Location"] == "/accounts/sign-in/"
    invited.refresh_from_db()
    assert invited.check_password(NEW_PASSWORD)
    assert invited.password_changed_at <= timezone.now()
    assert client.get(url).status_code == 400
    again = client.post(url, {"new_password1": "another passphrase 99", "new_password2": "another passphrase 99"})
    assert again.status_code == 400
    invited.refresh_from_db()
    assert invited.check_password(NEW_PASSWORD)


def test_an_activation_link_refuses_a_short_password(client, invited):
    # when
    response = client.post(activation_url(invited), {"new_password1": "short-pass", "new_password2": "short-pass"})

    # then
    assert response.status_code == 400
    invited.refresh_from_db()
    assert not invited.has_usable_password()


def test_a_tampered_activation_link_is_refused(client, invited):
    # when
    response = client.get(activation_url(invited)[:-3] + "xx/")

    # then
    assert response.status_code == 400
