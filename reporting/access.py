"""Who may do what with reports."""

from __future__ import annotations

from partners.models import User
from partners.roles import Role

REPORTING_ROLES = (Role.TASKFORCE_ADMIN, Role.ANALYST)


def may_run_reports(user: User) -> bool:
    """Run, read, lock and export the funders' reports (row-free aggregates)."""
    return user.is_authenticated and user.is_active and user.has_role(*REPORTING_ROLES)


def sees_small_counts(user: User) -> bool:
    """Everyone else sees the dashboard with counts of 1 to 10 suppressed."""
    return may_run_reports(user)
