"""The schedule: on the 1st, the month just closed for monthly awards and the quarter just closed for all."""

from __future__ import annotations

from datetime import date

import pytest
from celery.schedules import crontab
from django.conf import settings

from reporting import services
from reporting.models import Award, MeasureDefinition, ReportRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def awards(personas):
    quarterly = Award.objects.create(
        funder="ovc",
        program="HT services",
        award_number="OVC-1",
        recipient=personas["advocate"].agency,
        starts_on=date(2025, 10, 1),
        ends_on=date(2028, 9, 30),
        reports=["ovc_ht"],
    )
    monthly = Award.objects.create(
        funder="state_voca",
        program="VOCA",
        award_number="VOCA-1",
        recipient=personas["advocate2"].agency,
        starts_on=date(2025, 10, 1),
        ends_on=date(2026, 9, 30),
        cadence="monthly",
        reports=["voca", "state"],
    )
    Award.objects.create(
        funder="bja",
        program="Closed",
        award_number="BJA-OLD",
        recipient=personas["detective"].agency,
        starts_on=date(2020, 10, 1),
        ends_on=date(2023, 9, 30),
        reports=["bja_ecm"],
    )
    return quarterly, monthly


def _periods() -> set[tuple[str, str, date, date]]:
    return {
        (report, number, start, end)
        for report, number, start, end in ReportRun.objects.values_list(
            "report", "award__award_number", "period_start", "period_end"
        )
    }


def test_the_first_of_january_queues_december_and_the_first_fiscal_quarter(awards, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        started = services.reports_schedule_due(today=date(2026, 1, 1))

    assert started == 6
    assert _periods() == {
        ("ovc_ht", "OVC-1", date(2025, 12, 1), date(2025, 12, 31)),
        ("ovc_ht", "OVC-1", date(2025, 10, 1), date(2025, 12, 31)),
        ("voca", "VOCA-1", date(2025, 12, 1), date(2025, 12, 31)),
        ("state", "VOCA-1", date(2025, 12, 1), date(2025, 12, 31)),
        ("voca", "VOCA-1", date(2025, 10, 1), date(2025, 12, 31)),
        ("state", "VOCA-1", date(2025, 10, 1), date(2025, 12, 31)),
    }
    assert all(run.scheduled and run.requested_by is None for run in ReportRun.objects.all())


def test_a_second_beat_on_the_same_day_queues_nothing_more(awards, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        services.reports_schedule_due(today=date(2026, 1, 1))
        again = services.reports_schedule_due(today=date(2026, 1, 1))

    assert again == 0
    assert ReportRun.objects.count() == 6


def test_a_month_that_closes_no_quarter_queues_only_the_month(awards, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        services.reports_schedule_due(today=date(2026, 2, 1))

    assert _periods() == {
        ("ovc_ht", "OVC-1", date(2026, 1, 1), date(2026, 1, 31)),
        ("voca", "VOCA-1", date(2026, 1, 1), date(2026, 1, 31)),
        ("state", "VOCA-1", date(2026, 1, 1), date(2026, 1, 31)),
    }


def test_the_beat_entry_runs_the_schedule_on_the_first_of_each_month():
    entry = settings.CELERY_BEAT_SCHEDULE["reports-schedule-due"]
    assert entry["task"] == "reporting.schedule_due"
    schedule = entry["schedule"]
    assert isinstance(schedule, crontab)
    assert schedule.day_of_month == {1}  # type: ignore[attr-defined]


def test_periods_outside_the_award_are_not_queued(personas, django_capture_on_commit_callbacks):
    Award.objects.create(
        funder="ovc",
        program="Starts later",
        award_number="OVC-LATE",
        recipient=personas["advocate"].agency,
        starts_on=date(2026, 1, 1),
        ends_on=date(2027, 12, 31),
        reports=["ovc_ht"],
    )
    with django_capture_on_commit_callbacks(execute=False):
        started = services.reports_schedule_due(today=date(2026, 1, 1))

    assert started == 0  # October to December 2025 is before the award began


def test_a_semiannual_award_gets_its_half_year_not_quarters(personas, django_capture_on_commit_callbacks):
    Award.objects.create(
        funder="ovc",
        program="TIMS-era",
        award_number="OVC-HALF",
        recipient=personas["advocate"].agency,
        starts_on=date(2025, 1, 1),
        ends_on=date(2027, 12, 31),
        fiscal_year_start_month=1,
        cadence="semiannual",
        reports=["ovc_ht"],
    )
    with django_capture_on_commit_callbacks(execute=False):
        in_april = services.reports_schedule_due(today=date(2026, 4, 1))
        in_july = services.reports_schedule_due(today=date(2026, 7, 1))

    assert in_april == 1  # March only
    assert in_july == 2  # June and the half year, no quarter
    assert _periods() == {
        ("ovc_ht", "OVC-HALF", date(2026, 3, 1), date(2026, 3, 31)),
        ("ovc_ht", "OVC-HALF", date(2026, 6, 1), date(2026, 6, 30)),
        ("ovc_ht", "OVC-HALF", date(2026, 1, 1), date(2026, 6, 30)),
    }


def test_one_refused_award_does_not_stop_the_others(awards, django_capture_on_commit_callbacks):
    # No VOCA definitions in effect: the VOCA award's runs are refused, the OVC award's still queued.
    MeasureDefinition.objects.filter(report="voca").delete()
    with django_capture_on_commit_callbacks(execute=False):
        started = services.reports_schedule_due(today=date(2026, 1, 1))

    assert ("ovc_ht", "OVC-1", date(2025, 10, 1), date(2025, 12, 31)) in _periods()
    assert not ReportRun.objects.filter(report="voca").exists()
    assert started == 4
