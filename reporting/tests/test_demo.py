"""The demo's compiled reports match the demo records, counted here another way."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from cases.models import Case, ServiceEvent
from reporting.models import Award, ReportRun, RunStatus, SubmittingAgency

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings) -> None:
    settings.DEMO = False
    call_command("seed_demo", "--force", stdout=StringIO())


def _run(report: str) -> tuple[ReportRun, Award]:
    run = ReportRun.objects.select_related("award").get(report=report)
    assert run.status == RunStatus.DONE, run.error
    assert run.award is not None
    return run, run.award


def test_the_demo_reports_count_the_demo_records(demo):
    (ovc, ovc_award), (bja, bja_award), (voca, voca_award) = _run("ovc_ht"), _run("bja_ecm"), _run("voca")
    quarter = (ovc.period_start, ovc.period_end)

    served = ServiceEvent.objects.filter(
        delivered_on__range=quarter, family_member__isnull=True, providing_agency=ovc_award.recipient
    )
    assert ovc.results["H1"] == served.values("victim").distinct().count()
    assert ovc.results["H4"] == (
        ServiceEvent.objects.filter(
            delivered_on__range=quarter, family_member__isnull=False, providing_agency=ovc_award.recipient
        )
        .values("family_member")
        .distinct()
        .count()
    )
    assert ovc.locked_at is not None

    opened = Case.objects.filter(opened_on__range=quarter, lead_agency=bja_award.recipient)
    assert sum(bja.results["L1"].values()) == opened.count()
    # The federal partner's figures belong to a task-force-wide run, not to Bayview's award.
    assert bja.results["L1S"] == 0

    voca_served = ServiceEvent.objects.filter(
        delivered_on__range=quarter, family_member__isnull=True, providing_agency=voca_award.recipient
    )
    assert voca.results["Q1"] == voca_served.values("victim").distinct().count()
    assert sum(voca.results["Q4B"].values()) == voca.results["Q3"]

    # A demo whose reports count nothing would show nothing: its records fall in the reported quarter.
    assert ovc.results["H1"] > 0
    assert sum(bja.results["L1"].values()) + bja.results["L2"] > 0
    assert Award.objects.count() == 3
    # Five months of the federal partner's figures; the last month is still missing.
    assert SubmittingAgency.objects.get().agency.submissions.count() == 5
