"""Sharing-agreement pages (agency administrators and the task force administrator)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from cases.views import agreements

urlpatterns: list[URLPattern | URLResolver] = [
    path("agreements/", agreements.agreement_list, name="agreements"),
    path("agreements/<slug:slug>/set/", agreements.agreement_edit, name="agreement_edit"),
]
