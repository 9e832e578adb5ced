"""The demo task force's grants: three awards, time and money charged to them,
a federal partner's monthly figures (last month still missing), and the last
closed quarter's OVC, VOCA and BJA reports compiled, the OVC one locked.

Idempotent: a second run writes nothing (the OVC award's number is the marker).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from partners.models import Agency, User
from partners.operations import services as operations
from partners.operations.models import TrainingEvent
from reporting import services
from reporting.models import (
    AgencySubmission,
    AnonymousContact,
    Award,
    Cadence,
    Expenditure,
    Funder,
    ReportRun,
    SubmissionFigure,
    SubmittingAgency,
    TimeEntry,
)
from reporting.periods import fiscal_year_start, last_quarter, months_back

OVC_AWARD = "15POVC-25-GG-00123"


def seed(*, today: date | None = None) -> dict[str, int]:
    created = {"awards": 0, "time_entries": 0, "expenditures": 0, "submissions": 0, "runs": 0}
    if Award.objects.filter(award_number=OVC_AWARD).exists():
        return created
    agencies = {agency.slug: agency for agency in Agency.objects.all()}
    people = {user.username: user for user in User.objects.filter(is_active=True)}
    needed = {"safe-harbor", "bayview-pd", "comunidad", "hsi"}
    if not needed <= set(agencies) or "tfadmin" not in people:
        return created
    today = today or timezone.localdate()
    fy_start = fiscal_year_start(today, start_month=10)
    award_start = date(fy_start.year - 1, 10, 1)
    with transaction.atomic():
        ovc = Award.objects.create(
            funder=Funder.OVC,
            program="Services for victims of human trafficking (ECM victim services)",
            award_number=OVC_AWARD,
            recipient=agencies["safe-harbor"],
            starts_on=award_start,
            ends_on=date(award_start.year + 3, 9, 30),
            budget={
                "personnel": "420000",
                "fringe": "110000",
                "travel": "18000",
                "supplies": "12000",
                "other": "90000",
            },
            match_required=Decimal("162500"),
            reports=["ovc_ht", "state"],
        )
        bja = Award.objects.create(
            funder=Funder.BJA,
            program="Enhanced Collaborative Model task force (law enforcement)",
            award_number="15PBJA-25-GG-00456",
            recipient=agencies["bayview-pd"],
            starts_on=award_start,
            ends_on=date(award_start.year + 3, 9, 30),
            budget={"personnel": "380000", "travel": "25000", "equipment": "30000", "other": "40000"},
            match_required=Decimal("118750"),
            reports=["bja_ecm", "state"],
        )
        voca = Award.objects.create(
            funder=Funder.STATE_VOCA,
            program="VOCA victim assistance subaward",
            award_number="VOCA-2026-017",
            recipient=agencies["comunidad"],
            starts_on=fy_start,
            ends_on=date(fy_start.year + 1, 9, 30),
            budget={"personnel": "95000", "supplies": "3000", "other": "7000"},
            match_required=Decimal("26250"),
            cadence=Cadence.MONTHLY,
            reports=["voca", "state"],
        )
        created["awards"] = 3
        created["time_entries"] = _seed_time(people, ovc=ovc, bja=bja, voca=voca, today=today)
        created["expenditures"] = _seed_money(people["tfadmin"], (ovc, bja, voca), today=today)
        created["submissions"] = _seed_submissions(agencies["hsi"], people, today=today)
        # The task force office's trainings were paid for by the two federal awards, in turn.
        for index, training in enumerate(TrainingEvent.objects.filter(held_on__gte=award_start).order_by("held_on")):
            operations.training_update(training=training, actor=None, funding_award=(ovc, bja)[index % 2].award_number)
        for day in months_back(count=6, today=today):
            AnonymousContact.objects.create(
                agency=agencies["safe-harbor"],
                contacted_on=day + timedelta(days=11),
                contacts=3 + day.month % 4,
                created_by=people["advocate"],
            )
    created["runs"] = _seed_runs(people["tfadmin"], ovc=ovc, bja=bja, voca=voca, today=today)
    return created


def _seed_time(people: dict[str, User], *, ovc: Award, bja: Award, voca: Award, today: date) -> int:
    plan = [
        ("advocate", ovc, ["direct_services", "direct_services", "training", "coordination"]),
        ("supervisor", ovc, ["administration", "coordination", "direct_services", "data_reporting"]),
        ("detective", bja, ["investigation", "investigation", "coordination", "training"]),
        ("advocate2", voca, ["direct_services", "direct_services", "outreach", "data_reporting"]),
    ]
    approvers = {"safe-harbor": people.get("supervisor"), "bayview-pd": None, "comunidad": None}
    count = 0
    for week in range(1, 27):
        day = today - timedelta(weeks=week)
        day -= timedelta(days=day.weekday())  # the Monday of that week
        for username, award, activities in plan:
            person = people.get(username)
            if person is None or not award.starts_on <= day <= award.ends_on:
                continue
            activity = activities[week % len(activities)]
            approver = approvers.get(person.agency.slug) if person.agency else None
            # The last fortnight is still waiting for approval, as it would be on a real Monday.
            approved = week > 2 and approver is not None and approver != person
            TimeEntry.objects.create(
                person=person,
                worked_on=day,
                hours=Decimal("7.5") if week % 3 else Decimal(6),
                award=award,
                activity=activity,
                certified_at=timezone.now() if week > 1 else None,
                approved_by=approver if approved else None,
                approved_at=timezone.now() if approved else None,
            )
            count += 1
    return count


def _seed_money(admin: User, awards: tuple[Award, ...], *, today: date) -> int:
    count = 0
    for month in months_back(count=9, today=today):
        for award in awards:
            if not award.starts_on <= month <= award.ends_on:
                continue
            for category, amount, source in (
                ("personnel", "9800.00", "federal"),
                ("fringe" if award.funder != Funder.BJA else "travel", "2150.00", "federal"),
                ("supplies", "312.40", "match"),
            ):
                Expenditure.objects.create(
                    spent_on=month + timedelta(days=27),
                    award=award,
                    category=category,
                    amount=Decimal(amount),
                    source=source,
                    state="paid",
                    description="Monthly charge",
                    created_by=admin,
                )
                count += 1
    return count


def _seed_submissions(hsi: Agency, people: dict[str, User], *, today: date) -> int:
    months = months_back(count=6, today=today)
    SubmittingAgency.objects.get_or_create(agency=hsi, defaults={"since": months[0]})
    agent = people.get("agent")
    if agent is None:
        return 0
    count = 0
    # The last month is missing: the tracker shows it and the reminders ask for it.
    for index, month in enumerate(months[:-1]):
        submission = AgencySubmission.objects.create(agency=hsi, month=month, submitted_by=agent)
        for item, value in (
            ("investigations_opened", 2 + index % 3),
            ("victims_confirmed", 1 + index % 2),
            ("victims_potential", 3),
            ("arrests", index % 3),
            ("charges_federal", index % 2),
        ):
            SubmissionFigure.objects.create(submission=submission, item=item, value=value)
        count += 1
    return count


def _seed_runs(admin: User, *, ovc: Award, bja: Award, voca: Award, today: date) -> int:
    start, end = last_quarter(today)
    runs = []
    for report, award in (("ovc_ht", ovc), ("bja_ecm", bja), ("voca", voca)):
        run = services.report_run_start(actor=admin, report=report, period_start=start, period_end=end, award=award)
        # Without a broker the commit hook compiled it already; with one, compile here (the task is then a no-op).
        services.report_run_compile(run_id=run.pk)
        runs.append(run)
    services.report_run_lock(run=ReportRun.objects.get(pk=runs[0].pk), actor=admin)
    return len(runs)
