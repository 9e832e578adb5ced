"""Real-browser journey of issue 4: a referral from the advocate to Legal Aid, followed until it is closed."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from cases import services as case_services
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


def _htmx_settled(page: Page) -> None:
    """Wait until htmx has swapped and processed the new content (its classes are gone)."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
    )


def test_advocate_refers_to_legal_aid_and_the_lawyer_closes_the_loop(live_server, page: Page):
    # Given Safe Harbor's survivor Rose, a privileged note, and her consent to share identity with Legal Aid
    people = demo_seed()
    advocate, lawyer = people["advocate"], people["lawyer"]
    rose = case_services.victim_create(
        actor=advocate,
        pseudonym="Rose",
        trafficking_type="labor",
        legal_name="Maria Example",
        date_of_birth=date(1999, 5, 4),
        phone="555-0142",
    )
    case_services.note_create(victim=rose, actor=advocate, body="Told me about the night shift.")
    case_services.consent_create(
        victim=rose, actor=advocate, recipient_agency=lawyer.agency, field_groups=["identity"], purpose="T visa"
    )
    console_errors: list[str] = []
    page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)

    # When the advocate refers her from her page: service, then agency, then what to share
    _act_as(page, live_server, advocate)
    page.goto(f"{live_server.url}/survivors/{rose.pk}/")
    page.get_by_test_id("referrals").get_by_role("link", name="Refer").click()
    expect(page.get_by_role("heading", level=1, name="Refer Rose")).to_be_visible()
    with page.expect_response(lambda response: "refresh=1" in response.url):
        page.get_by_label("Services requested").select_option("immigration_legal")
    # htmx narrows the agencies to those offering the service
    expect(page.get_by_label("Receiving agency").locator("option[value='comunidad']")).to_have_count(0)
    _htmx_settled(page)
    with page.expect_response(lambda response: "refresh=1" in response.url):
        page.get_by_label("Receiving agency").select_option("legal-aid")
    _htmx_settled(page)
    # and shows the consent status for that agency beside each group
    expect(page.get_by_test_id("share-identity")).to_contain_text("Consent on file")
    expect(page.get_by_test_id("share-contact")).to_contain_text("no active consent names Bayview Legal Aid")
    expect(page.get_by_test_id("share-notes")).to_contain_text("Never shared")
    page.get_by_label(re.compile("^Identity")).check()
    page.get_by_label("Urgency").select_option("urgent")
    page.get_by_label("Note to the recipient").fill("Needs a T visa consultation.")
    page.get_by_role("button", name="Send referral").click()
    expect(page.get_by_test_id("referral-status")).to_have_text("Sent")
    referral_url = page.url

    # And sees it in the outbox with its due time
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Referrals").click()
    outbox = page.get_by_test_id("outbox")
    expect(outbox).to_contain_text("Bayview Legal Aid")
    expect(outbox).to_contain_text("Sent")

    # Then the lawyer has it in the inbox and a notification
    _act_as(page, live_server, lawyer)
    page.goto(f"{live_server.url}/")
    expect(page.get_by_test_id("unread-count")).to_have_text("1")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Referrals").click()
    page.get_by_test_id("inbox").get_by_role("link", name=re.compile("Referral #")).click()
    expect(page).to_have_url(referral_url)

    # When the lawyer acknowledges and accepts, without a page reload
    page.evaluate("window.__sameDocument = true")
    page.get_by_test_id("referral-actions").get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_test_id("referral-status")).to_have_text("Acknowledged")
    page.get_by_test_id("referral-actions").get_by_role("button", name="Accept").click()
    expect(page.get_by_test_id("referral-status")).to_have_text("Accepted")
    assert page.evaluate("window.__sameDocument") is True

    # Then the lawyer sees her identity, but not her contact details or the notes
    survivor = page.get_by_test_id("referral-survivor")
    expect(survivor.get_by_test_id("referral-group-identity")).to_contain_text("Maria Example")
    expect(survivor.get_by_test_id("referral-withheld-contact")).to_be_visible()
    expect(survivor.get_by_test_id("referral-withheld-notes")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("555-0142")
    expect(page.locator("main")).not_to_contain_text("night shift")

    # When the lawyer completes it with an outcome
    actions = page.get_by_test_id("referral-actions")
    actions.get_by_text("Complete", exact=True).click()
    actions.get_by_role("combobox", name="Outcome").select_option("services_delivered")
    actions.get_by_label("Outcome note").fill("Filed the I-914.")
    actions.get_by_role("button", name="Complete referral").click()
    expect(page.get_by_test_id("referral-status")).to_have_text("Completed")
    assert page.evaluate("window.__sameDocument") is True

    # Then the advocate is notified, sees the completed referral and the service event on Rose's page
    _act_as(page, live_server, advocate)
    page.goto(f"{live_server.url}/notifications/")
    expect(page.get_by_test_id("notifications")).to_contain_text("Referral completed")
    page.goto(referral_url)
    expect(page.get_by_test_id("referral-status")).to_have_text("Completed")
    expect(page.get_by_test_id("referral-outcome")).to_contain_text("Services delivered")
    page.goto(f"{live_server.url}/survivors/{rose.pk}/")
    expect(page.get_by_test_id("referrals")).to_contain_text("Completed")
    services = page.get_by_test_id("group-services")
    expect(services).to_contain_text("Immigration legal assistance")
    expect(services).to_contain_text("Bayview Legal Aid")

    # And no page broke its Content Security Policy or missed an asset on the way
    assert console_errors == []
