"""API of partner monthly submissions, under /api/v1/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import DefaultRouter

from reporting.submission_api import SubmissionViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("reports/submissions", SubmissionViewSet, basename="report-submission")

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include(router.urls)),
]
