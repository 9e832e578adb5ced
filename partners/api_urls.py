from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from partners.api import AgencyViewSet, MeView

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("agencies", AgencyViewSet, basename="agency")

urlpatterns = [
    path("me/", MeView.as_view(), name="api-me"),
    path("", include(router.urls)),
]
