"""Every write to agencies, accounts, roles and sessions.

Each function takes the acting user as ``actor``. ``actor=None`` is reserved
for the system itself (migrations of data, ``seed_demo`` bootstrapping the
first administrator); every path a person triggers passes the person.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from partners import access
from partners.models import (
    Agency,
    AgencyContact,
    RoleAssignment,
    SecurityEvent,
    SecurityEventKind,
    User,
    UserSession,
)
from partners.roles import Role, agency_group_name, role_group_name
from taskforce.http import client_ip, user_agent


# --- Security events -----------------------------------------------------------
def security_event_record(
    *,
    kind: str,
    request: HttpRequest | None = None,
    user: User | None = None,
    username: str = "",
    actor: User | None = None,
    details: dict[str, Any] | None = None,
) -> SecurityEvent:
    return SecurityEvent.objects.create(
        kind=kind,
        user=user,
        username=(username or (user.username if user else ""))[:150],
        actor=actor,
        ip_address=client_ip(request) if request is not None else None,
        user_agent=user_agent(request) if request is not None else "",
        details=details or {},
    )


# --- Roles ---------------------------------------------------------------------
def roles_sync() -> None:
    """Create the role groups and give each exactly its model-level capabilities.

    Idempotent; run by ``manage.py sync_roles`` (and ``seed_demo``) after migrations.
    """
    for role, capabilities in access.ROLE_CAPABILITIES.items():
        group, _created = Group.objects.get_or_create(name=role_group_name(role))
        wanted = []
        for dotted in capabilities:
            app_label, codename = dotted.split(".", 1)
            wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)


def _role_group(role: str) -> Group:
    group, _created = Group.objects.get_or_create(name=role_group_name(role))
    return group


def _user_sync_groups(user: User) -> None:
    """Groups = the agency's group + one group per role; nothing else."""
    groups = [user.agency.group, *(_role_group(role) for role in sorted(user.role_names()))]
    user.groups.set(groups)


# --- Agencies ------------------------------------------------------------------
def agency_create(
    *,
    actor: User | None,
    name: str,
    slug: str,
    kind: str,
    confidentiality_covered: bool = False,
    jurisdiction: str = "",
    services_offered: Sequence[str] = (),
    languages: Sequence[str] = (),
    eligibility_notes: str = "",
    website: str = "",
) -> Agency:
    if actor is not None and not access.can_manage_agencies(actor):
        raise PermissionDenied(_("Only the task force administrator manages agencies."))
    with transaction.atomic():
        group = Group.objects.create(name=agency_group_name(slug))
        agency = Agency(
            name=name,
            slug=slug,
            kind=kind,
            confidentiality_covered=confidentiality_covered,
            jurisdiction=jurisdiction,
            services_offered=list(services_offered),
            languages=list(languages),
            eligibility_notes=eligibility_notes,
            website=website,
            group=group,
        )
        agency.full_clean()
        agency.save()
    return agency


AGENCY_EDITABLE_FIELDS = frozenset(
    {
        "name",
        "kind",
        "confidentiality_covered",
        "jurisdiction",
        "services_offered",
        "languages",
        "eligibility_notes",
        "website",
        "active",
    }
)


def agency_update(*, agency: Agency, actor: User | None, **changes: Any) -> Agency:
    if actor is not None and not access.can_manage_agencies(actor):
        raise PermissionDenied(_("Only the task force administrator manages agencies."))
    unknown = set(changes) - AGENCY_EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        for field, value in changes.items():
            setattr(agency, field, value)
        agency.full_clean()
        agency.save()
    return agency


def agency_contacts_set(*, agency: Agency, actor: User | None, contacts: Iterable[dict[str, str]]) -> None:
    if actor is not None and not access.can_manage_agencies(actor):
        raise PermissionDenied(_("Only the task force administrator manages agencies."))
    with transaction.atomic():
        agency.contacts.all().delete()
        for position, contact in enumerate(contacts):
            row = AgencyContact(agency=agency, position=position, **contact)
            row.full_clean()
            row.save()


