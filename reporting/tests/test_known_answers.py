"""Known-answer tests: a small hand-built task force, every measure written out by hand.

The federal fiscal year 2026 runs from 1 October 2025; its second quarter is
January to March 2026. Safe Harbor (the OVC and VOCA award's recipient) serves:

- Vera: sex, woman, 16, U.S. citizen, Hispanic, referred by local police, also
  stalked, LGBTQ. Served in November (Q1) and twice in February: served, not new.
- Lupe: labor, man, 30, foreign national, Asian, referred by federal police.
  Shelter in January, compensation help in March: new.
- Ines: both, gender not asked, age unknown, citizenship unknown, race declined,
  hotline. Immigration help on 31 March: new.
- Tomas: unknown type, gender declined, 65, LPR, race not asked, no referral
  source. Served on 30 September 2025 (last fiscal year) and in January: new.
- Zoe: served only in April: not in the quarter.
- Vera's mother: a family member, counselled in February: never a client.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from cases.models import (
    Arrest,
    Case,
    CaseVictim,
    Charge,
    Disposition,
    FamilyMember,
    ServiceEvent,
    Suspect,
    Victim,
)
from partners.models import Agency
from partners.operations.models import MOU, Meeting, OutreachEvent, TrainingAudience, TrainingEvent
from referrals.models import Referral
from reporting import services
from reporting.models import (
    AgencySubmission,
    Award,
    Expenditure,
    ReportRun,
    RunStatus,
    SubmissionFigure,
    SubmittingAgency,
    TimeEntry,
)
from reporting.submissions import submission_save

Q2 = (date(2026, 1, 1), date(2026, 3, 31))


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 15, tzinfo=UTC)


@pytest.fixture
def world(personas: dict[str, Any]) -> dict[str, Any]:
    advocate, detective, tfadmin = personas["advocate"], personas["detective"], personas["tfadmin"]
    harbor, police = advocate.agency, detective.agency
    # The partners joined before the fiscal year (the seed stamps them today).
    Agency.objects.update(created_at=_at(date(2025, 1, 1)))

    def victim(name: str, intake: date, **profile: Any) -> Victim:
        # Made directly, so the age at intake that cases.services would derive is set here.
        profile.setdefault("age_at_intake", profile.get("estimated_age"))
        return Victim.objects.create(
            owner_agency=harbor, pseudonym=name, intake_date=intake, created_by=advocate, **profile
        )

    vera = victim(
        "Vera",
        date(2025, 11, 10),
        trafficking_type="sex",
        gender="woman",
        estimated_age=16,
        age_group="minor",
        citizenship="us_citizen",
        race_ethnicity="hispanic",
        referral_source="local_le",
        victimizations=["stalking"],
        special_classifications=["lgbtq"],
        status="confirmed",
    )
    lupe = victim(
        "Lupe",
        date(2026, 1, 15),
        trafficking_type="labor",
        gender="man",
        estimated_age=30,
        age_group="adult",
        citizenship="foreign_national",
        race_ethnicity="asian",
        referral_source="federal_le",
        status="potential",
    )
    ines = victim(
        "Ines",
        date(2026, 3, 31),
        trafficking_type="both",
        citizenship="unknown",
        race_ethnicity="declined",
        referral_source="hotline",
        status="confirmed",
    )
    tomas = victim(
        "Tomas",
        date(2026, 1, 5),
        trafficking_type="unknown",
        gender="declined",
        estimated_age=65,
        age_group="adult",
        citizenship="lpr",
    )
    zoe = victim("Zoe", date(2026, 4, 2), trafficking_type="sex", gender="woman")
    mother = FamilyMember.objects.create(victim=vera, relationship="parent", pseudonym="Vera's mother")

    def serve(who: Victim, day: date, service: str, *, family: FamilyMember | None = None) -> None:
        ServiceEvent.objects.create(
            victim=who,
            family_member=family,
            delivered_on=day,
            providing_agency=harbor,
            service_type=service,
            created_by=advocate,
        )

    serve(vera, date(2025, 11, 10), "case_management")
    serve(vera, date(2026, 2, 3), "counseling")
    serve(vera, date(2026, 2, 20), "counseling")
    serve(lupe, date(2026, 1, 15), "emergency_shelter")
    serve(lupe, date(2026, 3, 1), "compensation_application")
    serve(ines, date(2026, 3, 31), "immigration_legal")
    serve(tomas, date(2025, 9, 30), "transportation")
    serve(tomas, date(2026, 1, 5), "transportation")
    serve(zoe, date(2026, 4, 2), "counseling")
    serve(vera, date(2026, 2, 10), "counseling", family=mother)

    # --- Law enforcement (Bayview PD leads every case) ---------------------------
    def case(number: str, opened: date, kind: str, origin: str, closed: date | None = None) -> Case:
        return Case.objects.create(
            case_number=number,
            title=number,
            trafficking_type=kind,
            origin=origin,
            lead_agency=police,
            opened_on=opened,
            closed_on=closed,
            status="closed" if closed else "open",
            created_by=detective,
        )

    tip = case("TF-1", date(2025, 12, 1), "sex", "tip_line")
    sting = case("TF-2", date(2026, 2, 2), "labor", "proactive_operation", closed=date(2026, 3, 15))
    patrol = case("TF-3", date(2026, 3, 31), "sex", "patrol")
    for c, v in ((tip, vera), (sting, lupe), (patrol, ines)):
        CaseVictim.objects.create(case=c, victim=v, linked_by=detective)
    boss = Suspect.objects.create(case=sting, role="trafficker", name="Boss", created_by=detective)
    buyer = Suspect.objects.create(case=sting, role="purchaser", name="Buyer", created_by=detective)
    Suspect.objects.filter(pk__in=[boss.pk, buyer.pk]).update(created_at=_at(date(2026, 2, 9)))
    for suspect, day in ((boss, date(2026, 2, 10)), (buyer, date(2026, 2, 11)), (boss, date(2026, 4, 1))):
        Arrest.objects.create(
            case=sting, suspect=suspect, arrested_on=day, arresting_agency=police, created_by=detective
        )

    def charge(suspect: Suspect, jurisdiction: str, day: date, *, trafficking: bool) -> Charge:
        return Charge.objects.create(
            case=sting,
            suspect=suspect,
            jurisdiction=jurisdiction,
            statute="x",
            is_trafficking_statute=trafficking,
            filed_on=day,
            filing_agency=police,
            created_by=detective,
        )

    state_ht = charge(boss, "state", date(2026, 2, 12), trafficking=True)
    charge(boss, "federal", date(2026, 3, 1), trafficking=False)
    state_other = charge(buyer, "state", date(2026, 1, 2), trafficking=False)
    Disposition.objects.create(
        charge=state_ht, outcome="convicted_plea", disposed_on=date(2026, 3, 20), created_by=detective
    )
    Disposition.objects.create(
        charge=state_other, outcome="dismissed", disposed_on=date(2026, 3, 21), created_by=detective
    )
    Referral.objects.create(
        from_agency=harbor,
        from_user=advocate,
        to_agency=personas["lawyer"].agency,
        victim=lupe,
        status="sent",
        sent_at=_at(date(2026, 2, 5)),
    )

    # --- Task force operations ----------------------------------------------------
    training = TrainingEvent.objects.create(
        title="Signs of trafficking",
        held_on=date(2026, 2, 1),
        hours=2,
        topic="sex",
        delivered_by=harbor,
        created_by=advocate,
    )
    TrainingAudience.objects.create(training=training, discipline="law_enforcement", attendees=20)
    TrainingAudience.objects.create(training=training, discipline="community", attendees=15)
    later = TrainingEvent.objects.create(
        title="Labor", held_on=date(2026, 4, 9), hours=1, topic="labor", delivered_by=harbor, created_by=advocate
    )
    TrainingAudience.objects.create(training=later, discipline="health", attendees=40)
    Meeting.objects.create(
        title="Quarterly",
        host_agency=harbor,
        starts_at=_at(date(2026, 3, 3)),
        ends_at=_at(date(2026, 3, 3)),
        created_by=tfadmin,
    )
    OutreachEvent.objects.create(
        kind="presentation",
        title="Church talk",
        people_reached=120,
        held_on=date(2026, 3, 5),
        delivered_by=harbor,
        created_by=advocate,
    )
    in_force = MOU.objects.create(
        title="Core MOU",
        status="active",
        effective_from=date(2025, 6, 1),
        expires_on=date(2027, 6, 1),
        created_by=tfadmin,
    )
    in_force.parties.set([harbor, police])
    MOU.objects.create(title="Draft", status="draft", created_by=tfadmin)

    # --- A federal partner's monthly figures ----------------------------------------
    feds = personas["agent"]
    submission = AgencySubmission.objects.create(agency=feds.agency, month=date(2026, 2, 1), submitted_by=feds)
    SubmissionFigure.objects.create(submission=submission, item="investigations_opened", value=2)
    SubmissionFigure.objects.create(submission=submission, item="arrests", value=1)

    # --- The awards, time and money ---------------------------------------------------
    ovc = Award.objects.create(
        funder="ovc",
        program="OVC HT services",
        award_number="15POVC-25-GG-00001",
        recipient=harbor,
        starts_on=date(2025, 10, 1),
        ends_on=date(2028, 9, 30),
        reports=["ovc_ht", "voca", "state"],
    )
    for hours, activity, approved, day in (
        (10, "direct_services", True, date(2026, 2, 2)),
        (5, "training", True, date(2026, 3, 2)),
        (3, "coordination", False, date(2026, 3, 3)),
    ):
        TimeEntry.objects.create(
            person=advocate,
            worked_on=day,
            hours=hours,
            award=ovc,
            activity=activity,
            certified_at=_at(day),
            approved_by=personas["supervisor"] if approved else None,
            approved_at=_at(day) if approved else None,
        )
    for day, category, amount, source, state in (
        (date(2026, 2, 27), "personnel", "5000", "federal", "paid"),
        (date(2026, 3, 10), "supplies", "250.50", "match", "paid"),
        (date(2026, 3, 12), "travel", "300", "federal", "obligated"),
        (date(2026, 4, 30), "personnel", "5000", "federal", "paid"),
    ):
        Expenditure.objects.create(
            spent_on=day,
            award=ovc,
            category=category,
            amount=Decimal(amount),
            source=source,
            state=state,
            created_by=tfadmin,
        )
    return {"award": ovc, **personas}


def _compiled(world: dict[str, Any], report: str, period: tuple[date, date], *, award: bool) -> dict[str, Any]:
    run = services.report_run_start(
        actor=world["tfadmin"],
        report=report,
        period_start=period[0],
        period_end=period[1],
        award=world["award"] if award else None,
    )
    assert services.report_run_compile(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    return run.results


def _zeros(categories: list[str], **values: int | float) -> dict[str, int | float]:
    return {category: values.get(category, 0) for category in categories}


pytestmark = pytest.mark.django_db


def test_ovc_ht_second_quarter(world: dict[str, Any]) -> None:
    results = _compiled(world, "ovc_ht", Q2, award=True)

    assert results["H1"] == 4  # Vera, Lupe, Ines, Tomas; Zoe came in April; the mother is family
    assert results["H2"] == 3  # Vera was new in November, not again in February
    assert results["H3"] == 1
    assert results["H4"] == 1
    assert results["H5"] == {"Sex": 1, "Labor": 1, "Both sex and labor": 1, "Unknown/Other": 1}
    assert results["H6"] == {"Adult (18 and over)": 2, "Minor (under 18)": 1, "Unknown": 1}
    assert results["H7"] == {
        "Female": 1,
        "Male": 1,
        "Transgender": 0,
        "Another gender identity": 0,
        "Not reported": 1,
        "Not tracked": 1,
    }
    assert results["H8"] == {"U.S. citizen or LPR": 2, "Foreign national": 1, "Unknown": 1}
    assert {k: v for k, v in results["H10"].items() if v} == {
        "Federal law enforcement": 1,
        "National Human Trafficking Hotline": 1,
        "Unknown": 1,
    }
    assert {k: v for k, v in results["H11"].items() if v} == {
        "Mental health/counseling": 1,
        "Housing: emergency shelter": 1,
        "Criminal justice advocacy/accompaniment": 1,
        "Immigration legal assistance": 1,
        "Transportation": 1,
    }
    assert {k: v for k, v in results["H11B"].items() if v} == {
        "Mental health/counseling": 2,
        "Housing: emergency shelter": 1,
        "Criminal justice advocacy/accompaniment": 1,
        "Immigration legal assistance": 1,
        "Transportation": 1,
    }
    assert results["H11F"] == 1
    assert results["H12"] == 1
    assert results["H13"] == 1
    assert results["H13B"] == 120
    assert results["H14"] == {"Sex trafficking": 1, "Labor trafficking": 0, "Sex and labor": 0, "General": 0}
    assert {k: v for k, v in results["H14B"].items() if v} == {"Law enforcement": 20, "Community": 15}
    assert results["H15"] == 1


def test_a_client_served_in_two_quarters_is_new_once_in_the_fiscal_year(world: dict[str, Any]) -> None:
    first = _compiled(world, "ovc_ht", (date(2025, 10, 1), date(2025, 12, 31)), award=True)
    second = _compiled(world, "ovc_ht", Q2, award=True)
    third = _compiled(world, "voca", (date(2026, 4, 1), date(2026, 6, 30)), award=True)

    assert (first["H1"], first["H2"]) == (1, 1)  # Vera; Tomas's September service was last fiscal year
    assert (second["H1"], second["H2"]) == (4, 3)  # Vera again, continuing
    assert (third["Q1"], third["Q3"]) == (1, 1)  # Zoe, new in April


def test_voca_second_quarter(world: dict[str, Any]) -> None:
    results = _compiled(world, "voca", Q2, award=True)

    assert results["Q1"] == 4
    assert results["Q2"] == 0
    assert results["Q3"] == 3
    # Demographics of the three new individuals: every block sums to Q3.
    assert {k: v for k, v in results["Q4A"].items() if v} == {"Asian": 1, "Not reported": 1, "Not tracked": 1}
    assert results["Q4B"] == {"Male": 1, "Female": 0, "Other": 0, "Not reported": 1, "Not tracked": 1}
    assert results["Q4C"] == {
        "0-12": 0,
        "13-17": 0,
        "18-24": 0,
        "25-59": 1,
        "60 and older": 1,
        "Not reported": 1,
        "Not tracked": 0,
    }
    for block in ("Q4A", "Q4B", "Q4C"):
        assert sum(results[block].values()) == results["Q3"]
    assert {k: v for k, v in results["Q5A"].items() if v} == {
        "Human Trafficking: Labor": 2,
        "Human Trafficking: Sex": 2,
        "Stalking or harassment": 1,
    }
    assert results["Q5B"] == 2  # Ines (sex and labor), Vera (trafficked and stalked)
    assert {k: v for k, v in results["Q5C"].items() if v} == {"LGBTQ": 1}
    assert results["Q6"] == 1
    assert results["Q7"] == {
        "A. Information & referral": 0,
        "B. Personal advocacy/accompaniment": 1,
        "C. Emotional support or safety services": 1,
        "D. Shelter/housing services": 1,
        "E. Criminal/civil justice system assistance": 1,
    }
    assert {k: v for k, v in results["Q8"].items() if v} == {"B9": 1, "C4": 2, "D1": 1, "E7": 1}


def test_bja_ecm_second_quarter_for_the_whole_task_force(world: dict[str, Any]) -> None:
    results = _compiled(world, "bja_ecm", Q2, award=False)

    assert results["L1"] == {"Sex": 1, "Labor": 1, "Both sex and labor": 0, "Unknown": 0}
    assert {k: v for k, v in results["L1B"].items() if v} == {"Proactive": 1, "Patrol": 1}
    assert results["L1S"] == 2
    assert results["L2"] == 2  # the December tip case and the March patrol case are open on 31 March
    assert results["L2B"] == 1
    # Lupe was identified but not confirmed: potential.
    assert results["L3"] == {"Confirmed": 1, "Potential": 1}
    assert {k: v for k, v in results["L3B"].items() if v} == {"Labor": 1, "Both sex and labor": 1}
    assert results["L3C"] == {"Adult": 1, "Minor": 0, "Unknown": 1}
    assert results["L3S"] == {"Confirmed": 0, "Potential": 0}
    assert results["L4"] == 1
    assert results["L4S"] == 0
    assert results["L5"] == {"Trafficker": 1, "Facilitator": 0, "Purchaser": 1, "Other": 0}
    assert results["L6"] == {"Trafficker": 1, "Facilitator": 0, "Purchaser": 1, "Other": 0}
    assert results["L6S"] == 1
    assert results["L7"] == {"State": 2, "Federal": 1, "Tribal": 0}
    assert results["L7B"] == {"Trafficking statute": 1, "Related offense": 2}
    assert results["L7S"] == {"State": 0, "Federal": 0}
    assert results["L8"] == {"State": 1, "Federal": 0, "Tribal": 0}
    assert {k: v for k, v in results["L8B"].items() if v} == {"Convicted (plea)": 1, "Dismissed": 1}
    assert results["L8S"] == 0
    assert results["L9"] == {"Sex trafficking": 1, "Labor trafficking": 0, "Sex and labor": 0, "General": 0}
    assert {k: v for k, v in results["L9B"].items() if v} == {"Law enforcement": 20, "Community": 15}
    assert results["L10"] == 1
    assert results["L10B"] == 1  # the draft is not in force
    assert results["L10C"] == Agency.objects.filter(active=True).count()
    assert results["L11"] == 1


def test_state_report_second_quarter(world: dict[str, Any]) -> None:
    results = _compiled(world, "state", Q2, award=True)

    assert {k: v for k, v in results["S1"].items() if v} == {"Direct services": 10, "Training": 5}
    assert results["S1B"] == 3
    assert results["S1C"] == 1
    assert {k: v for k, v in results["S2"].items() if v} == {"Personnel": 5000}
    assert {k: v for k, v in results["S2B"].items() if v} == {"Supplies": 250.5}
    assert results["S2C"] == 300
    assert results["S3"] == 4
    assert results["S3B"] == 6
    assert results["S3C"] == 1
    assert results["S3D"] == 35
    assert results["S3E"] == 1


def test_a_record_entered_after_the_cutoff_waits_for_the_next_run(world: dict[str, Any]) -> None:
    run = services.report_run_start(
        actor=world["tfadmin"], report="voca", period_start=Q2[0], period_end=Q2[1], award=world["award"]
    )
    late = Victim.objects.create(
        owner_agency=world["advocate"].agency, pseudonym="Late", trafficking_type="sex", created_by=world["advocate"]
    )
    ServiceEvent.objects.create(
        victim=late,
        delivered_on=date(2026, 2, 1),
        providing_agency=world["advocate"].agency,
        service_type="counseling",
        created_by=world["advocate"],
    )
    ServiceEvent.objects.filter(victim=late).update(created_at=_at(date(2030, 1, 1)))

    services.report_run_compile(run_id=run.pk)

    run.refresh_from_db()
    assert run.results["Q1"] == 4


def test_a_second_start_of_the_same_run_does_nothing(world: dict[str, Any]) -> None:
    run = services.report_run_start(actor=world["tfadmin"], report="ovc_ht", period_start=Q2[0], period_end=Q2[1])

    assert services.report_run_compile(run_id=run.pk) is True
    assert services.report_run_compile(run_id=run.pk) is False
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert ReportRun.objects.count() == 1


def test_a_resubmission_after_the_cutoff_leaves_a_queued_run_with_the_figures_known_then(
    world: dict[str, Any],
) -> None:
    feds = world["agent"]
    SubmittingAgency.objects.create(agency=feds.agency, since=date(2025, 10, 1))
    queued = services.report_run_start(actor=world["tfadmin"], report="bja_ecm", period_start=Q2[0], period_end=Q2[1])

    submission_save(
        actor=feds, agency=feds.agency, month=date(2026, 2, 1), figures={"investigations_opened": 5, "arrests": 1}
    )
    services.report_run_compile(run_id=queued.pk)
    later = _compiled(world, "bja_ecm", Q2, award=False)

    queued.refresh_from_db()
    assert queued.results["L1S"] == 2
    assert later["L1S"] == 5
    assert later["L6S"] == 1


def test_a_training_another_agency_delivered_counts_in_the_award_that_funded_it(world: dict[str, Any]) -> None:
    police = world["detective"].agency
    funded = TrainingEvent.objects.create(
        title="Labor trafficking indicators",
        held_on=date(2026, 3, 10),
        hours=3,
        topic="labor",
        delivered_by=police,
        funding_award=world["award"].award_number,
        created_by=world["detective"],
    )
    TrainingAudience.objects.create(training=funded, discipline="health", attendees=12)
    TrainingEvent.objects.create(
        title="Unfunded",
        held_on=date(2026, 3, 11),
        hours=1,
        topic="sex",
        delivered_by=police,
        created_by=world["detective"],
    )

    results = _compiled(world, "ovc_ht", Q2, award=True)

    assert results["H14"] == {"Sex trafficking": 1, "Labor trafficking": 1, "Sex and labor": 0, "General": 0}
    assert {k: v for k, v in results["H14B"].items() if v} == {"Law enforcement": 20, "Health": 12, "Community": 15}
