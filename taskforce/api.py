"""The API base every app's endpoints share: authentication, the default
permission and pagination."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from rest_framework import authentication, pagination, permissions
from rest_framework.authtoken.models import Token
from rest_framework.request import Request

from taskforce.audit import audit_actor_bind

if TYPE_CHECKING:
    # Imported for types only: rest_framework.views imports this module through the settings.
    from rest_framework.views import APIView


class SessionAuthentication(authentication.SessionAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        result = super().authenticate(request)
        if result is not None:
            audit_actor_bind(result[0])
        return result


class TokenAuthentication(authentication.TokenAuthentication):
    """Bearer or Token header. Tokens are issued to a named person by an
    administrator (``manage.py api_token``); writes made with one are audited
    under that person."""

    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[Any, Token] | None:
        header = authentication.get_authorization_header(request).split()
        if header and header[0].lower() == b"bearer":
            header[0] = b"Token"
            request.META["HTTP_AUTHORIZATION"] = b" ".join(header).decode()
        result = super().authenticate(request)
        if result is not None:
            audit_actor_bind(result[0])
        return result


class IsVerifiedUser(permissions.BasePermission):
    """Deny by default: an active user, and for browser sessions one who has
    passed MFA when it is required. Endpoints add their own object checks."""

    message = "Authentication with multi-factor verification is required."

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if isinstance(request.auth, Token):
            return True
        if settings.REQUIRE_MFA:
            return bool(getattr(user, "is_verified", lambda: False)())
        return True


class Pagination(pagination.PageNumberPagination):
    page_size = settings.API_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE
