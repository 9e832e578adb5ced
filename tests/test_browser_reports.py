"""Real-browser journey of issue 6: the administrator starts the quarterly OVC run, watches a real
worker finish it, locks it and downloads the XLSX; a detective sees the dashboard with small counts
suppressed. CI: PostgreSQL, Redis, a Celery worker and Chromium."""

from __future__ import annotations

import re
from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from cases.models import ServiceEvent, Victim
from conftest import demo_seed
from referrals.tests.test_worker import worker_on_test_db
from reporting.models import ReportRun
from reporting.periods import last_quarter
from tests.test_browser_operations import _act_as

pytestmark = [
    pytest.mark.browser,
    pytest.mark.integration,
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True),
]
__all__ = ["worker_on_test_db"]


def test_admin_runs_locks_and_downloads_the_ovc_report_detective_sees_suppressed_dashboard(
    live_server, page: Page, worker_on_test_db, tmp_path: Path, measure_definitions
):
    # Given three survivors served by Safe Harbor last quarter, and identified this month
    people = demo_seed()
    advocate = people["advocate"]
    start, end = last_quarter(timezone.localdate())
    for n in range(3):
        victim = Victim.objects.create(
            owner_agency=advocate.agency,
            pseudonym=f"Journey {n}",
            trafficking_type="labor",
            intake_date=timezone.localdate(),
            created_by=advocate,
        )
        ServiceEvent.objects.create(
            victim=victim,
            delivered_on=start + timedelta(days=10 * n),
            providing_agency=advocate.agency,
            service_type="case_management",
            created_by=advocate,
        )
    console_errors: list[str] = []
    page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)

    # When the task force administrator starts the OVC report for the last quarter
    _act_as(page, live_server, people["tfadmin"])
    page.goto(f"{live_server.url}/")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Reports").click()
    page.get_by_role("combobox", name="Report", exact=True).select_option(label="OVC human trafficking")
    page.get_by_role("combobox", name="Period", exact=True).select_option(label="Last quarter")
    page.get_by_role("button", name="Start the run").click()

    # Then the page follows the worker until the run is done, and shows the results
    expect(page.get_by_test_id("run-status")).to_have_text("Done", timeout=60_000)
    run = ReportRun.objects.get()
    assert (run.period_start, run.period_end) == (start, end)
    assert run.results["H1"] == 3
    expect(page.get_by_text("Total clients served")).to_be_visible()

    # When they lock it
    page.get_by_label("I confirm these figures are the ones submitted.").check()
    page.get_by_role("button", name="Lock the run").click()
    expect(page.get_by_test_id("run-locked")).to_contain_text("by tfadmin")

    # And download the XLSX
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download XLSX").click()
    target = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(target)
    assert target.name == f"ovc_ht_{start.isoformat()}_{end.isoformat()}.xlsx"
    workbook = load_workbook(BytesIO(target.read_bytes()))
    cover = "\n".join(str(cell) for row in workbook["Cover"].iter_rows(values_only=True) for cell in row if cell)
    assert "tfadmin" in cover
    values = {
        (row[0], row[2] or ""): row[3]
        for sheet in workbook.worksheets[1:]
        for row in sheet.iter_rows(min_row=2, values_only=True)
        if row and row[0]
    }
    assert values[("H1", "")] == 3

    # Then the detective sees the dashboard with this month's three identifications hidden
    _act_as(page, live_server, people["detective"])
    page.goto(f"{live_server.url}/")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Dashboard").click()
    expect(page.get_by_test_id("suppression-note")).to_be_visible()
    this_month = timezone.localdate().strftime("%Y-%m")
    row = page.get_by_test_id(f"row-identified-{this_month}")
    expect(row).to_contain_text("*")
    expect(row).not_to_contain_text(re.compile(r"\b3\b"))
    expect(page.get_by_text("Journey 0")).to_have_count(0)

    # And no page broke its Content Security Policy or missed an asset on the way
    assert console_errors == []
