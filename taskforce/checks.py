"""Deployment checks of our own, run by ``manage.py check --deploy``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def mfa_required_outside_demo(app_configs: Any, **kwargs: Any) -> list[Warning]:
    if settings.REQUIRE_MFA or settings.DEMO:
        return []
    return [
        Warning(
            "TASKFORCE_REQUIRE_MFA is off outside demo mode.",
            hint="Every account must sign in with MFA (CJIS IA-2); unset TASKFORCE_REQUIRE_MFA or set it to 1.",
            id="taskforce.W001",
        )
    ]


@register(Tags.security, deploy=True)
def no_demo_in_production(app_configs: Any, **kwargs: Any) -> list[Warning]:
    if not settings.DEMO:
        return []
    return [
        Warning(
            "TASKFORCE_DEMO is on: demo data and a generated secret key are allowed.",
            hint="Never run a deployment with real data in demo mode.",
            id="taskforce.W002",
        )
    ]
