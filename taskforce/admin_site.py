from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _


class TaskforceAdminSite(admin.AdminSite):
    site_header = _("Taskforce administration")
    site_title = _("Taskforce administration")
    index_title = _("Administration")

    def has_permission(self, request: HttpRequest) -> bool:
        """Only an active, MFA-verified task force administrator; staff flags
        and superusers play no part."""
        from django.conf import settings

        from partners.access import is_taskforce_admin
        from partners.models import User

        user = request.user
        if not isinstance(user, User) or not is_taskforce_admin(user):
            return False
        # OTPMiddleware adds is_verified() to the request's user.
        return not settings.REQUIRE_MFA or bool(getattr(user, "is_verified", lambda: False)())

    def login(self, request: HttpRequest, extra_context: dict[str, object] | None = None) -> HttpResponse:
        if request.user.is_authenticated:
            # Signed in but not an administrator (or MFA not done): signing in again would not help.
            raise PermissionDenied
        # One sign-in page for everything, with the notice, lockout and MFA.
        return HttpResponseRedirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")


class TaskforceAdminConfig(AdminConfig):
    """Django admin with the restricted site above as the default site."""

    default_site = "taskforce.admin_site.TaskforceAdminSite"
