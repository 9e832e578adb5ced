from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from partners.api import AgencyViewSet, MeView
from partners.operations.api import MeetingViewSet, MOUViewSet, OutreachViewSet, TrainingViewSet, VolunteerViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("agencies", AgencyViewSet, basename="agency")
router.register("mous", MOUViewSet, basename="mou")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("trainings", TrainingViewSet, basename="training")
router.register("outreach", OutreachViewSet, basename="outreach")
router.register("volunteers", VolunteerViewSet, basename="volunteer")

urlpatterns = [
    path("me/", MeView.as_view(), name="api-me"),
    path("", include(router.urls)),
]
