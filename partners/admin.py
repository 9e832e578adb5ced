"""Django admin for task force administrators.

Agency rows are written through partners.services. Contact rows are saved by the
inline directly: services.agency_contacts_set replaces every row, which would
write a delete and a create to the audit log for each unchanged contact, while
the inline saves only what changed (AgencyContact is registered with auditlog).
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from partners import services
from partners.models import Agency, AgencyContact, SecurityEvent, User
from partners.operations import services as operations
from partners.operations.models import Committee


class AgencyContactInline(admin.TabularInline):
    model = AgencyContact
    extra = 1
    fields = ["name", "title", "phone", "email", "position"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "confidentiality_covered", "active"]
    list_filter = ["kind", "confidentiality_covered", "active"]
    search_fields = ["name", "slug"]
    inlines = [AgencyContactInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = [
        "name",
        "slug",
        "kind",
        "confidentiality_covered",
        "jurisdiction",
        "services_offered",
        "languages",
        "eligibility_notes",
        "website",
        "active",
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Agency | None = None) -> list[str]:
        # The slug names the agency's permission group; it is fixed once created.
        return ["slug"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Agency, form: Any, change: bool) -> None:  # noqa: FBT001 (Django's signature)
        actor = cast(User, request.user)  # the admin site admits only a signed-in task force administrator
        if change:
            fields = services.AGENCY_EDITABLE_FIELDS & set(form.cleaned_data)
            services.agency_update(agency=obj, actor=actor, **{name: form.cleaned_data[name] for name in fields})
        else:
            created = services.agency_create(
                actor=actor,
                name=obj.name,
                slug=obj.slug,
                kind=obj.kind,
                confidentiality_covered=obj.confidentiality_covered,
                jurisdiction=obj.jurisdiction,
                services_offered=obj.services_offered,
                languages=obj.languages,
                eligibility_notes=obj.eligibility_notes,
                website=obj.website,
            )
            obj.pk = created.pk
            obj.group = created.group

    def has_delete_permission(self, request: HttpRequest, obj: Agency | None = None) -> bool:
        # Agencies are deactivated, never deleted: their records and reports stay.
        return False


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    """Read-only overview; people are managed on the People pages, which enforce the role rules."""

    list_display = ["username", "agency", "is_active", "last_login"]
    list_filter = ["agency", "is_active"]
    search_fields = ["username", "first_name", "last_name", "email"]
    fields = (
        "username",
        "first_name",
        "last_name",
        "email",
        "agency",
        "title",
        "phone",
        "is_active",
        "last_login",
        "password_changed_at",
        "notice_acknowledged_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        # View only: a save here would skip the role and agency rules of partners.services.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return False


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    list_display = ["at", "kind", "username", "actor", "ip_address"]
    list_filter = ["kind"]
    search_fields = ["username"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: SecurityEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: SecurityEvent | None = None) -> bool:
        return False


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    """Committees are added and changed by the task force administrator, through the services."""

    list_display = ["name", "kind", "chair", "active"]
    list_filter = ["kind", "active"]
    fields = ["name", "kind", "chair", "members", "active"]

    def save_model(self, request: HttpRequest, obj: Committee, form: Any, change: bool) -> None:  # noqa: FBT001 (Django's signature)
        actor = cast(User, request.user)  # the admin site admits only a signed-in task force administrator
        data = form.cleaned_data
        if change:
            operations.committee_update(
                committee=obj,
                actor=actor,
                members=data["members"],
                name=data["name"],
                kind=data["kind"],
                chair=data["chair"],
                active=data["active"],
            )
        else:
            created = operations.committee_create(
                actor=actor, name=data["name"], kind=data["kind"], members=data["members"], chair=data["chair"]
            )
            obj.pk = created.pk

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:  # noqa: FBT001
        # The members were set by the service in save_model.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def has_delete_permission(self, request: HttpRequest, obj: Committee | None = None) -> bool:
        # Committees are made inactive, never deleted: their meetings stay on record.
        return False
