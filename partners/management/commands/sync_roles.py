from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from partners.services import roles_sync


class Command(BaseCommand):
    help = "Create the role groups and set their model-level capabilities (idempotent; run after migrate)."

    def handle(self, *args: Any, **options: Any) -> None:
        roles_sync()
        self.stdout.write(self.style.SUCCESS("Role groups are in sync."))
