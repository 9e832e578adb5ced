"""Home, directory, the public notice and accessibility pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from partners import selectors
from partners.models import User
from partners.panels import panels_for


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    return render(request, "partners/home.html", {"panels": panels_for(user)})


@login_required
@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    service = request.GET.get("service", "").strip()
    language = request.GET.get("language", "").strip()
    query = request.GET.get("q", "").strip()[:100]
    agencies = selectors.agency_directory(service=service, language=language, query=query)
    all_agencies = selectors.agency_directory()
    services = sorted({s for a in all_agencies for s in a.services_offered})
    languages = sorted({lang for a in all_agencies for lang in a.languages})
    page = Paginator(agencies, 25).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "services": services,
        "languages": languages,
        "service": service,
        "language": language,
        "q": query,
    }
    template = "partners/_directory_results.html" if request.htmx else "partners/directory.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
@require_GET
def agency_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "partners/agency_detail.html", {"agency": selectors.agency_get(slug=slug)})


@require_GET
def notice(request: HttpRequest) -> HttpResponse:
    return render(request, "partners/notice_page.html")


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "partners/accessibility.html")
