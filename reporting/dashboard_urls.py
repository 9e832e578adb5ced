"""URL patterns of one part of the reporting app (filled in with that part)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
