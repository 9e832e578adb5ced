"""Loaded by pytest before Django (``-p taskforce.pytest_env`` in pyproject):
the test environment's settings, unless the caller set them (CI sets
DATABASE_URL, REDIS_URL and CACHE_URL)."""

from __future__ import annotations

import os

_DEFAULTS = {
    "SECRET_KEY": "test-only-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ",
    "TASKFORCE_DEMO": "0",
    "TASKFORCE_HTTPS": "0",
    "TASKFORCE_STATIC_MANIFEST": "0",
    "TASKFORCE_REQUIRE_MFA": "1",
    "ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
    "EMAIL_URL": "locmem://",
    # The browser tests drive Playwright's event loop in the test thread while
    # the ORM sets up data in that same thread.
    "DJANGO_ALLOW_ASYNC_UNSAFE": "true",
}

for _name, _value in _DEFAULTS.items():
    os.environ.setdefault(_name, _value)
