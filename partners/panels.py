"""The panels of each role's home page.

Panels for capabilities that later issues build are shown, clearly labelled
as planned, so that people see where their work will live.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse, reverse_lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from partners import access
from partners.models import User
from partners.roles import Role


@dataclass(frozen=True)
class Panel:
    title: Any
    body: Any
    planned: bool = False
    links: list[tuple[Any, Any]] = field(default_factory=list)  # (label, URL; lazy where defined at import)


_PLANNED = {
    "survivors": Panel(
        _("Survivors and consents"),
        _("Record survivors with only what is needed, and their consents to share."),
        links=[
            (_("Open survivors"), reverse_lazy("victim_list")),
            (_("Record a survivor"), reverse_lazy("victim_new")),
        ],
    ),
    "referrals": Panel(
        _("Referrals"), _("Send and follow referrals to partner agencies until they are closed."), planned=True
    ),
    "cases": Panel(
        _("Cases"),
        _("Cases your agency leads or works, showing only the fields your agency may see."),
        links=[(_("Open cases"), reverse_lazy("case_list"))],
    ),
    "prosecution": Panel(
        _("Prosecutions"),
        _("Charges and dispositions of the cases your office works."),
        links=[
            (_("Cases pending prosecution"), format_lazy("{}?status=pending_prosecution", reverse_lazy("case_list")))
        ],
    ),
    "reports": Panel(
        _("Grant reports"),
        _("OVC, BJA and VOCA reports compiled each month and quarter, locked and exported."),
        planned=True,
    ),
    "dashboard": Panel(
        _("Task force dashboard"),
        _("Victims served, referrals, investigations and trainings by month and quarter."),
        planned=True,
    ),
    "calendar": Panel(
        _("Meetings and trainings"),
        _("The task force calendar, attendance and training logs."),
        links=[
            (_("Open the calendar"), reverse_lazy("calendar")),
            (_("Training log"), reverse_lazy("trainings")),
            (_("Partners and MOUs"), reverse_lazy("partners_overview")),
        ],
    ),
    "volunteering": Panel(
        _("Volunteer shifts"), _("Your shifts and hours."), links=[(_("Open the roster"), reverse_lazy("volunteers"))]
    ),
    "audit": Panel(
        _("Access and disclosure logs"),
        _("Who read survivor information and what was disclosed to whom."),
        planned=True,
    ),
}

_BY_ROLE: dict[str, tuple[str, ...]] = {
    Role.ADVOCATE: ("survivors", "referrals"),
    Role.SUPERVISOR: ("referrals", "survivors", "volunteering", "calendar"),
    Role.INVESTIGATOR: ("cases", "referrals", "calendar"),
    Role.PROSECUTOR: ("prosecution", "cases", "calendar"),
    Role.TASKFORCE_ADMIN: ("reports", "dashboard", "calendar"),
    Role.ANALYST: ("dashboard", "reports"),
    Role.AUDITOR: ("audit",),
    Role.VOLUNTEER: ("volunteering", "calendar"),
    Role.AGENCY_ADMIN: ("calendar", "volunteering"),
}


def panels_for(user: User) -> list[Panel]:
    panels: list[Panel] = [
        Panel(
            _("Partner directory"),
            _("Agencies of the task force, the services they offer, their languages and contacts."),
            links=[(_("Open the directory"), reverse("directory"))],
        )
    ]
    if access.can_manage_users_of(user, user.agency):
        panels.append(
            Panel(
                _("People"),
                _("Invite people, assign roles, unlock and deactivate accounts."),
                links=[(_("Manage people"), reverse("people"))],
            )
        )
    if access.can_view_security_log(user):
        panels.append(
            Panel(
                _("Security log"),
                _("Sign-ins, failures, lockouts and unlocks."),
                links=[(_("Open the security log"), reverse("security_log"))],
            )
        )
    seen: set[str] = set()
    for role in sorted(user.role_names()):
        for key in _BY_ROLE.get(role, ()):
            if key not in seen:
                seen.add(key)
                panels.append(_PLANNED[key])
    panels.append(
        Panel(
            _("Your account"),
            _("Multi-factor authentication, recovery codes, password and sessions."),
            links=[(_("Account security"), reverse("security"))],
        )
    )
    return panels
