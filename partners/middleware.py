"""Session lifetime and the sign-in gates (MFA, password age)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from partners.models import SecurityEventKind
from partners.services import password_is_expired, security_event_record, session_forget

LOGIN_AT = "tf_login_at"
LAST_SEEN = "tf_last_seen"

# Pages a signed-in user may reach before finishing MFA or renewing a password.
GATE_EXEMPT_URL_NAMES = frozenset(
    {
        "login",
        "logout",
        "mfa_verify",
        "mfa_setup",
        "password_change",
        "password_expired",
        "healthz",
        "set_language",
        "notice",
        "accessibility",
        "activate",
    }
)


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


class SessionLifetimeMiddleware:
    """Ends a session 30 minutes after its last request or 12 hours after sign-in.

    The database session row also expires after the idle period (the cookie
    age rolls on every request), so this is checked twice: here for a clear
    message and the absolute limit, in the session store for anything else.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            session = request.session
            login_at = float(session.get(LOGIN_AT, now))
            last_seen = float(session.get(LAST_SEEN, now))
            reason = None
            if now - login_at > settings.SESSION_ABSOLUTE_SECONDS:
                reason = "absolute"
            elif now - last_seen > settings.SESSION_IDLE_SECONDS:
                reason = "idle"
            if reason is not None:
                return self._expire(request, reason)
            session.setdefault(LOGIN_AT, login_at)
            session[LAST_SEEN] = now
        return self.get_response(request)

    def _expire(self, request: HttpRequest, reason: str) -> HttpResponse:
        user: Any = request.user
        key = request.session.session_key
        security_event_record(kind=SecurityEventKind.SESSION_EXPIRED, request=request, user=user,
                              details={"reason": reason})
        logout(request)
        session_forget(session_key=key)
        if _wants_json(request):
            return JsonResponse({"detail": _("Your session has expired. Sign in again.")}, status=401)
        messages.info(request, _("Your session has expired. Please sign in again."))
        return HttpResponseRedirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")


class AccessGateMiddleware:
    """A signed-in user who has not passed MFA, or whose password is too old,
    reaches nothing but the pages that fix that."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user: Any = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None and match.url_name in GATE_EXEMPT_URL_NAMES:
            return None
        if settings.REQUIRE_MFA and not user.is_verified():
            from partners.mfa import user_has_mfa

            target = "mfa_verify" if user_has_mfa(user) else "mfa_setup"
            return self._deny(request, target, _("Multi-factor authentication is required."))
        if password_is_expired(user):
            return self._deny(request, "password_expired", _("Your password has expired and must be changed."))
        return None

    @staticmethod
    def _deny(request: HttpRequest, target: str, message: str) -> HttpResponse:
        if _wants_json(request):
            return JsonResponse({"detail": message}, status=403)
        url = resolve_url(target)
        if request.method == "GET":
            url = f"{url}?{urlencode({'next': request.get_full_path()})}"
        return HttpResponseRedirect(url)
