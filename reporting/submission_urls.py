"""Browser pages of partner monthly submissions, under /reports/submissions/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from reporting import views_submissions as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.submission_tracker_view, name="submission_tracker"),
    path("new/", views.submission_new, name="submission_new"),
    path("upload/", views.submission_upload, name="submission_upload"),
]
