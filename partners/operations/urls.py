from __future__ import annotations

from django.urls import path

from partners.operations import views

urlpatterns = [
    path("calendar/", views.calendar_view, name="calendar"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/attendance.csv", views.attendance_csv, name="attendance_csv"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/attendance/", views.meeting_attendance, name="meeting_attendance"),
    path("meetings/<int:pk>/sheet/", views.meeting_sheet, name="meeting_sheet"),
    path("meetings/<int:pk>/meeting.ics", views.meeting_ics, name="meeting_ics"),
    path("partners/", views.partners_overview, name="partners_overview"),
    path("mous/<int:pk>/document/", views.mou_document, name="mou_document"),
    path("trainings/", views.trainings, name="trainings"),
    path("trainings/new/", views.training_new, name="training_new"),
    path("trainings/totals.csv", views.training_totals_csv, name="training_totals_csv"),
    path("outreach/", views.outreach, name="outreach"),
    path("outreach/new/", views.outreach_new, name="outreach_new"),
    path("volunteers/", views.volunteers, name="volunteers"),
    path("people/onboarding/", views.onboarding, name="onboarding"),
]
