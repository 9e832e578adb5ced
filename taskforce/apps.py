from __future__ import annotations

from django.apps import AppConfig


class TaskforceConfig(AppConfig):
    name = "taskforce"
    verbose_name = "Task force"
