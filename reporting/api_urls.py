"""API of the reporting app, under /api/v1/."""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [
    path("", include("reporting.run_api_urls")),
    path("", include("reporting.submission_api_urls")),
]
