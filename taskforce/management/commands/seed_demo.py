from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from taskforce.audit import audit_actor


class Command(BaseCommand):
    help = "Load the fictional demo task force (idempotent). Only in demo mode, or with --force."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Seed even outside demo mode (never on real data).")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO and not options["force"]:
            raise CommandError("seed_demo runs only with TASKFORCE_DEMO=1, or with --force.")
        from cases import demo as cases_demo
        from partners import demo
        from partners.operations import demo as operations_demo
        from referrals import demo as referrals_demo
        from reporting import demo as reporting_demo

        # Seeded history notifies no one: the demo's referral and reminder emails are not sent.
        email_backend = settings.EMAIL_BACKEND
        settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
        try:
            # The system itself is the actor of the seed: there is no person yet.
            with audit_actor(None):
                created = demo.seed()
                operations_created = operations_demo.seed()
            # Then the case load, each write made by the persona who would make it (cases.demo sets the actor).
            cases_created = cases_demo.seed()
            # Then the referrals between the agencies, each step by the persona who takes it (referrals.demo).
            referrals_created = referrals_demo.seed()
            # Last, the grants and the reports compiled from everything above, by the task force administrator.
            reporting_created = reporting_demo.seed()
        finally:
            settings.EMAIL_BACKEND = email_backend
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo task force ready: {created['agencies']} agencies and {created['users']} people created "
                f"(existing ones left unchanged)."
            )
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo task force year ready: {operations_created['meetings']} meetings, "
                f"{operations_created['trainings']} trainings, {operations_created['outreach']} outreach events "
                f"and {operations_created['mous']} MOUs created."
            )
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo case load ready: {cases_created['agreements']} sharing agreements, "
                f"{cases_created['cases']} cases and {cases_created['victims']} survivors created."
            )
        )
        self.stdout.write(
            self.style.SUCCESS(f"Demo referrals ready: {referrals_created['referrals']} referrals created.")
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo grants ready: {reporting_created['awards']} awards, {reporting_created['time_entries']} "
                f"time entries, {reporting_created['expenditures']} expenditures, "
                f"{reporting_created['submissions']} partner submissions and {reporting_created['runs']} reports."
            )
        )
