"""A report run as a spreadsheet (XLSX) or a CSV file.

Runs hold aggregates only, so an export carries no personal data by
construction: measure codes, labels, categories and counts.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from reporting.models import ReportRun
from reporting.selectors import Row, rows_by_section, run_rows

SHEET_TITLE_MAX = 31
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# A cell a spreadsheet would read as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = ("report", "period_start", "period_end", "section", "code", "measure", "category", "value")


def export_filename(run: ReportRun, extension: str) -> str:
    return f"{run.report}_{run.period_start.isoformat()}_{run.period_end.isoformat()}.{extension}"


def _moment(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M %Z") if value else ""


def award_text(run: ReportRun) -> str:
    if run.award is None:
        return _("Task force (all agencies)")
    return f"{run.award.award_number} — {run.award.recipient.name}"


def cover(run: ReportRun, *, generated_at: datetime | None = None) -> list[tuple[str, Any]]:
    """(label, value) of the cover information, in order."""
    return [
        (_("Report"), str(run.get_report_display())),
        (_("Award"), award_text(run)),
        (_("Period"), _("%(start)s to %(end)s") % {"start": run.period_start, "end": run.period_end}),
        (_("Fiscal year start"), run.fiscal_year_start.isoformat()),
        (_("Data cut-off"), _moment(run.cutoff_at)),
        (_("Definition version"), run.definition_version),
        (_("Status"), str(run.get_status_display())),
        (_("Locked by"), run.locked_by.username if run.locked_by else ""),
        (_("Locked at"), _moment(run.locked_at)),
        (_("Generated at"), _moment(generated_at or timezone.now())),
    ]


def sheet_title(section: str, taken: set[str]) -> str:
    """A worksheet title: no []:*?/\\ characters, at most 31 characters, unique in the workbook."""
    base = _SHEET_FORBIDDEN.sub(" ", section).strip().strip("'") or _("Section")
    title = base[:SHEET_TITLE_MAX].strip()
    counter = 2
    while title.lower() in taken:
        suffix = f" ({counter})"
        title = base[: SHEET_TITLE_MAX - len(suffix)].strip() + suffix
        counter += 1
    taken.add(title.lower())
    return title


def _put(sheet: Worksheet, row: int, column: int, value: Any, *, bold: bool = False) -> None:
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text, never a formula
    if bold:
        cell.font = Font(bold=True)


def run_xlsx(run: ReportRun, rows: list[Row] | None = None) -> bytes:
    """A Cover sheet, then one sheet per questionnaire section: code | measure | category | value."""
    rows = run_rows(run) if rows is None else rows
    workbook = Workbook()
    sheet = workbook.active
    if not isinstance(sheet, Worksheet):  # a new workbook always has one worksheet
        sheet = workbook.create_sheet()
    sheet.title = "Cover"
    taken = {"cover"}
    for index, (label, value) in enumerate(cover(run), start=1):
        _put(sheet, index, 1, label, bold=True)
        _put(sheet, index, 2, value)
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 60
    headers = (_("Code"), _("Measure"), _("Category"), _("Value"))
    for section, section_rows in rows_by_section(rows):
        page = workbook.create_sheet(sheet_title(section, taken))
        for column, header in enumerate(headers, start=1):
            _put(page, 1, column, header, bold=True)
        for line, item in enumerate(section_rows, start=2):
            _put(page, line, 1, item.code)
            _put(page, line, 2, item.label)
            _put(page, line, 3, item.category)
            _put(page, line, 4, item.value)
        page.freeze_panes = "A2"
        for letter, width in zip("ABCD", (10, 70, 32, 12), strict=True):
            page.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def run_csv(run: ReportRun, rows: list[Row] | None = None) -> str:
    """One line per measure (or category): report, period_start, period_end, section, code, measure, category, value."""
    rows = run_rows(run) if rows is None else rows
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for item in rows:
        writer.writerow(
            [
                run.report,
                run.period_start.isoformat(),
                run.period_end.isoformat(),
                _text(item.section),
                _text(item.code),
                _text(item.label),
                _text(item.category),
                "" if item.value is None else item.value,
            ]
        )
    return buffer.getvalue()
