"""Compile a year of a statewide-sized data set and compare with one raw SQL aggregate.

Default size (documented in the README): 40 victim service agencies, 100,000
survivors, 1,000,000 service events over one federal fiscal year, 20,000 cases.
``--scale 0.01`` runs a hundredth of it. Everything is generated inside one
transaction that is rolled back at the end, unless ``--keep``.
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from cases.catalog import ServiceType
from cases.models import Case, Gender, RaceEthnicity, ServiceEvent, TraffickingType, Victim
from partners.models import Agency, User
from reporting import compiler
from reporting.models import MeasureDefinition
from reporting.services import definition_version_for

FY_START = date(2025, 10, 1)
FY_END = date(2026, 9, 30)


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Benchmark: compile a year of a statewide data set against one raw SQL aggregate (prints figures)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="Fraction of the statewide size (default 1).")
        parser.add_argument("--report", default="voca", help="Report to compile (ovc_ht, voca, bja_ecm, state).")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--keep", action="store_true", help="Keep the generated rows (default: roll back).")
        parser.add_argument("--force", action="store_true", help="Run outside demo mode (never on real data).")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO and not options["force"]:
            raise CommandError("report_benchmark writes synthetic rows: run it with TASKFORCE_DEMO=1 or --force.")
        scale = options["scale"]
        if not 0 < scale <= 10:
            raise CommandError("--scale must be above 0 and at most 10.")
        sizes = {
            "agencies": max(2, round(40 * scale)),
            "victims": max(10, round(100_000 * scale)),
            "services": max(50, round(1_000_000 * scale)),
            "cases": max(5, round(20_000 * scale)),
        }
        try:
            with transaction.atomic():
                self._run(sizes, report=options["report"], rng=random.Random(options["seed"]))  # noqa: S311 (synthetic data)
                if not options["keep"]:
                    raise Rollback
        except Rollback:
            self.stdout.write("Generated rows rolled back.")

    def _run(self, sizes: dict[str, int], *, report: str, rng: random.Random) -> None:
        self.stdout.write(
            f"Generating {sizes['agencies']} agencies, {sizes['victims']:,} survivors, "
            f"{sizes['services']:,} service events and {sizes['cases']:,} cases on {connection.vendor}..."
        )
        started = time.perf_counter()
        agencies = []
        for n in range(sizes["agencies"]):
            group = Group.objects.create(name=f"agency:bench-{n}")
            agencies.append(
                Agency.objects.create(name=f"Bench agency {n}", slug=f"bench-{n}", kind="victim_services", group=group)
            )
        author = User.objects.create(username="bench-author", agency=agencies[0], is_active=False)
        days = (FY_END - FY_START).days
        victims = Victim.objects.bulk_create(
            (
                Victim(
                    owner_agency=rng.choice(agencies),
                    pseudonym=f"B{n}",
                    trafficking_type=rng.choice(TraffickingType.values),
                    gender=rng.choice(Gender.values),
                    age_at_intake=rng.choice([None, *range(8, 80)]),
                    race_ethnicity=rng.choice(RaceEthnicity.values),
                    intake_date=FY_START + timedelta(days=rng.randrange(days)),
                    created_by=author,
                )
                for n in range(sizes["victims"])
            ),
            batch_size=5000,
        )
        types = ServiceType.values
        ServiceEvent.objects.bulk_create(
            (
                ServiceEvent(
                    victim=victim,
                    delivered_on=FY_START + timedelta(days=rng.randrange(days)),
                    providing_agency=victim.owner_agency,
                    service_type=rng.choice(types),
                    created_by=author,
                )
                for victim in (rng.choice(victims) for _ in range(sizes["services"]))
            ),
            batch_size=5000,
        )
        Case.objects.bulk_create(
            (
                Case(
                    case_number=f"BENCH-{n}",
                    title="Benchmark",
                    trafficking_type=rng.choice(TraffickingType.values),
                    lead_agency=rng.choice(agencies),
                    opened_on=FY_START + timedelta(days=rng.randrange(days)),
                    created_by=author,
                )
                for n in range(sizes["cases"])
            ),
            batch_size=5000,
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE cases_serviceevent; ANALYZE cases_victim; ANALYZE cases_case")
        self.stdout.write(f"  generated in {time.perf_counter() - started:.1f} s")

        version = definition_version_for(report=report, period_start=FY_START, period_end=FY_END)
        definitions = list(MeasureDefinition.objects.filter(report=report, version=version))
        scope = compiler.Scope(
            period_start=FY_START, period_end=FY_END, fiscal_year_start=FY_START, cutoff_at=timezone.now()
        )
        timings: list[tuple[float, str]] = []
        started = last = time.perf_counter()

        def timed(_done: int, definition: MeasureDefinition) -> None:
            nonlocal last
            now = time.perf_counter()
            timings.append((now - last, definition.code))
            last = now

        results = compiler.compute_all(definitions, scope, after_each=timed)
        compiled = time.perf_counter() - started

        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(DISTINCT victim_id) FROM cases_serviceevent "
                "WHERE family_member_id IS NULL AND delivered_on BETWEEN %s AND %s",
                [FY_START, FY_END],
            )
            (raw_count,) = cursor.fetchone()
        raw = time.perf_counter() - started

        slowest = ", ".join(f"{code} {seconds * 1000:.0f} ms" for seconds, code in sorted(timings, reverse=True)[:5])
        self.stdout.write(f"Report {report} v{version}: {len(definitions)} measures compiled in {compiled:.2f} s")
        self.stdout.write(f"  slowest measures: {slowest}")
        self.stdout.write(f"Raw SQL COUNT(DISTINCT victim_id) over the same year: {raw * 1000:.0f} ms ({raw_count:,})")
        self.stdout.write(f"Compiled report / one raw aggregate: {compiled / raw if raw else float('inf'):.1f}x")
        served = results.get("Q1", results.get("H1"))
        if served is not None and served != raw_count:
            raise CommandError(f"the report counts {served} served, the raw aggregate {raw_count}")
