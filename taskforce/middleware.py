"""Project-wide middleware that knows nothing of the domain."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from taskforce.http import client_ip


class NoStoreMiddleware:
    """Pages for a signed-in user may hold survivor data: never let a browser
    or proxy cache them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


class AuditlogMiddleware(BaseAuditlogMiddleware):
    """django-auditlog trusts X-Forwarded-For unconditionally; record the
    address the deployment's proxy configuration vouches for instead."""

    @staticmethod
    def _get_remote_addr(request: Any) -> str | None:
        return client_ip(request)
