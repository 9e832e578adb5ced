"""GET /healthz: is the database, the cache/broker and (with Redis) a worker reachable?

Public so that load balancers can use it; it answers only "ok"/"error" per
component, never versions, hosts or error text.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _cache() -> str:
    cache.set("healthz", "1", timeout=10)
    return "ok" if cache.get("healthz") == "1" else "error"


def _broker() -> str:
    from taskforce.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


def _worker() -> str:
    from taskforce.celery import app

    replies = app.control.ping(timeout=1.0)
    return "ok" if replies else "error"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database, "cache": _cache}
    if settings.REDIS_URL:
        checks |= {"broker": _broker, "worker": _worker}
    results: dict[str, str] = {}
    for name, check in checks.items():
        try:
            results[name] = check()
        except Exception:
            logger.exception("health check %s failed", name)
            results[name] = "error"
    if not settings.REDIS_URL:
        results["broker"] = "eager"
    healthy = all(value in {"ok", "eager"} for value in results.values())
    return JsonResponse({"status": "ok" if healthy else "error", "checks": results}, status=200 if healthy else 503)
