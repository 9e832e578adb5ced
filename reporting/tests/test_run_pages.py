"""Report run pages: start, follow, lock, print, export; only the reporting roles."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from partners.models import User
from reporting import services
from reporting.models import ReportRun
from reporting.periods import last_month, last_quarter

pytestmark = pytest.mark.django_db

FORM = {"report": "ovc_ht", "preset": "custom", "period_start": "2026-07-01", "period_end": "2026-09-30"}


def _compile(run: ReportRun) -> None:
    assert services.report_run_compile(run_id=run.pk)


def test_start_follow_lock_print_export(client_for: Callable[[str], Client]) -> None:
    client = client_for("tfadmin")
    listing = client.get(reverse("report_runs"))
    assert listing.status_code == 200
    assert b'name="period_start"' in listing.content
    assert b'href="/reports/"' in listing.content

    response = client.post(reverse("report_runs"), FORM)
    run = ReportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("report_run", args=[run.pk])

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert b'data-testid="run-status">Queued' in page.content
    assert f'hx-get="{reverse("report_run_progress", args=[run.pk])}"'.encode() in page.content
    assert b'hx-trigger="every 1s"' in page.content
    assert b"Refresh" in page.content

    partial = client.get(reverse("report_run_progress", args=[run.pk]))
    assert partial.status_code == 200
    assert b"every 1s" in partial.content
    assert b"<html" not in partial.content

    _compile(run)
    done = client.get(reverse("report_run_progress", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert b"Done" in done.content
    assert b"hx-get" not in done.content
    assert done["HX-Refresh"] == "true"

    page = client.get(reverse("report_run", args=[run.pk]))
    assert b"hx-get" not in page.content
    run.refresh_from_db()
    code = next(iter(run.results))
    assert f'data-code="{code}"'.encode() in page.content
    assert b'name="confirm"' in page.content
    assert reverse("report_run_export", args=[run.pk, "xlsx"]).encode() in page.content
    assert reverse("report_run_print", args=[run.pk]).encode() in page.content

    unconfirmed = client.post(reverse("report_run_lock", args=[run.pk]))
    assert unconfirmed.status_code == 302
    run.refresh_from_db()
    assert not run.locked
    locked = client.post(reverse("report_run_lock", args=[run.pk]), {"confirm": "yes"}, follow=True)
    assert locked.status_code == 200
    run.refresh_from_db()
    assert run.locked
    assert run.locked_by is not None
    assert run.locked_by.username == "tfadmin"
    assert b'name="confirm"' not in locked.content

    printable = client.get(reverse("report_run_print", args=[run.pk]))
    assert printable.status_code == 200
    assert b'data-testid="run-cover"' in printable.content
    assert b"navbar" not in printable.content
    assert b"Task force (all agencies)" in printable.content
    assert b"tfadmin" in printable.content

    xlsx = client.get(reverse("report_run_export", args=[run.pk, "xlsx"]))
    assert xlsx.status_code == 200
    assert xlsx["Content-Disposition"] == 'attachment; filename="ovc_ht_2026-07-01_2026-09-30.xlsx"'
    csv_file = client.get(reverse("report_run_export", args=[run.pk, "csv"]))
    assert csv_file.status_code == 200
    assert csv_file.content.startswith(b"report,")
    assert client.get(reverse("report_run_export", args=[run.pk, "pdf"])).status_code == 404


def test_form_errors_save_nothing(client_for: Callable[[str], Client]) -> None:
    client = client_for("analyst")
    response = client.post(reverse("report_runs"), {**FORM, "period_end": "2026-06-01"})
    assert response.status_code == 400
    assert b'id="id_period_end-error"' in response.content
    missing = client.post(reverse("report_runs"), {**FORM, "period_start": ""})
    assert missing.status_code == 400
    assert b'id="id_period_start-error"' in missing.content
    assert not ReportRun.objects.exists()


def test_quick_periods(client_for: Callable[[str], Client]) -> None:
    assert last_month(date(2026, 10, 15)) == (date(2026, 9, 1), date(2026, 9, 30))
    assert last_month(date(2026, 1, 3)) == (date(2025, 12, 1), date(2025, 12, 31))
    assert last_quarter(date(2026, 10, 15)) == (date(2026, 7, 1), date(2026, 9, 30))
    assert last_quarter(date(2026, 2, 1)) == (date(2025, 10, 1), date(2025, 12, 31))
    response = client_for("analyst").post(reverse("report_runs"), {"report": "voca", "preset": "last_quarter"})
    assert response.status_code == 302
    run = ReportRun.objects.get()
    assert (run.period_end - run.period_start).days in range(89, 92)


def test_differences_shown_for_a_recomputed_run(client_for: Callable[[str], Client], personas: dict[str, User]) -> None:
    admin = personas["tfadmin"]
    first = services.report_run_start(
        actor=admin, report="voca", period_start=date(2026, 7, 1), period_end=date(2026, 9, 30)
    )
    _compile(first)
    services.report_run_lock(run=ReportRun.objects.get(pk=first.pk), actor=admin)
    second = services.report_run_start(
        actor=admin, report="voca", period_start=date(2026, 7, 1), period_end=date(2026, 9, 30)
    )
    _compile(second)
    page = client_for("analyst").get(reverse("report_run", args=[second.pk]))
    assert b'data-testid="run-differences"' in page.content
    assert b"No value changed." in page.content


@pytest.mark.parametrize("username", ["detective", "advocate", "prosecutor", "auditor"])
def test_other_roles_get_403(client_for: Callable[[str], Client], personas: dict[str, User], username: str) -> None:
    run = services.report_run_start(
        actor=personas["tfadmin"], report="ovc_ht", period_start=date(2026, 7, 1), period_end=date(2026, 9, 30)
    )
    client = client_for(username)
    assert client.get(reverse("report_runs")).status_code == 403
    assert client.post(reverse("report_runs"), FORM).status_code == 403
    assert client.get(reverse("report_run", args=[run.pk])).status_code == 403
    assert client.get(reverse("report_run_progress", args=[run.pk])).status_code == 403
    assert client.post(reverse("report_run_lock", args=[run.pk]), {"confirm": "yes"}).status_code == 403
    assert client.get(reverse("report_run_print", args=[run.pk])).status_code == 403
    assert client.get(reverse("report_run_export", args=[run.pk, "csv"])).status_code == 403
    assert ReportRun.objects.count() == 1


def test_unknown_run_is_404_and_nav_shows_reports(client_for: Callable[[str], Client]) -> None:
    client = client_for("analyst")
    assert client.get(reverse("report_run", args=[999999])).status_code == 404
    home = client_for("detective").get(reverse("home"))
    assert b'href="/reports/"' not in home.content
