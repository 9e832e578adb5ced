"""URL patterns of the task force dashboard (``/dashboard/``)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from reporting import views_dashboard

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views_dashboard.dashboard_page, name="dashboard"),
]
