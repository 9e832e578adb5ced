"""Django admin of the reporting app, for task force administrators.

Awards are written through ``reporting.grants`` (the same rules as the /grants/
pages). Measure definitions are data loaded by migrations: the admin shows them
read-only, and a change to a questionnaire is a new version, never an edit.
Report runs are read-only (they are started, locked and exported from /reports/).
Submissions are shown for support; their figures are sent through /reports/submissions/.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from partners.access import is_taskforce_admin
from partners.models import User
from reporting import grants
from reporting.models import (
    AgencySubmission,
    AnonymousContact,
    Award,
    MeasureDefinition,
    ReportRun,
    SubmissionFigure,
    SubmittingAgency,
)


class _TaskforceAdminModel(admin.ModelAdmin):
    """The admin site admits only task force administrators; they hold no Django
    model permissions for reporting, so the role itself decides here."""

    def _admin(self, request: HttpRequest) -> bool:
        user = request.user
        return isinstance(user, User) and is_taskforce_admin(user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # records stay for the reports and the audit trail


class _ReadOnlyModel(_TaskforceAdminModel):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AwardAdminForm(forms.ModelForm):
    class Meta:
        model = Award
        fields = [
            "funder",
            "program",
            "award_number",
            "recipient",
            "starts_on",
            "ends_on",
            "budget",
            "match_required",
            "fiscal_year_start_month",
            "cadence",
            "reports",
            "active",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            if "budget" in cleaned:
                cleaned["budget"] = grants.clean_budget(cleaned.get("budget") or {})
            grants.validate_award(cleaned)
        except ValidationError as exc:
            for name, errors in exc.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        return cleaned


@admin.register(Award)
class AwardAdmin(_TaskforceAdminModel):
    form = AwardAdminForm
    list_display = ["award_number", "funder", "program", "recipient", "starts_on", "ends_on", "active"]
    list_filter = ["funder", "active", "cadence"]
    search_fields = ["award_number", "program", "recipient__name"]
    fields = [
        "funder",
        "program",
        "award_number",
        "recipient",
        "starts_on",
        "ends_on",
        "budget",
        "match_required",
        "fiscal_year_start_month",
        "cadence",
        "reports",
        "active",
    ]

    def save_model(self, request: HttpRequest, obj: Award, form: Any, change: bool) -> None:  # noqa: FBT001 (Django's signature)
        actor = cast(User, request.user)  # the admin site admits only a signed-in task force administrator
        values = {name: form.cleaned_data[name] for name in grants.AWARD_FIELDS if name in form.cleaned_data}
        if change:
            fresh = Award.objects.get(pk=obj.pk)
            grants.award_update(award=fresh, actor=actor, **values)
        else:
            obj.pk = grants.award_create(actor=actor, **values).pk


@admin.register(MeasureDefinition)
class MeasureDefinitionAdmin(_ReadOnlyModel):
    """Read-only: definitions are data loaded by migrations; a new questionnaire is a new version."""

    list_display = ["report", "version", "code", "section", "label", "population", "aggregation", "effective_from"]
    list_filter = ["report", "version", "aggregation", "period_rule"]
    search_fields = ["code", "label", "section"]
    ordering = ["report", "version", "position"]


@admin.register(ReportRun)
class ReportRunAdmin(_ReadOnlyModel):
    list_display = ["report", "award", "period_start", "period_end", "status", "scheduled", "locked_at", "created_at"]
    list_filter = ["report", "status", "scheduled"]
    date_hierarchy = "created_at"
    exclude = ["results"]


class SubmissionFigureInline(admin.TabularInline):
    model = SubmissionFigure
    fields = ["item", "value"]
    readonly_fields = ["item", "value"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        user = request.user
        return isinstance(user, User) and is_taskforce_admin(user)


@admin.register(AgencySubmission)
class AgencySubmissionAdmin(_ReadOnlyModel):
    """Read-only here: figures are sent (and replaced) through /reports/submissions/, which audits them."""

    list_display = ["agency", "month", "submitted_by", "submitted_at", "source"]
    list_filter = ["source", "agency"]
    date_hierarchy = "month"
    inlines = [SubmissionFigureInline]


@admin.register(SubmittingAgency)
class SubmittingAgencyAdmin(_TaskforceAdminModel):
    """Which partners are expected to send monthly figures, from which month."""

    list_display = ["agency", "since", "active"]
    list_filter = ["active"]
    fields = ["agency", "since", "active"]

    def save_model(self, request: HttpRequest, obj: SubmittingAgency, form: Any, change: bool) -> None:  # noqa: FBT001 (Django's signature)
        obj.since = obj.since.replace(day=1)
        super().save_model(request, obj, form, change)


@admin.register(AnonymousContact)
class AnonymousContactAdmin(_TaskforceAdminModel):
    list_display = ["agency", "contacted_on", "contacts", "created_by"]
    list_filter = ["agency"]
    date_hierarchy = "contacted_on"
    fields = ["agency", "contacted_on", "contacts"]

    def save_model(self, request: HttpRequest, obj: AnonymousContact, form: Any, change: bool) -> None:  # noqa: FBT001 (Django's signature)
        if not change:
            obj.created_by = cast(User, request.user)
        super().save_model(request, obj, form, change)
