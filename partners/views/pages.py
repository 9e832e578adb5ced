"""Home, directory, the public notice and accessibility pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from partners import selectors
from partners.panels import panels_for
from partners.requests import acting_user


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
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
    htmx = request.htmx  # type: ignore[attr-defined]
    # The filter form swaps in the results only; when the browser goes back to a
    # pushed URL, htmx asks for the whole page again (a history-restore request).
    fragment = bool(htmx) and not htmx.history_restore_request
    template = "partners/_directory_results.html" if fragment else "partners/directory.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


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
