from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from cases.views import case_pages, victims

urlpatterns: list[URLPattern | URLResolver] = [
    path("survivors/", victims.victim_list, name="victim_list"),
    path("survivors/new/", victims.victim_new, name="victim_new"),
    path("survivors/<int:pk>/", victims.victim_detail, name="victim_detail"),
    path("survivors/<int:pk>/groups/<slug:group>/", victims.victim_group_update, name="victim_group_update"),
    path("survivors/<int:pk>/consents/", victims.consent_new, name="consent_new"),
    path("survivors/<int:pk>/consents/<int:consent_pk>/revoke/", victims.consent_revoke, name="consent_revoke"),
    path("survivors/<int:pk>/consents/<int:consent_pk>/form/", victims.consent_print, name="consent_print"),
    path("survivors/<int:pk>/services/", victims.service_new, name="service_new"),
    path("survivors/<int:pk>/notes/", victims.note_new, name="note_new"),
    path("survivors/<int:pk>/family/", victims.family_member_new, name="family_member_new"),
    path("survivors/<int:pk>/cases/", victims.victim_link_case, name="victim_link_case"),
    path("survivors/<int:pk>/access-report/", victims.access_report, name="victim_access_report"),
    path("cases/", case_pages.case_list, name="case_list"),
    path("cases/new/", case_pages.case_new, name="case_new"),
    path("cases/<int:pk>/", case_pages.case_detail, name="case_detail"),
    path("cases/<int:pk>/participants/", case_pages.case_participant_add, name="case_participant_add"),
    path("cases/<int:pk>/survivors/", case_pages.case_victim_link, name="case_victim_link"),
    path("cases/<int:pk>/suspects/", case_pages.suspect_new, name="suspect_new"),
    path("cases/<int:pk>/arrests/", case_pages.arrest_new, name="arrest_new"),
    path("cases/<int:pk>/charges/", case_pages.charge_new, name="charge_new"),
    path("cases/<int:pk>/dispositions/", case_pages.disposition_new, name="disposition_new"),
]