# --- Accounts ------------------------------------------------------------------
def _check_roles(roles: Iterable[str]) -> set[str]:
    wanted = set(roles)
    unknown = wanted - set(Role.values)
    if unknown:
        raise ValidationError(_("Unknown role: %(roles)s") % {"roles": ", ".join(sorted(unknown))})
    if not wanted:
        raise ValidationError(_("Every account holds at least one role."))
    return wanted


def user_create(
    *,
    actor: User | None,
    agency: Agency,
    username: str,
    email: str,
    roles: Iterable[str],
    first_name: str = "",
    last_name: str = "",
    title: str = "",
    password: str | None = None,
) -> User:
    wanted = _check_roles(roles)
    if actor is not None and not access.can_assign_roles(actor, agency, wanted):
        raise PermissionDenied(_("You may not create this account with these roles."))
    with transaction.atomic():
        user = User(
            username=username,
            email=email,
            first_name=first_name,
            last_name=last_name,
            title=title,
            agency=agency,
        )
        if password is None:
            user.set_unusable_password()
        else:
            validate_password(password, user)
            user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        RoleAssignment.objects.bulk_create(
            [RoleAssignment(user=user, role=role, assigned_by=actor) for role in sorted(wanted)]
        )
        _log_role_changes(user=user, actor=actor, added=wanted, removed=set())
        user._role_names = frozenset(wanted)
        _user_sync_groups(user)
    return user


def _log_role_changes(*, user: User, actor: User | None, added: set[str], removed: set[str]) -> None:
    """Role rows are written in bulk, which sends no auditlog signals: log the change explicitly."""
    from auditlog.models import LogEntry

    if not added and not removed:
        return
    LogEntry.objects.log_create(
        user,
        action=LogEntry.Action.UPDATE,
        changes={"roles": [sorted(removed), sorted(added)]},
        force_log=True,
        actor=actor,
    )


def user_set_roles(*, user: User, roles: Iterable[str], actor: User | None) -> User:
    wanted = _check_roles(roles)
    current = set(user.role_names())
    changed = (wanted - current) | (current - wanted)
    if actor is not None:
        if not (access.can_assign_roles(actor, user.agency, changed) and access.can_manage_person(actor, user)):
            raise PermissionDenied(_("You may not change these roles."))
        if actor.pk == user.pk and Role.TASKFORCE_ADMIN in current - wanted:
            raise ValidationError(_("You cannot remove your own task force administrator role."))
    with transaction.atomic():
        RoleAssignment.objects.filter(user=user, role__in=current - wanted).delete()
        RoleAssignment.objects.bulk_create(
            [RoleAssignment(user=user, role=role, assigned_by=actor) for role in sorted(wanted - current)]
        )
        _log_role_changes(user=user, actor=actor, added=wanted - current, removed=current - wanted)
        user._role_names = frozenset(wanted)
        _user_sync_groups(user)
        # A change of role is a change of need-to-know: the user signs in again.
        if changed:
            sessions_end_for_user(user=user, actor=actor, reason="roles_changed")
    return user


