"""Account management: agency administrators for their agency, the task force administrator for all."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partners import access, selectors, services
from partners.forms import PersonForm, RolesForm
from partners.models import Agency, User
from partners.requests import acting_user
from partners.roles import Role


def _manager(request: HttpRequest) -> User:
    user = acting_user(request)
    if not access.can_manage_users_of(user, user.agency):
        raise PermissionDenied
    return user


def _allowed_roles(user: User) -> list[tuple[str, Any]]:
    if access.is_taskforce_admin(user):
        return list(Role.choices)
    return [(value, label) for value, label in Role.choices if value not in access.TASKFORCE_WIDE_ROLES]


def _managed_agencies(user: User) -> Any:
    if access.is_taskforce_admin(user):
        return Agency.objects.active()
    return Agency.objects.filter(pk=user.agency_id)


def invitation_send(*, request: HttpRequest, person: User) -> None:
    """Email a one-time link to set the first password (expires after PASSWORD_RESET_TIMEOUT)."""
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    link = request.build_absolute_uri(reverse("activate", args=[uid, token]))
    body = _(
        "You have been given an account on the task force system as %(username)s.\n\n"
        "Set your password within 3 days at:\n%(link)s\n\n"
        "You will then set up multi-factor authentication with an authenticator app."
    ) % {"username": person.username, "link": link}
    transaction.on_commit(
        lambda: send_mail(_("Your task force account"), body, settings.DEFAULT_FROM_EMAIL, [person.email])
    )


@login_required
@require_GET
def people(request: HttpRequest) -> HttpResponse:
    manager = _manager(request)
    agency_slug = request.GET.get("agency", "") if access.is_taskforce_admin(manager) else ""
    page = Paginator(selectors.people_visible_to(user=manager, agency_slug=agency_slug), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "partners/people.html",
        {
            "page": page,
            "agencies": _managed_agencies(manager) if access.is_taskforce_admin(manager) else None,
            "agency_slug": agency_slug,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_new(request: HttpRequest) -> HttpResponse:
    manager = _manager(request)
    form = PersonForm(request.POST or None, allowed_roles=_allowed_roles(manager), agencies=_managed_agencies(manager))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                person = services.user_create(
                    actor=manager,
                    agency=data["agency"],
                    username=data["username"],
                    email=data["email"],
                    roles=data["roles"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    title=data["title"],
                )
                invitation_send(request=request, person=person)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc if isinstance(exc, ValidationError) else _("You may not create this account."))
        else:
            messages.success(
                request, _("%(username)s was created and an invitation was emailed.") % {"username": person.username}
            )
            return redirect("person", pk=person.pk)
    return render(request, "partners/person_new.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def person(request: HttpRequest, pk: int) -> HttpResponse:
    manager = _manager(request)
    target = selectors.person_get_managed(user=manager, pk=pk)
    form = RolesForm(
        request.POST or None, allowed_roles=_allowed_roles(manager), initial={"roles": sorted(target.role_names())}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_roles(user=target, roles=form.cleaned_data["roles"], actor=manager)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc if isinstance(exc, ValidationError) else _("You may not assign these roles."))
        else:
            messages.success(
                request, _("Roles updated. %(username)s must sign in again.") % {"username": target.username}
            )
            return redirect("person", pk=target.pk)
    # Empty for an agency administrator: the security log is for the task force administrator and auditors.
    events = selectors.security_events_visible_to(user=manager, username=target.username)[:20]
    return render(
        request,
        "partners/person.html",
        {"person": target, "form": form, "events": events},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def person_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    manager = _manager(request)
    target = selectors.person_get_managed(user=manager, pk=pk)
    if not access.can_manage_person(manager, target):
        raise PermissionDenied
    try:
        if action == "deactivate":
            services.user_deactivate(user=target, actor=manager)
            messages.success(
                request, _("%(username)s is deactivated and signed out everywhere.") % {"username": target.username}
            )
        elif action == "reactivate":
            services.user_reactivate(user=target, actor=manager)
            messages.success(request, _("%(username)s is active again.") % {"username": target.username})
        elif action == "unlock":
            services.account_unlock(username=target.username, actor=manager, request=request)
            messages.success(request, _("%(username)s is unlocked.") % {"username": target.username})
        elif action == "end-sessions":
            count = services.sessions_end_for_user(user=target, actor=manager, reason="ended_by_administrator")
            messages.success(request, _("%(count)s session(s) ended.") % {"count": count})
        elif action == "invite":
            invitation_send(request=request, person=target)
            messages.success(request, _("A new invitation was emailed to %(email)s.") % {"email": target.email})
        else:
            return HttpResponse(status=404)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("person", pk=target.pk)
