"""Who may see and change the task force's own records.

Every signed-in member reads the calendar (meetings, trainings), the outreach
log and the MOU list. Changing an event is for the task force administrator,
or for members of the agency that hosts or delivered it who hold one of the
EVENT_EDITOR_ROLES. A signed MOU document is for members of its parties and the
task force administrator. A volunteer's personal details are for the volunteer,
the administrators and supervisors of their agency, and the task force
administrator. A member's onboarding checklist is for the agency administrators
of their agency and the task force administrator.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from partners.roles import Role

if TYPE_CHECKING:
    from partners.models import MOU, Agency, User, Volunteer

# Staff who run their agency's trainings and outreach; not volunteers, and not the
# aggregate-only roles (analyst, auditor), who read but never write.
EVENT_EDITOR_ROLES = frozenset({Role.AGENCY_ADMIN, Role.SUPERVISOR, Role.ADVOCATE, Role.INVESTIGATOR, Role.PROSECUTOR})
# Those who coordinate an agency's volunteers.
VOLUNTEER_COORDINATOR_ROLES = frozenset({Role.AGENCY_ADMIN, Role.SUPERVISOR})


def is_taskforce_admin(user: User) -> bool:
    return user.is_active and user.has_role(Role.TASKFORCE_ADMIN)


def can_read_calendar(user: User) -> bool:
    return user.is_active


def can_edit_events_of(user: User, agency: Agency) -> bool:
    if is_taskforce_admin(user):
        return True
    return user.is_active and user.agency_id == agency.pk and user.has_role(*EVENT_EDITOR_ROLES)


def can_create_events(user: User) -> bool:
    """May the user create any event at all (for their own agency, or any as administrator)?"""
    return can_edit_events_of(user, user.agency)


def can_manage_mous(user: User) -> bool:
    return is_taskforce_admin(user)


def can_read_mou_document(user: User, mou: MOU) -> bool:
    """Members of the parties and the task force administrator; ``mou.parties`` may be prefetched."""
    if is_taskforce_admin(user):
        return True
    return user.is_active and any(party.pk == user.agency_id for party in mou.parties.all())


def can_read_committees(user: User) -> bool:
    return user.is_active


def can_manage_committees(user: User) -> bool:
    return is_taskforce_admin(user)


def can_manage_volunteers_of(user: User, agency: Agency) -> bool:
    if is_taskforce_admin(user):
        return True
    return user.is_active and user.agency_id == agency.pk and user.has_role(*VOLUNTEER_COORDINATOR_ROLES)


def can_read_volunteer(user: User, volunteer: Volunteer) -> bool:
    if volunteer.user_id is not None and volunteer.user_id == user.pk:
        return user.is_active
    return can_manage_volunteers_of(user, volunteer.agency)


def can_see_volunteer_roster(user: User) -> bool:
    return is_taskforce_admin(user) or (user.is_active and user.has_role(*VOLUNTEER_COORDINATOR_ROLES))


def can_manage_onboarding_of(user: User, person: User) -> bool:
    if is_taskforce_admin(user):
        return True
    return user.is_active and user.has_role(Role.AGENCY_ADMIN) and user.agency_id == person.agency_id
