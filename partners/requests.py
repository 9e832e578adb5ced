"""The person behind a request, for views and API endpoints of every app."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest
from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request

from partners.models import User


def acting_user(request: HttpRequest) -> User:
    """In a view behind ``login_required``: only a signed-in person gets this far."""
    return cast(User, request.user)


def api_caller(request: Request) -> User:
    """In an API endpoint behind ``IsVerifiedUser``, which already refused anyone else."""
    user = request.user
    if not isinstance(user, User):
        raise NotAuthenticated
    return user
