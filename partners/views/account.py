"""A person's own account security page and the security log."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from partners import access, mfa, selectors
from partners.models import SecurityEventKind, UserSession
from partners.requests import acting_user


@login_required
@require_GET
def security(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    sessions = UserSession.objects.filter(user=user).order_by("-created_at")
    return render(
        request,
        "partners/security.html",
        {
            "has_mfa": mfa.user_has_mfa(user),
            "recovery_remaining": mfa.recovery_codes_remaining(user),
            "sessions": sessions,
            "current_session_key": request.session.session_key,
            "events": selectors.security_events_of(user=user),
        },
    )


@login_required
@require_GET
def security_log(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not access.can_view_security_log(user):
        raise PermissionDenied
    kind = request.GET.get("kind", "")
    username = request.GET.get("username", "").strip()[:150]
    events = selectors.security_events_visible_to(user=user, kind=kind, username=username)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "partners/security_log.html",
        {
            "page": page,
            "kinds": SecurityEventKind.choices,
            "kind": kind,
            "username": username,
        },
    )
