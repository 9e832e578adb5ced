"""Exports of a report run: the XLSX round trip and the CSV file."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest
from openpyxl import load_workbook

from partners.models import User
from reporting import exports, selectors, services
from reporting.models import Award, ReportRun

pytestmark = pytest.mark.django_db


def _done_run(actor: User, *, report: str = "ovc_ht", award: Award | None = None) -> ReportRun:
    run = services.report_run_start(
        actor=actor, report=report, period_start=date(2026, 7, 1), period_end=date(2026, 9, 30), award=award
    )
    assert services.report_run_compile(run_id=run.pk)
    run = ReportRun.objects.select_related("award__recipient", "locked_by").get(pk=run.pk)
    return run


def _values(workbook: Any) -> dict[tuple[str, str], Any]:
    """(code, category) -> value, from every section sheet."""
    found: dict[tuple[str, str], Any] = {}
    for sheet in workbook.worksheets[1:]:
        header = [cell.value for cell in sheet[1]]
        assert header == ["Code", "Measure", "Category", "Value"]
        assert all(cell.font.bold for cell in sheet[1])
        for code, _label, category, value in sheet.iter_rows(min_row=2, values_only=True):
            found[(str(code), category or "")] = value
    return found


def test_xlsx_round_trip(personas: dict[str, User]) -> None:
    admin = personas["tfadmin"]
    award = Award.objects.create(
        funder="ovc",
        program="Enhanced Collaborative Model",
        award_number="15POVC-26-GG-00042",
        recipient=admin.agency,
        starts_on=date(2025, 10, 1),
        ends_on=date(2028, 9, 30),
        reports=["ovc_ht"],
    )
    run = _done_run(admin, award=award)
    services.report_run_lock(run=run, actor=admin)
    run = ReportRun.objects.select_related("award__recipient", "locked_by").get(pk=run.pk)

    workbook = load_workbook(io.BytesIO(exports.run_xlsx(run)))
    cover = workbook["Cover"]
    assert workbook.sheetnames[0] == "Cover"
    labels = {cover.cell(row=row, column=1).value: cover.cell(row=row, column=2).value for row in range(1, 11)}
    assert labels["Report"] == "OVC human trafficking"
    assert labels["Award"] == f"15POVC-26-GG-00042 — {admin.agency.name}"
    assert labels["Period"] == "2026-07-01 to 2026-09-30"
    assert labels["Fiscal year start"] == "2025-10-01"
    assert labels["Definition version"] == run.definition_version
    assert labels["Status"] == "Done"
    assert labels["Locked by"] == "tfadmin"
    assert labels["Locked at"]
    assert labels["Data cut-off"]
    assert labels["Generated at"]

    rows = selectors.run_rows(run)
    sections = {row.section for row in rows}
    assert len(workbook.sheetnames) == 1 + len(sections)
    assert all(len(title) <= 31 for title in workbook.sheetnames)
    values = _values(workbook)
    assert len(values) == len(rows)
    for code, result in run.results.items():
        if isinstance(result, dict):
            for category, number in result.items():
                assert values[(code, category)] == number
        else:
            assert values[(code, "")] == result
            assert isinstance(values[(code, "")], int | float)


def test_xlsx_cover_for_the_task_force(personas: dict[str, User]) -> None:
    run = _done_run(personas["analyst"], report="voca")
    cover = load_workbook(io.BytesIO(exports.run_xlsx(run)))["Cover"]
    assert cover["A2"].value == "Award"
    assert cover["B2"].value == "Task force (all agencies)"
    assert not cover["B8"].value  # not locked


def test_csv_parses_one_line_per_row(personas: dict[str, User]) -> None:
    run = _done_run(personas["analyst"])
    lines = list(csv.reader(io.StringIO(exports.run_csv(run))))
    assert lines[0] == ["report", "period_start", "period_end", "section", "code", "measure", "category", "value"]
    rows = selectors.run_rows(run)
    assert len(lines) - 1 == len(rows)
    first = rows[0]
    assert lines[1][:6] == ["ovc_ht", "2026-07-01", "2026-09-30", first.section, first.code, first.label]
    assert lines[1][7] == str(first.value)


def test_sheet_titles_are_sanitized_and_unique() -> None:
    taken = {"cover"}
    long = "Services: provided / referred [by type]? and then some more words"
    first = exports.sheet_title(long, taken)
    second = exports.sheet_title(long, taken)
    assert len(first) <= 31
    assert len(second) <= 31
    assert not set(first) & set("[]:*?/\\")
    assert first != second
    assert second.endswith("(2)")
    assert exports.sheet_title("Cover", taken) == "Cover (2)"


def test_csv_neutralizes_formulas(personas: dict[str, User]) -> None:
    run = _done_run(personas["analyst"], report="voca")
    rows = [selectors.Row("=cmd()", "X1", "+danger", "@here", 4)]
    line = list(csv.reader(io.StringIO(exports.run_csv(run, rows))))[1]
    assert line[3:] == ["'=cmd()", "X1", "'+danger", "'@here", "4"]
