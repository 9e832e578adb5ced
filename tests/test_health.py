from __future__ import annotations

import pytest
from django.test import override_settings


@pytest.mark.django_db
@override_settings(REDIS_URL="")
def test_healthz_without_redis_reports_database_cache_and_eager_tasks(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "broker": "eager"},
    }
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
@override_settings(REDIS_URL="")
def test_healthz_answers_503_when_the_database_is_unreachable(client, monkeypatch):
    from taskforce import health

    def broken() -> str:
        raise ConnectionError("database unreachable")

    monkeypatch.setattr(health, "_database", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "error"
    # Nothing about the failure leaks beyond "error".
    assert b"unreachable" not in response.content


@pytest.mark.django_db
def test_healthz_refuses_writes(client):
    assert client.post("/healthz").status_code == 405
