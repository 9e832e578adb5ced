"""Real-browser journey of issue 3: a survivor's consent decides what a detective sees."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect

from cases import services
from conftest import demo_seed, sign_in_verified
from partners.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _act_as(page: Page, live_server, user: User) -> None:
    """Swap the browser's session for a verified (password + TOTP) session of ``user``."""
    client = sign_in_verified(Client(), user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def test_consent_shares_identity_with_the_detective_until_revoked(live_server, page: Page):
    # Given the demo task force, Safe Harbor sharing survivor profiles with Bayview PD,
    # and a Bayview case the detective opened
    people = demo_seed()
    advocate, detective = people["advocate"], people["detective"]
    services.sharing_agreement_set(
        owner=advocate.agency, partner=detective.agency, actor=people["tfadmin"], victim_groups=["profile"]
    )
    case = services.case_create(actor=detective, title="Harbor Street massage businesses", trafficking_type="sex")
    console_errors: list[str] = []
    page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)

    # When the advocate records a survivor through the short intake
    _act_as(page, live_server, advocate)
    page.goto(f"{live_server.url}/")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Survivors").click()
    expect(page.get_by_text("No survivors yet — record the first one.")).to_be_visible()
    page.get_by_role("link", name="Record a survivor").click()
    page.get_by_label("Pseudonym").fill("Rose")
    page.get_by_label("Trafficking type").select_option("sex")
    page.get_by_text("Identity (optional)").click()
    page.get_by_label("Legal name").fill("Maria Example")
    page.get_by_text("Contact (optional)").click()
    page.get_by_label("Phone").fill("555-0142")
    page.get_by_role("button", name="Save survivor").click()
    expect(page.get_by_role("heading", level=1, name="Rose")).to_be_visible()

    # And writes a privileged note
    notes = page.get_by_test_id("group-notes")
    notes.get_by_text("Add a note").click()
    notes.get_by_label("Note").fill("Told me about the night shift.")
    notes.get_by_role("button", name="Save note").click()
    expect(page.get_by_test_id("group-notes")).to_contain_text("Told me about the night shift.")

    # And records her consent to share identity with Bayview PD for 30 days
    consents = page.get_by_test_id("consents")
    consents.get_by_text("Record a consent").click()
    consents.get_by_label("Agency that may see it").select_option("bayview-pd")
    consents.get_by_label("Identity").check()
    consents.get_by_label("Purpose").fill("Investigation of the Harbor Street case")
    in_30_days = timezone.localdate() + timedelta(days=30)
    consents.get_by_label("Expires on").fill(in_30_days.isoformat())
    consents.get_by_role("button", name="Record consent").click()
    expect(page.get_by_test_id("consents").locator("tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("consents").locator("tbody tr")).to_contain_text("Active")

    # And the printable form names exactly what she agreed to
    page.get_by_role("link", name="Printable form").click()
    expect(page.get_by_test_id("consent-agency")).to_have_text(detective.agency.name)
    expect(page.get_by_test_id("consent-groups")).to_contain_text("Your legal name")
    expect(page.get_by_test_id("consent-groups")).not_to_contain_text("address")
    page.go_back()

    # And links the survivor to the Bayview case by the number the detective gave her
    cases = page.get_by_test_id("cases")
    cases.get_by_text("Link to a case").click()
    cases.get_by_label("Case number").fill(case.case_number)
    cases.get_by_role("button", name="Link to case").click()
    expect(page.get_by_test_id("cases")).to_contain_text(case.case_number)

    # Then the detective finds her through the case and sees profile and identity, not contact, never notes
    _act_as(page, live_server, detective)
    page.goto(f"{live_server.url}/")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Cases").click()
    page.get_by_role("link", name=case.case_number).click()
    page.get_by_test_id("survivors").get_by_role("link", name="Rose").click()
    survivor_url = page.url
    expect(page.get_by_test_id("group-profile")).to_contain_text("Rose")
    expect(page.get_by_test_id("group-identity")).to_contain_text("Maria Example")
    expect(page.get_by_test_id("withheld-contact")).to_contain_text(
        "Shared only with the survivor's written consent; none is on file for your agency."
    )
    expect(page.get_by_test_id("withheld-notes")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("555-0142")
    expect(page.locator("main")).not_to_contain_text("night shift")

    # When the advocate revokes the consent
    _act_as(page, live_server, advocate)
    page.goto(survivor_url)
    page.get_by_role("button", name=re.compile("Revoke consent for")).click()
    expect(page.get_by_test_id("consents").locator("tbody tr")).to_contain_text("Revoked")

    # Then the detective no longer sees her identity
    _act_as(page, live_server, detective)
    page.goto(survivor_url)
    expect(page.get_by_test_id("group-profile")).to_contain_text("Rose")
    expect(page.get_by_test_id("withheld-identity")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Maria Example")
    expect(page.get_by_test_id("withheld-notes")).to_be_visible()

    # And no page broke its Content Security Policy or missed an asset on the way
    assert console_errors == []
