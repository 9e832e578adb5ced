"""Session lifetime and the sign-in gates (MFA, password age)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.sessions.models import Session
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from partners.models import SecurityEventKind, UserSession
from partners.services import password_is_expired, security_event_record, session_forget

LOGIN_AT = "tf_login_at"
LAST_SEEN = "tf_last_seen"

# Pages a signed-in user may reach before passing MFA.
MFA_EXEMPT_VIEW_NAMES = frozenset(
    {
        "login",
        "logout",
        "mfa_verify",
        "mfa_setup",
        "healthz",
        "set_language",
        "notice",
        "accessibility",
        "activate",
    }
)
# Pages a user past MFA may reach with an expired password. The password pages
# are not MFA-exempt: only someone holding both factors may change the password.
PASSWORD_EXEMPT_VIEW_NAMES = MFA_EXEMPT_VIEW_NAMES | {"password_change", "password_expired"}
# Pages that work without signing in: an ended session lands on them as it is.
PUBLIC_VIEW_NAMES = frozenset({"login", "logout", "healthz", "set_language", "notice", "accessibility", "activate"})


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


class SessionLifetimeMiddleware:
    """Ends a session 30 minutes after its last request or 12 hours after sign-in.

    The database session row also expires after the idle period (the cookie
    age rolls on every request), so idleness usually shows up as a session
    cookie whose row is gone: that is recorded and answered here too, so the
    API says 401 and the browser gets a clear message either way.

    The message is added in ``process_view`` because MessageMiddleware comes
    after this middleware and is not ready while ``__call__`` runs.
    """

    ENDED = "_tf_session_ended"

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
                self._expire(request, reason)
            else:
                session.setdefault(LOGIN_AT, login_at)
                session[LAST_SEEN] = now
        elif self._session_vanished(request):
            self._forget_vanished(request)
            setattr(request, self.ENDED, True)
        if getattr(request, self.ENDED, False) and _wants_json(request) and "Authorization" not in request.headers:
            return JsonResponse({"detail": _("Your session has expired. Sign in again.")}, status=401)
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if not getattr(request, self.ENDED, False):
            return None
        messages.info(request, _("Your session has ended. Please sign in again."))
        match = request.resolver_match
        if match is not None and match.view_name in PUBLIC_VIEW_NAMES:
            return None
        return HttpResponseRedirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")

    def _expire(self, request: HttpRequest, reason: str) -> None:
        user: Any = request.user
        key = request.session.session_key
        security_event_record(
            kind=SecurityEventKind.SESSION_EXPIRED, request=request, user=user, details={"reason": reason}
        )
        logout(request)
        session_forget(session_key=key)
        setattr(request, self.ENDED, True)

    @staticmethod
    def _session_vanished(request: HttpRequest) -> bool:
        """The browser sent a session cookie the store no longer knows: expired,
        or ended by sign-out elsewhere, deactivation or a password change. The
        store drops the key when it finds no live row (read by the user lookup)."""
        return bool(request.COOKIES.get(settings.SESSION_COOKIE_NAME)) and request.session.session_key is None

    @staticmethod
    def _forget_vanished(request: HttpRequest) -> None:
        # Sessions ended on purpose left the index already. A row still there
        # whose stored session is past its expiry date went idle: record that.
        key = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
        row = UserSession.objects.filter(session_key=key).select_related("user").first()
        if row is None:
            return
        if Session.objects.filter(session_key=key, expire_date__lte=timezone.now()).exists():
            security_event_record(
                kind=SecurityEventKind.SESSION_EXPIRED, request=request, user=row.user, details={"reason": "idle"}
            )
        session_forget(session_key=key)


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
        # view_name includes the namespace, so admin:login is not mistaken for our login page.
        view_name = match.view_name if match is not None else ""
        if settings.REQUIRE_MFA and view_name not in MFA_EXEMPT_VIEW_NAMES and not user.is_verified():
            from partners.mfa import user_has_mfa

            target = "mfa_verify" if user_has_mfa(user) else "mfa_setup"
            return self._deny(request, target, _("Multi-factor authentication is required."))
        if view_name not in PASSWORD_EXEMPT_VIEW_NAMES and password_is_expired(user):
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
