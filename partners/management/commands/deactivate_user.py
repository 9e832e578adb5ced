from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from partners.models import User
from partners.services import user_deactivate
from taskforce.audit import audit_actor


class Command(BaseCommand):
    help = "Deactivate an account and end all of its sessions; the change is audited under the acting administrator."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--actor", required=True, help="Username of the administrator doing the deactivation.")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(username=options["actor"], is_active=True).select_related("agency").first()
        if actor is None:
            raise CommandError(f"No active user named {options['actor']!r} to act as.")
        user = User.objects.filter(username=options["username"]).select_related("agency").first()
        if user is None:
            raise CommandError(f"No user named {options['username']!r}.")
        if not user.is_active:
            self.stdout.write(f"{user.username} is already deactivated; nothing changed.")
            return
        # The same rules as the People pages: the actor must manage the account's agency.
        try:
            with audit_actor(actor):
                user_deactivate(user=user, actor=actor)
        except PermissionDenied as exc:
            raise CommandError(f"{actor.username} may not deactivate {user.username}.") from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"{user.username} is deactivated and signed out everywhere."))
