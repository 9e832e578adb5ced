"""Who may do what with agencies and accounts.

Field-level and record-level access to case data lives in ``cases.access``;
this module answers the account-management questions only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from partners.roles import Role

if TYPE_CHECKING:
    from partners.models import Agency, User

_VICTIM_GROUPS = ("profile", "identity", "contact", "immigration", "services", "notes")
_VICTIM_GROUPS_BUT_NOTES = ("profile", "identity", "contact", "immigration", "services")


def _cases(action: str, model: str, groups: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"cases.{action}_{model}_{group}" for group in groups)


# Model-level capabilities each role's group carries ("app_label.codename").
# Object-level grants to agency groups decide which records they apply to
# (cases.access): a capability alone shows nothing. The case and survivor
# capabilities are named as strings here so that partners imports nothing of cases.
ROLE_CAPABILITIES: dict[str, tuple[str, ...]] = {
    # Advocates read and write every group of their agency's survivors.
    Role.ADVOCATE: (
        "partners.view_agency",
        *_cases("view", "victim", _VICTIM_GROUPS),
        *_cases("change", "victim", _VICTIM_GROUPS),
        *_cases("view", "case", ("summary",)),
    ),
    Role.SUPERVISOR: (
        "partners.view_agency",
        *_cases("view", "victim", _VICTIM_GROUPS),
        *_cases("change", "victim", _VICTIM_GROUPS),
        *_cases("view", "case", ("summary",)),
    ),
    # Investigators and prosecutors: case groups per their sector; survivor groups
    # only as granted (their own agency's survivors, or shared); never notes.
    Role.INVESTIGATOR: (
        "partners.view_agency",
        *_cases("view", "victim", _VICTIM_GROUPS_BUT_NOTES),
        *_cases("change", "victim", _VICTIM_GROUPS_BUT_NOTES),
        *_cases("view", "case", ("summary", "investigation", "prosecution")),
        *_cases("change", "case", ("summary", "investigation")),
    ),
    Role.PROSECUTOR: (
        "partners.view_agency",
        *_cases("view", "victim", _VICTIM_GROUPS_BUT_NOTES),
        *_cases("change", "victim", _VICTIM_GROUPS_BUT_NOTES),
        *_cases("view", "case", ("summary", "investigation", "prosecution")),
        *_cases("change", "case", ("summary", "prosecution")),
    ),
    Role.AGENCY_ADMIN: (
        "partners.view_agency",
        "partners.view_user",
        "partners.add_user",
        "partners.change_user",
        "partners.view_sharingagreement",
        "partners.change_sharingagreement",
    ),
    # Administrators, analysts and auditors: no survivor PII and no investigation
    # details through their role; the profile (reporting attributes) and case summary only.
    Role.TASKFORCE_ADMIN: (
        "partners.view_agency",
        "partners.add_agency",
        "partners.change_agency",
        "partners.view_agencycontact",
        "partners.add_agencycontact",
        "partners.change_agencycontact",
        "partners.delete_agencycontact",
        "partners.view_user",
        "partners.add_user",
        "partners.change_user",
        "partners.view_roleassignment",
        "partners.view_securityevent",
        "partners.view_sharingagreement",
        "partners.view_committee",
        "partners.add_committee",
        "partners.change_committee",
        "auditlog.view_logentry",
        *_cases("view", "victim", ("profile",)),
        *_cases("view", "case", ("summary",)),
    ),
    Role.ANALYST: (
        "partners.view_agency",
        *_cases("view", "victim", ("profile",)),
        *_cases("view", "case", ("summary",)),
    ),
    Role.AUDITOR: (
        "partners.view_agency",
        "partners.view_securityevent",
        "auditlog.view_logentry",
        *_cases("view", "case", ("summary",)),
    ),
    Role.VOLUNTEER: ("partners.view_agency",),
}

# Roles an agency administrator may not hand out: they reach beyond one agency.
TASKFORCE_WIDE_ROLES = frozenset({Role.TASKFORCE_ADMIN, Role.ANALYST, Role.AUDITOR})


def is_taskforce_admin(user: User) -> bool:
    return user.is_active and user.has_role(Role.TASKFORCE_ADMIN)


def can_manage_agencies(user: User) -> bool:
    return is_taskforce_admin(user)


def can_manage_users_of(user: User, agency: Agency) -> bool:
    """Task force administrators manage every account; agency administrators their own agency's."""
    if not user.is_active:
        return False
    if user.has_role(Role.TASKFORCE_ADMIN):
        return True
    return user.has_role(Role.AGENCY_ADMIN) and user.agency_id == agency.pk


def can_manage_person(user: User, person: User) -> bool:
    """May ``user`` act on ``person``'s account (deactivate, unlock, end sessions, edit)?

    An agency administrator manages their own agency's accounts, except those
    holding a task-force-wide role (an analyst placed at a police department,
    say): only the task force administrator acts on those.
    """
    if not can_manage_users_of(user, person.agency):
        return False
    if user.has_role(Role.TASKFORCE_ADMIN):
        return True
    return not person.has_role(*TASKFORCE_WIDE_ROLES)


def can_assign_roles(user: User, agency: Agency, roles: set[str]) -> bool:
    if not can_manage_users_of(user, agency):
        return False
    if user.has_role(Role.TASKFORCE_ADMIN):
        return True
    return not (roles & TASKFORCE_WIDE_ROLES)


def can_view_security_log(user: User) -> bool:
    return user.is_active and user.has_role(Role.TASKFORCE_ADMIN, Role.AUDITOR)
