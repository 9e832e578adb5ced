"""The fixed set of roles and the agency kinds, with the sector each kind belongs to.

Names here are the ones used everywhere: code, API, templates and docs.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADVOCATE = "advocate", _("Advocate")
    INVESTIGATOR = "investigator", _("Investigator")
    PROSECUTOR = "prosecutor", _("Prosecutor")
    SUPERVISOR = "supervisor", _("Supervisor")
    AGENCY_ADMIN = "agency_admin", _("Agency administrator")
    TASKFORCE_ADMIN = "taskforce_admin", _("Task force administrator")
    ANALYST = "analyst", _("Crime analyst")
    AUDITOR = "auditor", _("Auditor")
    VOLUNTEER = "volunteer", _("Volunteer")


class Sector(models.TextChoices):
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    PROSECUTION = "prosecution", _("Prosecution")
    VICTIM_SERVICES = "victim_services", _("Victim services")
    OTHER = "other", _("Other")


class AgencyKind(models.TextChoices):
    LOCAL_LE = "local_le", _("Local law enforcement")
    STATE_LE = "state_le", _("State law enforcement")
    FEDERAL_LE = "federal_le", _("Federal law enforcement")
    LOCAL_PROSECUTION = "local_prosecution", _("State/local prosecution")
    FEDERAL_PROSECUTION = "federal_prosecution", _("Federal prosecution")
    VICTIM_SERVICES = "victim_services", _("Victim services")
    CULTURALLY_SPECIFIC = "culturally_specific", _("Culturally specific victim services")
    LEGAL_SERVICES = "legal_services", _("Legal services")
    HEALTH = "health", _("Health")
    SHELTER = "shelter", _("Shelter")
    CHILD_WELFARE = "child_welfare", _("Child welfare")
    LABOR_REGULATORY = "labor_regulatory", _("Labor/regulatory")
    TASKFORCE_OFFICE = "taskforce_office", _("Task force office")
    OTHER = "other", _("Other")


SECTOR_OF_KIND: dict[str, str] = {
    AgencyKind.LOCAL_LE: Sector.LAW_ENFORCEMENT,
    AgencyKind.STATE_LE: Sector.LAW_ENFORCEMENT,
    AgencyKind.FEDERAL_LE: Sector.LAW_ENFORCEMENT,
    AgencyKind.LOCAL_PROSECUTION: Sector.PROSECUTION,
    AgencyKind.FEDERAL_PROSECUTION: Sector.PROSECUTION,
    AgencyKind.VICTIM_SERVICES: Sector.VICTIM_SERVICES,
    AgencyKind.CULTURALLY_SPECIFIC: Sector.VICTIM_SERVICES,
    AgencyKind.LEGAL_SERVICES: Sector.VICTIM_SERVICES,
    AgencyKind.SHELTER: Sector.VICTIM_SERVICES,
    AgencyKind.HEALTH: Sector.OTHER,
    AgencyKind.CHILD_WELFARE: Sector.OTHER,
    AgencyKind.LABOR_REGULATORY: Sector.OTHER,
    AgencyKind.TASKFORCE_OFFICE: Sector.OTHER,
    AgencyKind.OTHER: Sector.OTHER,
}


def sector_for_kind(kind: str) -> str:
    return SECTOR_OF_KIND[kind]


# Roles that see aggregates and audit trails only: never survivor PII by virtue of the role.
AGGREGATE_ONLY_ROLES = frozenset({Role.TASKFORCE_ADMIN, Role.ANALYST, Role.AUDITOR})

# Roles that may manage the accounts of their own agency.
USER_MANAGER_ROLES = frozenset({Role.AGENCY_ADMIN, Role.TASKFORCE_ADMIN})

ROLE_GROUP_PREFIX = "role:"
AGENCY_GROUP_PREFIX = "agency:"


def role_group_name(role: str) -> str:
    return f"{ROLE_GROUP_PREFIX}{role}"


def agency_group_name(slug: str) -> str:
    return f"{AGENCY_GROUP_PREFIX}{slug}"
