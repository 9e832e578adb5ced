"""The report run API: start, read, lock, export; who may; what changed since a lock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from partners.models import User
from reporting import services
from reporting.models import AnonymousContact, Award, ReportRun, RunStatus

pytestmark = pytest.mark.django_db

RUNS = "/api/v1/reports/runs/"
Q3_START, Q3_END = date(2026, 7, 1), date(2026, 9, 30)


def _body(**overrides: Any) -> dict[str, Any]:
    body = {"report": "ovc_ht", "period_start": "2026-07-01", "period_end": "2026-09-30"}
    body.update(overrides)
    return body


def _start(actor: User, *, report: str = "ovc_ht", start: date = Q3_START, end: date = Q3_END, **kw: Any) -> ReportRun:
    # The worker is never reached from a test: on_commit callbacks do not run here.
    return services.report_run_start(actor=actor, report=report, period_start=start, period_end=end, **kw)


def _compiled(run: ReportRun) -> ReportRun:
    assert services.report_run_compile(run_id=run.pk)
    run.refresh_from_db()
    return run


@pytest.fixture
def award(personas: dict[str, User]) -> Award:
    return Award.objects.create(
        funder="ovc",
        program="Enhanced Collaborative Model",
        award_number="15POVC-26-GG-00042",
        recipient=personas["tfadmin"].agency,
        starts_on=date(2025, 10, 1),
        ends_on=date(2028, 9, 30),
        reports=["ovc_ht", "bja_ecm"],
    )


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("tfadmin", 202),
        ("analyst", 202),
        ("detective", 403),
        ("advocate", 403),
        ("prosecutor", 403),
        ("supervisor", 403),
        ("auditor", 403),
    ],
)
def test_create_by_persona(client_for: Callable[[str], Client], username: str, expected: int) -> None:
    response = client_for(username).post(RUNS, _body(), content_type="application/json")
    assert response.status_code == expected, response.content
    if expected == 202:
        run = ReportRun.objects.get()
        assert response.json() == {"id": run.pk, "status": "queued"}
        assert response["Location"].endswith(f"{RUNS}{run.pk}/")
        assert run.requested_by is not None
        assert run.requested_by.username == username
    else:
        assert not ReportRun.objects.exists()


def test_create_with_an_award_by_id(client_for: Callable[[str], Client], award: Award) -> None:
    response = client_for("tfadmin").post(RUNS, _body(award=award.pk), content_type="application/json")
    assert response.status_code == 202
    assert ReportRun.objects.get(pk=response.json()["id"]).award == award


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (_body(report="nope"), "report"),
        (_body(period_end="2026-06-01"), "period_end"),
        (_body(period_start="2025-01-01", period_end="2026-09-30"), "period_end"),
        (_body(period_start="not a date"), "period_start"),
        (_body(award=999999), "award"),
        (_body(report="voca", award="AWARD"), "award"),
    ],
)
def test_create_refuses_bad_input(
    client_for: Callable[[str], Client], award: Award, body: dict[str, Any], field: str
) -> None:
    if body.get("award") == "AWARD":
        body["award"] = award.pk  # the award does not file the VOCA report
    response = client_for("analyst").post(RUNS, body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not ReportRun.objects.exists()


def test_non_reporting_roles_are_refused_everything(
    client_for: Callable[[str], Client], personas: dict[str, User]
) -> None:
    run = _compiled(_start(personas["tfadmin"]))
    client = client_for("detective")
    assert client.get(RUNS).status_code == 403
    assert client.get(f"{RUNS}{run.pk}/").status_code == 403
    assert client.post(f"{RUNS}{run.pk}/lock/").status_code == 403
    assert client.get(f"{RUNS}{run.pk}/export/?format=csv").status_code == 403
    run.refresh_from_db()
    assert not run.locked


def test_read_returns_results_after_compile(client_for: Callable[[str], Client], personas: dict[str, User]) -> None:
    run = _start(personas["analyst"])
    client = client_for("analyst")
    queued = client.get(f"{RUNS}{run.pk}/").json()
    assert queued["status"] == "queued"
    assert queued["results"] == {}
    assert queued["differences"] == []
    _compiled(run)
    data = client.get(f"{RUNS}{run.pk}/").json()
    assert set(data) == {
        "id",
        "report",
        "award",
        "period_start",
        "period_end",
        "status",
        "progress",
        "error",
        "results",
        "definition_version",
        "cutoff_at",
        "locked_at",
        "locked_by",
        "supersedes",
        "differences",
    }
    assert data["status"] == "done"
    assert data["progress"] == 100
    assert data["results"] == run.results
    assert data["results"]
    assert data["period_start"] == "2026-07-01"
    assert data["report"] == "ovc_ht"
    assert client.get(f"{RUNS}999999/").status_code == 404


def test_lock_then_conflict(client_for: Callable[[str], Client], personas: dict[str, User]) -> None:
    run = _start(personas["tfadmin"])
    client = client_for("tfadmin")
    not_done = client.post(f"{RUNS}{run.pk}/lock/")
    assert not_done.status_code == 409
    assert not_done.json()["detail"]
    _compiled(run)
    locked = client.post(f"{RUNS}{run.pk}/lock/")
    assert locked.status_code == 200
    assert locked.json()["locked_by"] == "tfadmin"
    assert locked.json()["locked_at"]
    again = client.post(f"{RUNS}{run.pk}/lock/")
    assert again.status_code == 409
    assert "already locked" in again.json()["detail"]


def test_export_xlsx_and_csv(client_for: Callable[[str], Client], personas: dict[str, User]) -> None:
    run = _start(personas["analyst"])
    client = client_for("analyst")
    assert client.get(f"{RUNS}{run.pk}/export/?format=xlsx").status_code == 409
    _compiled(run)
    xlsx = client.get(f"{RUNS}{run.pk}/export/?format=xlsx")
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert xlsx["Content-Disposition"] == 'attachment; filename="ovc_ht_2026-07-01_2026-09-30.xlsx"'
    assert xlsx.content[:2] == b"PK"
    default = client.get(f"{RUNS}{run.pk}/export/")
    assert default.status_code == 200
    assert default["Content-Disposition"].endswith('.xlsx"')
    csv_response = client.get(f"{RUNS}{run.pk}/export/?format=csv")
    assert csv_response.status_code == 200
    assert csv_response["Content-Disposition"] == 'attachment; filename="ovc_ht_2026-07-01_2026-09-30.csv"'
    assert csv_response.content.decode().startswith(
        "report,period_start,period_end,section,code,measure,category,value"
    )
    unknown = client.get(f"{RUNS}{run.pk}/export/?format=pdf")
    assert unknown.status_code == 400
    assert "format" in unknown.json()


def test_differences_after_a_late_record(client_for: Callable[[str], Client], personas: dict[str, User]) -> None:
    admin = personas["tfadmin"]
    first = _compiled(_start(admin, report="voca"))
    services.report_run_lock(run=first, actor=admin)
    # Entered after the locked run's cut-off, dated inside its period.
    AnonymousContact.objects.create(agency=admin.agency, contacted_on=date(2026, 8, 3), contacts=3, created_by=admin)
    client = client_for("tfadmin")
    response = client.post(RUNS, _body(report="voca"), content_type="application/json")
    assert response.status_code == 202
    second = ReportRun.objects.get(pk=response.json()["id"])
    assert second.supersedes == first
    _compiled(second)
    data = client.get(f"{RUNS}{second.pk}/").json()
    assert data["supersedes"] == first.pk
    q2 = [item for item in data["differences"] if item["code"] == "Q2"]
    assert q2 == [{"code": "Q2", "category": "", "locked": first.results["Q2"], "now": first.results["Q2"] + 3}]


def _list_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(RUNS)
    assert response.status_code == 200
    return len(queries)


def test_list_newest_first_in_a_fixed_number_of_queries(
    client_for: Callable[[str], Client], personas: dict[str, User], award: Award
) -> None:
    admin = personas["tfadmin"]
    client = client_for("analyst")
    runs = [_start(admin), _start(admin, award=award)]
    _compiled(runs[0])
    services.report_run_lock(run=runs[0], actor=admin)
    two = _list_queries(client)
    runs += [_start(admin), _start(admin, award=award, report="bja_ecm"), _start(personas["analyst"], report="voca")]
    runs.append(_start(admin, start=date(2026, 4, 1), end=date(2026, 6, 30)))
    _compiled(runs[3])
    services.report_run_lock(run=runs[3], actor=personas["analyst"])
    six = _list_queries(client)
    assert six == two
    data = client.get(RUNS).json()
    assert data["count"] == 6
    assert [item["id"] for item in data["results"]] == [run.pk for run in reversed(runs)]
    assert data["results"][-1]["locked_by"] == "tfadmin"
    assert data["results"][0]["status"] == RunStatus.QUEUED
