from __future__ import annotations

from django.apps import AppConfig


class TaskforceConfig(AppConfig):
    name = "taskforce"
    verbose_name = "Task force"

    def ready(self) -> None:
        from taskforce import api_schema, checks  # noqa: F401  (register the OpenAPI extensions and checks)
