"""API of report runs: /api/v1/reports/runs/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import DefaultRouter

from reporting.api import ReportRunViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("reports/runs", ReportRunViewSet, basename="report-run")

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include(router.urls)),
]
