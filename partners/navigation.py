"""The navigation each role sees."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partners import access


@dataclass(frozen=True)
class NavItem:
    label: Any
    url: str
    url_name: str


def navigation_for(user: Any) -> list[NavItem]:
    items = [
        NavItem(_("Home"), reverse("home"), "home"),
        NavItem(_("Directory"), reverse("directory"), "directory"),
    ]
    if access.can_manage_users_of(user, user.agency):
        items.append(NavItem(_("People"), reverse("people"), "people"))
    if access.can_view_security_log(user):
        items.append(NavItem(_("Security log"), reverse("security_log"), "security_log"))
    if access.is_taskforce_admin(user):
        items.append(NavItem(_("Administration"), reverse("admin:index"), "admin"))
    items.append(NavItem(_("API"), reverse("api_docs"), "api_docs"))
    return items
