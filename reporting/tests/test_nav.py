"""One main-menu entry for reporting; the reporting pages carry their own menu, by what each person may do."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def _reporting_menu(html: str) -> list[str]:
    menu = re.search(r'<nav aria-label="Reporting".*?</nav>', html, re.S)
    return re.findall(r'<a class="nav-link[^"]*"[^>]*>([^<]+)</a>', menu.group(0)) if menu else []


def test_the_administrator_reaches_every_reporting_page_from_the_reports_page(personas, client_for):
    html = client_for("tfadmin").get("/reports/").content.decode()

    assert _reporting_menu(html) == ["Report runs", "Partner submissions", "Awards"]
    main = re.search(r'<nav[^>]*aria-label="Main navigation".*?</nav>', html, re.S)
    assert main is not None
    assert "Submissions" not in main.group(0)


def test_a_supervisor_sees_time_and_approvals_and_no_reports(personas, client_for):
    from datetime import date

    from reporting.models import Award

    Award.objects.create(
        funder="ovc",
        program="HT",
        award_number="OVC-NAV",
        recipient=personas["supervisor"].agency,
        starts_on=date(2025, 10, 1),
        ends_on=date(2028, 9, 30),
        reports=["ovc_ht"],
    )
    html = client_for("supervisor").get("/grants/time/").content.decode()

    assert _reporting_menu(html) == ["My time", "Time to approve"]
    assert 'href="/grants/time/"' in html
