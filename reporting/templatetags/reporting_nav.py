"""The reporting pages' own navigation: one entry in the main menu, the rest here."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from reporting.access import may_run_reports
from reporting.grants import may_approve_time, may_log_time, may_see_awards
from reporting.submissions import may_see_tracker

register = template.Library()


@register.inclusion_tag("reporting/_nav.html", takes_context=True)
def reporting_nav(context: dict[str, Any]) -> dict[str, Any]:
    request = context["request"]
    user = request.user
    current = request.resolver_match.url_name if request.resolver_match else ""
    links = []
    if may_run_reports(user):
        links.append((_("Report runs"), "report_runs"))
    if may_see_tracker(user):
        links.append((_("Partner submissions"), "submission_tracker"))
    if may_see_awards(user):
        links.append((_("Awards"), "grant_list"))
    if may_log_time(user):
        links.append((_("My time"), "time_mine"))
    if may_approve_time(user):
        links.append((_("Time to approve"), "time_approve_queue"))
    return {"links": [(label, reverse(name), name == current) for label, name in links]}
