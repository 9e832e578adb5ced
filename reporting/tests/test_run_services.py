"""Starting, compiling and locking runs: who may, what is refused, what a locked period does."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from reporting import definitions, services
from reporting.models import Award, MeasureDefinition, ReportRun, RunStatus

pytestmark = pytest.mark.django_db
Q2: dict[str, Any] = {"period_start": date(2026, 1, 1), "period_end": date(2026, 3, 31)}


@pytest.mark.parametrize("username", ["detective", "advocate", "auditor", "agent"])
def test_only_administrators_and_analysts_start_runs(personas, username):
    with pytest.raises(PermissionDenied):
        services.report_run_start(actor=personas[username], report="ovc_ht", **Q2)
    assert not ReportRun.objects.exists()


def test_bad_requests_are_refused_with_field_errors(personas):
    award = Award.objects.create(
        funder="bja",
        program="ECM",
        award_number="BJA-1",
        recipient=personas["detective"].agency,
        starts_on=date(2025, 10, 1),
        ends_on=date(2028, 9, 30),
        reports=["bja_ecm"],
    )
    with pytest.raises(ValidationError) as unknown:
        services.report_run_start(actor=personas["analyst"], report="nibrs", **Q2)
    with pytest.raises(ValidationError) as backwards:
        services.report_run_start(
            actor=personas["analyst"], report="voca", period_start=date(2026, 3, 1), period_end=date(2026, 1, 1)
        )
    with pytest.raises(ValidationError) as wrong_award:
        services.report_run_start(actor=personas["analyst"], report="voca", award=award, **Q2)

    assert set(unknown.value.message_dict) == {"report"}
    assert set(backwards.value.message_dict) == {"period_end"}
    assert set(wrong_award.value.message_dict) == {"award"}
    assert not ReportRun.objects.exists()


def test_a_locked_period_is_recomputed_as_a_new_run_that_supersedes_it(personas):
    tfadmin = personas["tfadmin"]
    first = services.report_run_start(actor=tfadmin, report="ovc_ht", **Q2)
    with pytest.raises(ValidationError):
        services.report_run_lock(run=first, actor=tfadmin)  # not compiled yet
    services.report_run_compile(run_id=first.pk)
    locked = services.report_run_lock(run=first, actor=tfadmin)
    with pytest.raises(ValidationError):
        services.report_run_lock(run=locked, actor=tfadmin)

    again = services.report_run_start(actor=personas["analyst"], report="ovc_ht", **Q2)

    assert again.supersedes == locked
    assert services.report_run_compile(run_id=locked.pk) is False  # a locked run is never recompiled
    locked.refresh_from_db()
    assert locked.status == RunStatus.DONE
    assert locked.locked_by == tfadmin


def test_a_definition_naming_a_personal_column_fails_the_run(personas):
    MeasureDefinition.objects.filter(report="ovc_ht", version=1, code="H5").update(
        dimension={"field": "victim__legal_name", "map": {"x": "X"}, "categories": ["X"]}
    )
    run = services.report_run_start(actor=personas["tfadmin"], report="ovc_ht", **Q2)

    assert services.report_run_compile(run_id=run.pk) is False

    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "victim__legal_name" in run.error
    assert "not reportable" in run.error
    assert run.results == {}


def test_a_lookup_that_walks_past_an_allowed_column_is_refused(personas):
    MeasureDefinition.objects.filter(report="ovc_ht", version=1, code="H12").update(
        filters={"providing_agency__victims__legal_name__contains": "a"}
    )
    run = services.report_run_start(actor=personas["tfadmin"], report="ovc_ht", **Q2)

    services.report_run_compile(run_id=run.pk)

    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "not reportable" in run.error


def test_a_period_across_two_fiscal_years_is_refused(personas):
    with pytest.raises(ValidationError) as crossing:
        services.report_run_start(
            actor=personas["analyst"], report="voca", period_start=date(2026, 7, 1), period_end=date(2026, 12, 31)
        )

    assert "2026-10-01" in crossing.value.message_dict["period_end"][0]
    assert not ReportRun.objects.exists()


def test_a_run_abandoned_by_a_dead_worker_is_taken_over_later_not_while_fresh(personas):
    run = services.report_run_start(actor=personas["tfadmin"], report="ovc_ht", **Q2)
    ReportRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, started_at=timezone.now())

    assert services.report_run_compile(run_id=run.pk) is False  # another worker is on it

    ReportRun.objects.filter(pk=run.pk).update(started_at=timezone.now() - timedelta(hours=2))
    assert services.report_run_compile(run_id=run.pk) is True
    run.refresh_from_db()
    assert run.status == RunStatus.DONE


def test_the_frozen_version_1_file_is_what_definitions_py_says():
    # A change to the catalogue or to definitions.py that alters version 1 fails here: make it version 2.
    frozen = json.loads((Path(definitions.__file__).parent / "measures" / "v1.json").read_text(encoding="utf-8"))
    assert frozen["reports"] == json.loads(json.dumps(definitions.V1, default=str))
    loaded = MeasureDefinition.objects.filter(version=1)
    assert loaded.count() == sum(len(rows) for rows in definitions.V1.values())
