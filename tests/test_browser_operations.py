"""Real-browser journey of issue 5: the administrator schedules a meeting, records attendance and
minutes, and a detective finds it in the task force calendar."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect

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


def test_admin_schedules_a_meeting_records_attendance_and_minutes_detective_sees_it(live_server, page: Page):
    # Given the demo task force
    people = demo_seed()
    console_errors: list[str] = []
    page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
    day = timezone.localdate().replace(day=15)

    # When the task force administrator schedules a meeting from the calendar
    _act_as(page, live_server, people["tfadmin"])
    page.goto(f"{live_server.url}/")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Calendar").click()
    page.get_by_role("link", name="Schedule a meeting").click()
    page.get_by_label("Title").fill("Spring task force meeting")
    page.get_by_label("Starts at").fill(f"{day.isoformat()}T10:00")
    page.get_by_label("Ends at").fill(f"{day.isoformat()}T12:00")
    page.get_by_label("Location").fill("County building, room 4")
    page.get_by_label("Agenda").fill("1. Case review\n2. Trainings")
    page.get_by_role("button", name="Save meeting").click()
    expect(page.get_by_role("heading", level=1, name="Spring task force meeting")).to_be_visible()
    expect(page.get_by_test_id("agenda")).to_contain_text("Case review")

    # And records who attended, with two guests from Comunidad Unida
    page.get_by_role("link", name="Record attendance").click()
    page.get_by_label(re.compile(r"^Dana Ortiz \(Bayview Police Department\)")).check()
    page.get_by_label(re.compile(r"^Sam Rivera \(Safe Harbor")).check()
    page.get_by_label("Guests without an account from Comunidad Unida").fill("2")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_test_id("attendance")).to_contain_text("4 present: 2 members and 2 guests, from 3 agencies.")

    # And writes the minutes
    page.get_by_role("textbox", name="Minutes").fill("Agreed the referral protocol.")
    page.get_by_role("button", name="Save minutes").click()
    expect(page.get_by_role("status")).to_contain_text("Minutes saved.")

    # Then the detective sees it in the calendar, month and list, with its minutes
    _act_as(page, live_server, people["detective"])
    page.goto(f"{live_server.url}/calendar/?month={day:%Y-%m}")
    calendar = page.get_by_test_id("calendar-month")
    expect(calendar.get_by_role("link", name=re.compile("Spring task force meeting"))).to_be_visible()
    page.get_by_role("link", name="List view").click()
    page.get_by_test_id("calendar-list").get_by_role("link", name="Spring task force meeting").click()
    expect(page.get_by_test_id("minutes")).to_contain_text("Agreed the referral protocol.")
    expect(page.get_by_role("link", name="Record attendance")).to_have_count(0)

    # And no page broke its Content Security Policy or missed an asset on the way
    assert console_errors == []
