from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    from partners.navigation import navigation_for

    user = getattr(request, "user", None)
    return {
        "DEMO": settings.DEMO,
        "REQUIRE_MFA": settings.REQUIRE_MFA,
        "nav_items": navigation_for(user) if user is not None and user.is_authenticated else [],
    }
