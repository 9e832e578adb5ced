"""Fixtures shared by every app's tests: the demo personas and signed-in clients."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache as memoize

import pytest
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.test import Client

from partners.models import User


@memoize
def _demo_password_hash() -> str:
    # PBKDF2 is deliberately slow; hash the demo password once per test run.
    from partners.demo import DEMO_PASSWORD

    return make_password(DEMO_PASSWORD)


def demo_seed() -> dict[str, User]:
    """The demo task force, created if missing (seed is idempotent)."""
    from partners import demo

    if User.objects.filter(username="tfadmin").exists():
        return {user.username: user for user in User.objects.select_related("agency")}
    demo.seed(password=None)  # unusable passwords, replaced by the cached hash below
    User.objects.filter(username__in=[p.username for p in demo.PERSONAS]).update(password=_demo_password_hash())
    return {user.username: user for user in User.objects.select_related("agency")}


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


@pytest.fixture
def personas(db: None) -> dict[str, User]:
    return demo_seed()


@pytest.fixture
def demo_password() -> str:
    from partners.demo import DEMO_PASSWORD

    return DEMO_PASSWORD


def sign_in_verified(client: Client, user: User) -> Client:
    """A session as if ``user`` signed in with password and TOTP."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(user=user, name="authenticator", defaults={"confirmed": True})
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    from partners.models import UserSession

    UserSession.objects.get_or_create(session_key=session.session_key, defaults={"user": user})
    return client


@pytest.fixture
def client_for(personas: dict[str, User]) -> Callable[[str], Client]:
    """``client_for("advocate")``: a test client signed in (with MFA) as that persona."""

    def make(username: str) -> Client:
        return sign_in_verified(Client(), personas[username])

    return make


@pytest.fixture
def measure_definitions(db: None) -> int:
    """The measure definitions a data migration loads. A transactional test's flush removes
    them for the transactional tests after it, so those run the migration's loader again."""
    import importlib

    from django.apps import apps

    from reporting.models import MeasureDefinition

    importlib.import_module("reporting.migrations.0002_measure_definitions_v1").load(apps, None)
    return MeasureDefinition.objects.count()
