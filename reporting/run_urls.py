"""Report run pages, under /reports/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from reporting import views_runs

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views_runs.report_runs, name="report_runs"),
    path("runs/<int:pk>/", views_runs.report_run, name="report_run"),
    path("runs/<int:pk>/progress/", views_runs.report_run_progress, name="report_run_progress"),
    path("runs/<int:pk>/lock/", views_runs.report_run_lock, name="report_run_lock"),
    path("runs/<int:pk>/print/", views_runs.report_run_print, name="report_run_print"),
    path("runs/<int:pk>/export.<str:fmt>", views_runs.report_run_export, name="report_run_export"),
]
