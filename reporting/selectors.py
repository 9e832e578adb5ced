"""Reads of the reporting app: report runs, their rows and their differences.

Runs hold aggregates only (numbers per measure and category), so every person
with a reporting role reads every run; anyone else reads none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from partners.models import User
from reporting.access import may_run_reports
from reporting.models import MeasureDefinition, ReportRun

Value = int | float | None


@dataclass(frozen=True)
class Difference:
    """A measure (and category; "" for a single number) whose value changed since the locked run."""

    code: str
    category: str
    locked: Value
    now: Value


@dataclass(frozen=True)
class Row:
    """One line of a report: a measure, or one category of a measure."""

    section: str
    code: str
    label: str
    category: str
    value: Value


def runs_visible_to(user: User) -> QuerySet[ReportRun]:
    """Every run for the reporting roles, newest first; none for anyone else."""
    if not may_run_reports(user):
        return ReportRun.objects.none()
    return ReportRun.objects.select_related(
        "award", "award__recipient", "locked_by", "requested_by", "supersedes"
    ).order_by("-created_at", "-id")


def run_get(*, user: User, pk: int | str) -> ReportRun:
    """One visible run; Http404 when it does not exist or is not visible (the same answer)."""
    try:
        return runs_visible_to(user).get(pk=int(pk))
    except (ReportRun.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _number(value: Any) -> Value:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    return None


def _flatten(results: dict[str, Any]) -> dict[tuple[str, str], Value]:
    """(code, category) -> number; a single number has the category ""."""
    flat: dict[tuple[str, str], Value] = {}
    for code, value in results.items():
        if isinstance(value, dict):
            for category, number in value.items():
                flat[(str(code), str(category))] = _number(number)
        else:
            flat[(str(code), "")] = _number(value)
    return flat


def run_differences(run: ReportRun) -> list[Difference]:
    """What changed since the locked run this one recomputes, measure by measure and
    category by category, in this run's order (then anything only the locked run had).
    Empty when the run supersedes nothing or is not finished."""
    locked_run = run.supersedes
    if locked_run is None or run.status != "done":
        return []
    now = _flatten(run.results or {})
    before = _flatten(locked_run.results or {})
    keys = list(now) + [key for key in before if key not in now]
    return [
        Difference(code=code, category=category, locked=before.get((code, category)), now=now.get((code, category)))
        for code, category in keys
        if before.get((code, category)) != now.get((code, category))
    ]


def run_definitions(run: ReportRun) -> list[MeasureDefinition]:
    return list(
        MeasureDefinition.objects.filter(report=run.report, version=run.definition_version).order_by("position", "id")
    )


def run_rows(run: ReportRun, definitions: list[MeasureDefinition] | None = None) -> list[Row]:
    """The report's lines in questionnaire order: one per measure, or one per category
    of a measure with categories. Values are None until the run is done."""
    if definitions is None:
        definitions = run_definitions(run)
    results: dict[str, Any] = run.results or {}
    rows: list[Row] = []
    for definition in definitions:
        value = results.get(definition.code)
        if isinstance(value, dict):
            rows.extend(
                Row(definition.section, definition.code, definition.label, str(category), _number(number))
                for category, number in value.items()
            )
        else:
            rows.append(Row(definition.section, definition.code, definition.label, "", _number(value)))
    return rows


def rows_by_section(rows: list[Row]) -> list[tuple[str, list[Row]]]:
    """Rows grouped by section, sections in the order they first appear."""
    sections: dict[str, list[Row]] = {}
    for row in rows:
        sections.setdefault(row.section, []).append(row)
    return list(sections.items())
