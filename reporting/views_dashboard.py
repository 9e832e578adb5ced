"""The task force dashboard page: aggregates for every signed-in member, small counts hidden
from everyone but administrators and analysts (``reporting.access.sees_small_counts``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from partners.requests import acting_user
from reporting import dashboard
from reporting.access import sees_small_counts


def _year(request: HttpRequest, choices: list[int]) -> int | None:
    value = request.GET.get("year", "")
    # isascii: "²".isdigit() is true, and int("²") fails.
    return int(value) if value.isascii() and value.isdigit() and int(value) in choices else None


@login_required
@require_GET
def dashboard_page(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    years = dashboard.available_years(today)
    year = _year(request, years)
    by: dashboard.Granularity = "quarter" if request.GET.get("by") == "quarter" else "month"
    suppress = not sees_small_counts(acting_user(request))
    if suppress:
        # One view of the counts only: months of a calendar year. Quarters, or a rolling window
        # overlapping a calendar year, are other sums of the same cells, and subtracting one
        # view's published totals from another's would recover the hidden counts.
        year, by = year or today.year, "month"
    window = dashboard.dashboard_window(year=year, by=by, today=today)
    context = {
        "window": window,
        "years": years,
        "suppressed": suppress,
        **dashboard.dashboard_context(window, suppress=suppress),
    }
    return render(request, "reporting/dashboard.html", context)
