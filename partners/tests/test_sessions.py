"""Sessions (B1-B3): 30 minutes idle, 12 hours absolute, sign-out and
deactivation end every session of the person server-side."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session

from partners import services
from partners.models import SecurityEvent, SecurityEventKind, UserSession

SIGN_IN = "/accounts/sign-in/"
MORNING = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


def sent_to_sign_in(response) -> bool:
    return response.status_code == 302 and response.url.startswith(SIGN_IN)


def expiry_reasons() -> list[str]:
    return [event.details["reason"] for event in SecurityEvent.objects.filter(kind=SecurityEventKind.SESSION_EXPIRED)]


def test_a_session_ends_after_30_idle_minutes(client_for):
    with time_machine.travel(MORNING, tick=False) as traveller:
        # given: a browser and an API client, both used at 08:00 and 08:29
        browser, api = client_for("advocate"), client_for("advocate")
        assert browser.get("/").status_code == 200
        assert api.get("/api/v1/me/").status_code == 200
        traveller.shift(timedelta(minutes=29))
        assert browser.get("/").status_code == 200
        assert api.get("/api/v1/me/").status_code == 200

        # when: 31 more minutes pass without a request
        traveller.shift(timedelta(minutes=31))
        page = browser.get("/")
        data = api.get("/api/v1/me/")

        # then
        assert sent_to_sign_in(page)
        assert data.status_code == 401
        assert set(data.json()) == {"detail"}
        assert expiry_reasons() == ["idle", "idle"]


def test_a_session_ends_12_hours_after_sign_in_however_active(client_for):
    with time_machine.travel(MORNING, tick=False) as traveller:
        # given: a request every 10 minutes for 12 hours
        browser, api = client_for("advocate"), client_for("advocate")
        for _ in range(12 * 6 + 1):
            assert browser.get("/").status_code == 200
            assert api.get("/api/v1/me/").status_code == 200
            traveller.shift(timedelta(minutes=10))

        # when: 12 h 5 min after sign-in
        traveller.move_to(MORNING + timedelta(hours=12, minutes=5))
        page = browser.get("/", follow=True)
        data = api.get("/api/v1/me/")

        # then: back to the sign-in page, told why
        assert page.redirect_chain[0][0].startswith(SIGN_IN)
        assert "Your session has ended" in page.content.decode()
        assert data.status_code == 401
        assert expiry_reasons() == ["absolute", "absolute"]


def test_signing_out_in_one_browser_ends_the_others(client_for, personas):
    # given: the same person signed in on two browsers
    first, second = client_for("advocate"), client_for("advocate")
    assert second.get("/").status_code == 200

    # when
    first.post("/accounts/sign-out/")

    # then
    assert sent_to_sign_in(second.get("/"))
    assert not UserSession.objects.filter(user=personas["advocate"]).exists()


def test_signing_out_ends_the_session_for_the_api_too(client_for):
    # given
    first, second = client_for("advocate"), client_for("advocate")

    # when
    first.post("/accounts/sign-out/")

    # then
    assert second.get("/api/v1/me/").status_code == 401


def test_deactivating_a_person_rejects_their_open_session(client_for, personas):
    # given
    browser = client_for("advocate")
    assert browser.get("/").status_code == 200

    # when
    services.user_deactivate(user=personas["advocate"], actor=personas["tfadmin"])

    # then
    assert sent_to_sign_in(browser.get("/"))


def test_sign_out_asks_the_browser_to_clear_its_cache_and_storage(client_for):
    # when
    response = client_for("advocate").post("/accounts/sign-out/")

    # then
    cleared = {part.strip() for part in response["Clear-Site-Data"].split(",")}
    assert {'"cache"', '"storage"'} <= cleared


@pytest.mark.parametrize("path", ["/", "/directory/", "/accounts/security/", "/api/v1/me/"])
def test_signed_in_pages_are_never_cached(client_for, path):
    # when
    response = client_for("advocate").get(path)

    # then
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_session_keys_are_32_lowercase_letters_and_digits(client, personas, demo_password):
    # when: a real sign-in through the form
    response = client.post(SIGN_IN, {"username": "advocate", "password": demo_password, "acknowledge": "on"})

    # then
    assert response.status_code == 302
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert re.fullmatch(r"[a-z0-9]{32}", key)
    assert Session.objects.filter(session_key=key).exists()
