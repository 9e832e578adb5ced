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
    path("mous/new/", views.mou_new, name="mou_new"),
    path("mous/<int:pk>/edit/", views.mou_edit, name="mou_edit"),
    path("mous/<int:pk>/status/", views.mou_status, name="mou_status"),
    path("mous/<int:pk>/document/", views.mou_document, name="mou_document"),
    path("committees/", views.committees, name="committees"),
    path("committees/new/", views.committee_new, name="committee_new"),
    path("committees/<int:pk>/edit/", views.committee_edit, name="committee_edit"),
    path("trainings/", views.trainings, name="trainings"),
    path("trainings/new/", views.training_new, name="training_new"),
    path("trainings/<int:pk>/edit/", views.training_edit, name="training_edit"),
    path("trainings/totals.csv", views.training_totals_csv, name="training_totals_csv"),
    path("outreach/", views.outreach, name="outreach"),
    path("outreach/new/", views.outreach_new, name="outreach_new"),
    path("outreach/<int:pk>/edit/", views.outreach_edit, name="outreach_edit"),
    path("volunteers/", views.volunteers, name="volunteers"),
    path("volunteers/new/", views.volunteer_new, name="volunteer_new"),
    path("volunteers/<int:pk>/edit/", views.volunteer_edit, name="volunteer_edit"),
    path("volunteers/<int:pk>/shifts/new/", views.volunteer_shift_new, name="volunteer_shift_new"),
    path("people/onboarding/", views.onboarding, name="onboarding"),
]
