from __future__ import annotations

from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from partners import services
from partners.models import Agency, RoleAssignment
from partners.roles import AgencyKind, Role
from taskforce.audit import audit_actor


class Command(BaseCommand):
    help = (
        "Create the task force office agency and the first task force administrator of a new "
        "installation, and print their one-time link to set a password."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency-name", required=True)
        parser.add_argument("--agency-slug", required=True)
        parser.add_argument("--username", required=True)
        parser.add_argument("--email", required=True)
        parser.add_argument("--base-url", required=True, help="e.g. https://taskforce.example.org")

    def handle(self, *args: Any, **options: Any) -> None:
        if RoleAssignment.objects.filter(role=Role.TASKFORCE_ADMIN, user__is_active=True).exists():
            raise CommandError("A task force administrator already exists; they invite everyone else.")
        # The system is the actor: there is no person in the system yet.
        with audit_actor(None), transaction.atomic():
            services.roles_sync()
            agency = Agency.objects.filter(slug=options["agency_slug"]).first() or services.agency_create(
                actor=None, name=options["agency_name"], slug=options["agency_slug"], kind=AgencyKind.TASKFORCE_OFFICE
            )
            user = services.user_create(
                actor=None,
                agency=agency,
                username=options["username"],
                email=options["email"],
                roles=[Role.TASKFORCE_ADMIN],
            )
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        base = options["base_url"].rstrip("/")
        self.stdout.write(f"{base}/accounts/activate/{uid}/{token}/")
