from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password

from partners.models import User


@pytest.fixture
def fast_password_hashing(settings, personas, demo_password):
    """MD5 instead of PBKDF2 for tests that sign in through the form dozens of times.

    PBKDF2 takes a quarter of a second per check; the form and the lockout do not
    depend on the hasher (test_passwords covers PBKDF2 itself).
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    fast_hash = make_password(demo_password)
    User.objects.update(password=fast_hash)
    for user in personas.values():  # force_login signs the session with the hash it holds
        user.password = fast_hash
