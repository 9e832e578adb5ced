"""Settings are read from the environment and fail loudly; production settings pass check --deploy."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
OUR_VARIABLES = {
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "CACHE_URL",
    "EMAIL_URL",
    "ALLOWED_HOSTS",
    "TASKFORCE_DEMO",
    "TASKFORCE_DEBUG",
    "TASKFORCE_HTTPS",
    "TASKFORCE_REQUIRE_MFA",
    "TASKFORCE_STATIC_MANIFEST",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # the browser tests need it; deployments must not have it
}


def _run(code: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Import the settings in a fresh interpreter with only the given variables set."""
    clean = {k: v for k, v in os.environ.items() if k not in OUR_VARIABLES}
    clean |= {"DJANGO_SETTINGS_MODULE": "taskforce.settings", "TASKFORCE_VAR_DIR": str(tmp_path), **env}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120, check=False
    )


PRINT = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.DEBUG, s.REQUIRE_MFA, s.SECURE_SSL_REDIRECT)"
)


def test_missing_secret_key_outside_demo_fails_loudly(tmp_path):
    result = _run(PRINT, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY is required outside demo mode" in result.stderr


def test_debug_is_off_and_mfa_and_https_on_by_default(tmp_path):
    result = _run(PRINT, tmp_path, SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="tf.example.org")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True"]


def test_demo_mode_needs_no_secret_and_keeps_a_generated_one(tmp_path):
    first = _run(PRINT.replace("print(", "print(s.SECRET_KEY, "), tmp_path, TASKFORCE_DEMO="1")
    second = _run(PRINT.replace("print(", "print(s.SECRET_KEY, "), tmp_path, TASKFORCE_DEMO="1")
    assert first.returncode == 0, first.stderr
    key = first.stdout.split()[0]
    assert len(key) >= 50
    assert second.stdout.split()[0] == key
    assert first.stdout.split()[1:] == ["False", "True", "False"]


def test_malformed_boolean_is_refused(tmp_path):
    result = _run(PRINT, tmp_path, TASKFORCE_DEMO="1", TASKFORCE_DEBUG="sometimes")
    assert result.returncode != 0
    assert "TASKFORCE_DEBUG" in result.stderr


def _check_deploy(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``check --deploy --fail-level WARNING`` with production settings plus ``env``."""
    production = {
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "tf.example.org",
        "TASKFORCE_VAR_DIR": str(tmp_path),
        "TASKFORCE_STATIC_MANIFEST": "0",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k not in OUR_VARIABLES} | production | env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_production_settings_pass_check_deploy(tmp_path):
    result = _check_deploy(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("env", "check_id"),
    [
        ({"TASKFORCE_DEBUG": "1"}, "security.W018"),
        ({"TASKFORCE_REQUIRE_MFA": "0"}, "taskforce.W001"),
        ({"TASKFORCE_DEMO": "1", "TASKFORCE_HTTPS": "1"}, "taskforce.W002"),
    ],
)
def test_check_deploy_refuses_debug_mfa_off_and_demo_mode(tmp_path, env, check_id):
    result = _check_deploy(tmp_path, **env)
    assert result.returncode != 0
    assert check_id in result.stderr + result.stdout


def test_security_settings_of_the_running_suite():
    assert settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.PBKDF2PasswordHasher"
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_ABSOLUTE_SECONDS == 12 * 3600
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME is None
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username"]
    assert settings.REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"] == ["taskforce.api.IsVerifiedUser"]
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert directives["default-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]


@pytest.mark.django_db
def test_pages_send_the_security_headers(client):
    response = client.get("/accounts/sign-in/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_templates_load_nothing_from_other_sites():
    offenders = []
    for template in ROOT.glob("**/templates/**/*.html"):
        if ".venv" in template.parts:
            continue
        text = template.read_text()
        for marker in ('src="http', "src='http", 'href="http', "href='http", "//cdn"):
            if marker in text:
                offenders.append(f"{template.relative_to(ROOT)}: {marker}")
    assert offenders == []
