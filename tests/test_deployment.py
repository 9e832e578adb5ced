"""The production stack description and the two commands say what they should."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_names_the_production_services():
    services = _compose()["services"]
    assert {"web", "worker", "beat", "postgres", "redis", "migrate"} <= set(services)


def test_compose_runs_gunicorn_one_worker_service_and_one_beat():
    services = _compose()["services"]
    assert services["web"]["command"][:2] == ["gunicorn", "taskforce.wsgi:application"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "taskforce", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "taskforce", "beat"]
    assert "replicas" not in services["beat"].get("deploy", {})
    assert "migrate" in " ".join(services["migrate"]["command"])


def test_compose_takes_every_secret_from_the_environment():
    text = (ROOT / "docker-compose.yml").read_text()
    env = _compose()["services"]["web"]["environment"]
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "EMAIL_URL"):
        assert re.fullmatch(r"\$\{" + name + r":\?[^}]+\}", env[name]), name
    assert "${POSTGRES_PASSWORD:?" in env["DATABASE_URL"]
    assert env["REDIS_URL"].startswith("redis://redis:6379/")
    assert "TASKFORCE_DEMO" not in text
    assert "TASKFORCE_DEBUG" not in text


def test_the_dockerfile_builds_the_app_that_compose_runs():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install" in dockerfile
    assert "collectstatic" in dockerfile
    assert "USER taskforce" in dockerfile


def test_makefile_has_the_readme_commands():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^run:", makefile, re.M)
    assert re.search(r"^test:", makefile, re.M)
    assert "TASKFORCE_DEMO=1 TASKFORCE_REQUIRE_MFA=0" in makefile
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme
    assert "make test" in readme
