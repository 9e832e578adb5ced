from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from partners.models import User
from partners.services import account_unlock
from taskforce.audit import audit_actor


class Command(BaseCommand):
    help = "Unlock a username locked after failed sign-ins; the unlock is audited with the acting administrator."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--actor", required=True, help="Username of the administrator doing the unlock.")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(username=options["actor"], is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user named {options['actor']!r}.")
        with audit_actor(actor):
            removed = account_unlock(username=options["username"], actor=actor)
        self.stdout.write(self.style.SUCCESS(f"{options['username']} unlocked ({removed} attempt record(s) cleared)."))
