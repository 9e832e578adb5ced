"""Browser pages of awards, time and effort and expenditures, under /grants/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from reporting import views_grants as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.grant_list, name="grant_list"),
    path("new/", views.grant_new, name="grant_new"),
    path("<int:pk>/edit/", views.grant_edit, name="grant_edit"),
    path("<int:pk>/expenditures/", views.expenditure_list, name="expenditure_list"),
    path("time/", views.time_mine, name="time_mine"),
    path("time/approve/", views.time_approve_queue, name="time_approve_queue"),
    path("time/<int:pk>/edit/", views.time_edit, name="time_edit"),
    path("time/<int:pk>/certify/", views.time_certify, name="time_certify"),
    path("time/<int:pk>/approve/", views.time_approve, name="time_approve"),
]
