from __future__ import annotations

from django.urls import include, path

from partners.views import account, auth, pages, people

urlpatterns = [
    path("", pages.home, name="home"),
    path("notice/", pages.notice, name="notice"),
    path("accessibility/", pages.accessibility, name="accessibility"),
    path("directory/", pages.directory, name="directory"),
    path("directory/<slug:slug>/", pages.agency_detail, name="agency_detail"),
    path("accounts/sign-in/", auth.sign_in, name="login"),
    path("accounts/sign-out/", auth.sign_out, name="logout"),
    path("accounts/mfa/verify/", auth.mfa_verify, name="mfa_verify"),
    path("accounts/mfa/setup/", auth.mfa_setup, name="mfa_setup"),
    path("accounts/mfa/recovery-codes/", auth.recovery_codes_regenerate, name="recovery_codes"),
    path("accounts/password/", auth.password_change, name="password_change"),
    path("accounts/password/expired/", auth.password_expired, name="password_expired"),
    path("accounts/activate/<str:uidb64>/<str:token>/", auth.activate, name="activate"),
    path("accounts/security/", account.security, name="security"),
    path("people/", people.people, name="people"),
    path("people/new/", people.person_new, name="person_new"),
    path("people/<int:pk>/", people.person, name="person"),
    path("people/<int:pk>/<slug:action>/", people.person_action, name="person_action"),
    path("security-log/", account.security_log, name="security_log"),
    path("", include("partners.operations.urls")),
]
