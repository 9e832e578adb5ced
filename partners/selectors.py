"""Reads that users trigger, already narrowed to what the reader may see."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners import access
from partners.models import Agency, AgencyContact, RoleAssignment, SecurityEvent, User


def _agencies_with_contacts() -> QuerySet[Agency]:
    return Agency.objects.active().prefetch_related(
        Prefetch("contacts", queryset=AgencyContact.objects.order_by("position", "name"))
    )


def agency_directory(*, service: str = "", language: str = "", query: str = "") -> list[Agency]:
    """Active agencies with their contacts, for every signed-in member.

    Service and language filter in SQL where the database has JSON containment
    (PostgreSQL); SQLite lacks it, and the directory is a few dozen rows, so
    there it filters in Python.
    """
    agencies = _agencies_with_contacts().order_by("name")
    if query:
        agencies = agencies.filter(Q(name__icontains=query) | Q(jurisdiction__icontains=query))
    if connection.features.supports_json_field_contains:
        if service:
            agencies = agencies.filter(services_offered__contains=[service])
        if language:
            agencies = agencies.filter(languages__contains=[language])
        return list(agencies)
    return [
        agency
        for agency in agencies
        if (not service or service in agency.services_offered) and (not language or language in agency.languages)
    ]


def agency_get(*, slug: str) -> Agency:
    try:
        return _agencies_with_contacts().get(slug=slug)
    except Agency.DoesNotExist as exc:
        raise Http404 from exc


def people_visible_to(*, user: User, agency_slug: str = "") -> QuerySet[User]:
    """Accounts the user manages: their agency's, or all for the task force administrator."""
    people = User.objects.select_related("agency").prefetch_related(
        Prefetch("role_assignments", queryset=RoleAssignment.objects.order_by("role"))
    )
    if access.is_taskforce_admin(user):
        if agency_slug:
            people = people.filter(agency__slug=agency_slug)
    elif access.can_manage_users_of(user, user.agency):
        people = people.filter(agency_id=user.agency_id)
    else:
        return people.none()
    # Two EXISTS subqueries instead of a query per row for the list badges.
    return people.annotate(
        has_mfa=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
        is_locked=Exists(
            AccessAttempt.objects.filter(
                username=OuterRef("username"), failures_since_start__gte=settings.AXES_FAILURE_LIMIT
            )
        ),
    ).order_by("agency__name", "username")


def person_get_managed(*, user: User, pk: int) -> User:
    try:
        return people_visible_to(user=user).get(pk=pk)
    except User.DoesNotExist as exc:
        raise Http404 from exc


def security_events_of(*, user: User, limit: int = 10) -> list[SecurityEvent]:
    """A person's own recent security events, for their account page."""
    return list(SecurityEvent.objects.filter(user=user).select_related("actor")[:limit])


def security_events_visible_to(*, user: User, kind: str = "", username: str = "") -> QuerySet[SecurityEvent]:
    if not access.can_view_security_log(user):
        return SecurityEvent.objects.none()
    events = SecurityEvent.objects.select_related("user", "actor")
    if kind:
        events = events.filter(kind=kind)
    if username:
        events = events.filter(username__iexact=username)
    return events


def agency_member_counts() -> dict[int, int]:
    return dict(Agency.objects.annotate(n=Count("members", filter=Q(members__is_active=True))).values_list("pk", "n"))
