"""Browser pages of the reporting app."""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [
    path("reports/", include("reporting.run_urls")),
    path("reports/submissions/", include("reporting.submission_urls")),
    path("dashboard/", include("reporting.dashboard_urls")),
    path("grants/", include("reporting.grant_urls")),
]
