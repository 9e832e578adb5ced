from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.management import CommandError, call_command

from partners.models import User


def _bootstrap(**overrides: str) -> str:
    out = StringIO()
    options = {
        "agency_name": "County Task Force Office",
        "agency_slug": "tf-office",
        "username": "coordinator",
        "email": "coordinator@example.org",
        "base_url": "https://tf.example.org/",
    } | overrides
    call_command("bootstrap_admin", stdout=out, **options)
    return out.getvalue().strip()


@pytest.mark.django_db
def test_bootstrap_creates_the_first_administrator_with_a_one_time_link():
    link = _bootstrap()

    admin = User.objects.get(username="coordinator")
    assert admin.role_names() == {"taskforce_admin"}
    assert admin.agency.slug == "tf-office"
    assert not admin.has_usable_password()
    assert {g.name for g in admin.groups.all()} == {"agency:tf-office", "role:taskforce_admin"}
    assert link.startswith("https://tf.example.org/accounts/activate/")
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert default_token_generator.check_token(admin, token)


@pytest.mark.django_db
def test_bootstrap_refuses_a_second_administrator():
    _bootstrap()
    with pytest.raises(CommandError, match="already exists"):
        _bootstrap(username="another", email="another@example.org")
    assert not User.objects.filter(username="another").exists()
