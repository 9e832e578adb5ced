from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import DefaultRouter

from referrals.api import NotificationViewSet, ReferralDirectoryViewSet, ReferralViewSet, TipViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("referrals", ReferralViewSet, basename="referral")
router.register("referral-directory", ReferralDirectoryViewSet, basename="referral-directory")
router.register("tips", TipViewSet, basename="tip")
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include(router.urls)),
]
