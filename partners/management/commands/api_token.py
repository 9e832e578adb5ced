from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rest_framework.authtoken.models import Token

from partners.models import SecurityEventKind, User
from partners.services import security_event_record
from taskforce.audit import audit_actor


class Command(BaseCommand):
    help = "Print the API token of an existing user, creating it if needed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--actor", help="Username of the administrator issuing the token (default: the user).")
        parser.add_argument("--rotate", action="store_true", help="Replace an existing token with a new one.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist as exc:
            raise CommandError(f"No user named {options['username']!r}.") from exc
        if not user.is_active:
            raise CommandError(f"{user.username} is deactivated; reactivate the account first.")
        actor: User | None = user
        if options["actor"]:
            actor = User.objects.filter(username=options["actor"], is_active=True).first()
            if actor is None:
                raise CommandError(f"No active user named {options['actor']!r} to act as.")
        with audit_actor(actor):
            if options["rotate"]:
                Token.objects.filter(user=user).delete()
            token, created = Token.objects.get_or_create(user=user)
            if created:
                security_event_record(
                    kind=SecurityEventKind.API_TOKEN_ISSUED,
                    user=user,
                    actor=actor,
                    details={"via": "manage.py api_token"},
                )
        self.stdout.write(token.key)