def user_update_profile(*, user: User, actor: User | None, **changes: Any) -> User:
    allowed = {"first_name", "last_name", "email", "title", "phone"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    if actor is not None and actor.pk != user.pk and not access.can_manage_person(actor, user):
        raise PermissionDenied(_("You may not change this account."))
    for field, value in changes.items():
        setattr(user, field, value)
    user.full_clean(exclude=["password"])
    user.save()
    return user


def user_move_agency(*, user: User, agency: Agency, actor: User | None) -> User:
    if actor is not None and not access.can_manage_agencies(actor):
        raise PermissionDenied(_("Only the task force administrator moves people between agencies."))
    with transaction.atomic():
        user.agency = agency
        user.save(update_fields=["agency"])
        _user_sync_groups(user)
        sessions_end_for_user(user=user, actor=actor, reason="agency_changed")
    return user


def user_deactivate(*, user: User, actor: User | None) -> User:
    if actor is not None:
        if not access.can_manage_person(actor, user):
            raise PermissionDenied(_("You may not deactivate this account."))
        if actor.pk == user.pk:
            raise ValidationError(_("You cannot deactivate your own account."))
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        sessions_end_for_user(user=user, actor=actor, reason="deactivated")
        # An API token would otherwise come back to life if the account is reactivated.
        Token.objects.filter(user=user).delete()
    return user


def user_reactivate(*, user: User, actor: User | None) -> User:
    if actor is not None and not access.can_manage_person(actor, user):
        raise PermissionDenied(_("You may not reactivate this account."))
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user


def user_set_password(*, user: User, new_password: str, actor: User | None, request: HttpRequest | None = None) -> User:
    """Validate and set a password; other sessions end, the current one stays."""
    validate_password(new_password, user)
    with transaction.atomic():
        user.set_password(new_password)
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "password_changed_at"])
        keep = request.session.session_key if request is not None else None
        sessions_end_for_user(user=user, actor=actor, reason="password_changed", keep_session_key=keep)
        if request is not None:
            update_session_auth_hash(request, user)  # rotates the session key
            # Index the rotated key, or signing out elsewhere would miss this session.
            session_forget(session_key=keep)
            session_register(request=request, user=user)
        security_event_record(kind=SecurityEventKind.PASSWORD_CHANGED, request=request, user=user, actor=actor)
        if user.email:
            transaction.on_commit(lambda: _notify_credential_change(user))
    return user


def _notify_credential_change(user: User) -> None:
    send_mail(
        subject=_("Your taskforce password was changed"),
        message=_(
            "The password of your taskforce account %(username)s was changed. If you did not do "
            "this, tell your agency administrator at once."
        )
        % {"username": user.username},
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
        fail_silently=True,
    )


def password_is_expired(user: User) -> bool:
    age = timezone.now() - user.password_changed_at
    return age.days >= settings.PASSWORD_MAX_AGE_DAYS


def user_acknowledge_notice(*, user: User) -> None:
    user.notice_acknowledged_at = timezone.now()
    user.save(update_fields=["notice_acknowledged_at"])


# --- Sessions ------------------------------------------------------------------
def session_register(*, request: HttpRequest, user: User) -> None:
    """Remember which session belongs to whom (called right after ``login()``)."""
    key = request.session.session_key
    if key is None:
        request.session.save()
        key = request.session.session_key
    if key is None:  # saving a session always assigns a key; anything else is a bug
        raise RuntimeError("The session has no key after saving.")
    UserSession.objects.update_or_create(
        session_key=key, defaults={"user": user, "ip_address": client_ip(request), "created_at": timezone.now()}
    )


def sessions_end_for_user(*, user: User, actor: User | None, reason: str, keep_session_key: str | None = None) -> int:
    """Delete every server-side session of ``user`` (except ``keep_session_key``)."""
    rows = UserSession.objects.filter(user=user)
    if keep_session_key:
        rows = rows.exclude(session_key=keep_session_key)
    keys = list(rows.values_list("session_key", flat=True))
    if not keys:
        return 0
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(session_key__in=keys).delete()
    security_event_record(
        kind=SecurityEventKind.SESSIONS_ENDED, user=user, actor=actor, details={"reason": reason, "count": len(keys)}
    )
    return len(keys)


def session_forget(*, session_key: str | None) -> None:
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


# --- Lockout -------------------------------------------------------------------
def account_unlock(*, username: str, actor: User | None, request: HttpRequest | None = None) -> int:
    """Release a username locked by django-axes; the release is audited."""
    target = User.objects.filter(username=username).select_related("agency").first()
    if actor is not None:
        allowed = access.can_manage_person(actor, target) if target is not None else access.is_taskforce_admin(actor)
        if not allowed:
            raise PermissionDenied(_("You may not unlock this account."))
    with transaction.atomic():
        removed = axes_reset(username=username)
        security_event_record(
            kind=SecurityEventKind.UNLOCK,
            request=request,
            user=target,
            username=username,
            actor=actor,
            details={"attempt_records_removed": removed},
        )
    return removed
