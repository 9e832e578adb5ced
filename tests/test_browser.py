"""Real-browser journeys: Playwright driving headless Chromium against the live app."""

from __future__ import annotations

import base64
import re

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from conftest import demo_seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _totp_now(secret: str) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{TOTP(key, step=30, t0=0, digits=6).token():06d}"


def test_advocate_signs_in_enrols_mfa_sees_home_and_signs_out(live_server, page: Page, demo_password: str):
    # Given the demo task force, and an advocate who has not set up MFA yet
    demo_seed()
    console_errors: list[str] = []
    page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)

    # When she signs in with her password, acknowledging the system-use notice
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/"))
    expect(page.get_by_role("heading", name="System-use notice")).to_be_visible()
    page.get_by_label("Username").fill("advocate")
    page.get_by_label("Password").fill(demo_password)
    page.get_by_label("I have read the notice above and agree to its terms.").check()
    page.get_by_role("button", name="Sign in").click()

    # Then she must enrol an authenticator before anything else
    expect(page).to_have_url(re.compile(r"/accounts/mfa/setup/"))
    expect(page.locator(".qr-code svg")).to_be_visible()
    secret = page.get_by_test_id("totp-secret").inner_text().strip()
    page.get_by_label("Code from your authenticator app").fill(_totp_now(secret))
    page.get_by_role("button", name="Confirm").click()

    # And she is shown her one-time recovery codes
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    page.get_by_role("link", name="I have saved my codes, continue").click()

    # Then her home page shows her agency, role and panels
    expect(page.get_by_role("heading", name=re.compile("Welcome, Sam"))).to_be_visible()
    expect(page.get_by_test_id("home-roles")).to_contain_text("Safe Harbor Survivor Services")
    expect(page.get_by_test_id("home-roles")).to_contain_text("Advocate")
    expect(page.get_by_role("heading", name=re.compile("Survivors and consents"))).to_be_visible()

    # When she signs out
    page.get_by_test_id("sign-out").click()

    # Then she is back at the sign-in page, and home needs signing in again
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/"))
    expect(page.get_by_role("status")).to_contain_text("You have signed out.")
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/"))

    # And no page broke its Content Security Policy or missed an asset on the way
    assert console_errors == []
