"""The navigation each role sees."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partners import access
from partners.operations import access as operations_access
from partners.roles import Role


@dataclass(frozen=True)
class NavItem:
    label: Any
    url: str
    url_name: str


def navigation_for(user: Any) -> list[NavItem]:
    items = [
        NavItem(_("Home"), reverse("home"), "home"),
        NavItem(_("Directory"), reverse("directory"), "directory"),
        NavItem(_("Calendar"), reverse("calendar"), "calendar"),
    ]
    items.append(NavItem(_("Dashboard"), reverse("dashboard"), "dashboard"))
    # Permission strings, not cases.access: partners does not import cases.
    if user.has_perm("cases.view_victim_profile"):
        items.append(NavItem(_("Survivors"), reverse("victim_list"), "victim_list"))
    if user.has_perm("cases.view_case_summary"):
        items.append(NavItem(_("Cases"), reverse("case_list"), "case_list"))
    # Role names, not referrals.access: partners does not import referrals.
    if user.has_role(Role.ADVOCATE, Role.SUPERVISOR, Role.INVESTIGATOR, Role.PROSECUTOR):
        items.append(NavItem(_("Referrals"), reverse("referral_list"), "referral_list"))
    if user.has_role(Role.TASKFORCE_ADMIN):
        items.append(NavItem(_("Referral board"), reverse("referral_board"), "referral_board"))
        items.append(NavItem(_("Tips"), reverse("tip_list"), "tip_list"))
    # One entry for reporting; its pages carry their own menu (submissions, awards, time).
    # Route names, not reporting.access: partners does not import reporting.
    if user.has_role(Role.TASKFORCE_ADMIN, Role.ANALYST):
        items.append(NavItem(_("Reports"), reverse("report_runs"), "report_runs"))
    elif user.has_role(Role.AGENCY_ADMIN):
        items.append(NavItem(_("Grants and time"), reverse("grant_list"), "grant_list"))
    elif user.has_role(Role.ADVOCATE, Role.SUPERVISOR, Role.INVESTIGATOR, Role.PROSECUTOR):
        items.append(NavItem(_("Grants and time"), reverse("time_mine"), "time_mine"))
    if operations_access.can_see_volunteer_roster(user) or user.has_role(Role.VOLUNTEER):
        items.append(NavItem(_("Volunteers"), reverse("volunteers"), "volunteers"))
    if access.can_manage_users_of(user, user.agency):
        items.append(NavItem(_("People"), reverse("people"), "people"))
        items.append(NavItem(_("Sharing agreements"), reverse("agreements"), "agreements"))
    if access.can_view_security_log(user):
        items.append(NavItem(_("Security log"), reverse("security_log"), "security_log"))
    if access.is_taskforce_admin(user):
        items.append(NavItem(_("Administration"), reverse("admin:index"), "admin"))
    items.append(NavItem(_("API"), reverse("api_docs"), "api_docs"))
    return items
