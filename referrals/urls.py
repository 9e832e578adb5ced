from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from referrals import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("survivors/<int:pk>/refer/", views.referral_new, name="referral_new"),
    path("referrals/", views.referral_list, name="referral_list"),
    path("referrals/board/", views.referral_board, name="referral_board"),
    path("referrals/intake/", views.referral_intake, name="referral_intake"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral_detail"),
    path("referrals/<int:pk>/<slug:action>/", views.referral_act, name="referral_act"),
    path("tips/", views.tip_list, name="tip_list"),
    path("tips/<int:pk>/<slug:action>/", views.tip_act, name="tip_act"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
]
