"""The project's URL map: each app contributes its own patterns."""

from __future__ import annotations

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from taskforce.health import healthz

api_v1: list[URLPattern | URLResolver] = [
    path("", include("partners.api_urls")),
    path("", include("cases.api_urls")),
    path("", include("referrals.api_urls")),
    path("", include("reporting.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("partners.urls")),
    path("", include("cases.urls")),
    path("", include("cases.agreement_urls")),
    path("", include("referrals.urls")),
    path("", include("reporting.urls")),
]
