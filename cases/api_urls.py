from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import DefaultRouter

from cases.api import CaseViewSet, ConsentViewSet, ServiceEventViewSet, VictimViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("victims", VictimViewSet, basename="victim")
router.register("cases", CaseViewSet, basename="case")
router.register("consents", ConsentViewSet, basename="consent")
router.register("services", ServiceEventViewSet, basename="service-event")

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include(router.urls)),
]
