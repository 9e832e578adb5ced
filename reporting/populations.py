"""The populations a measure may count: which table, which columns.

A measure definition names a population and may filter or group only on the
columns listed here. None of them is personal: the survivor's reporting
attributes (profile), event types, dates and agencies. That is what keeps PII
out of every report by construction (security requirement D6, J2).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from cases.models import Arrest, Case, Charge, Disposition, ServiceEvent, Suspect, Victim
from partners.models import Agency
from partners.operations.models import MOU, Meeting, OutreachEvent, TrainingAudience, TrainingEvent
from referrals.models import Referral
from reporting.models import AnonymousContact, Expenditure, SubmissionFigure, TimeEntry

_VICTIM_ATTRIBUTES = (
    "trafficking_type",
    "gender",
    "age_group",
    "age_at_intake",
    "citizenship",
    "race_ethnicity",
    "victimizations",
    "special_classifications",
    "referral_source",
    "status",
)


def _prefixed(prefix: str, names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(f"{prefix}{name}" for name in names)


@dataclass(frozen=True)
class Population:
    rows: Callable[[], QuerySet[Any]]
    date: str
    # Columns read by the aggregations; empty when the population has none.
    person: str = ""
    agency: str = ""
    award: str = ""
    recorded: str = ""
    # Set when a later record replaced this one (a resubmitted figure): counted until then.
    superseded: str = ""
    # A column naming the award that funded the row: an award's run counts it as well as its recipient's rows.
    award_reference: str = ""
    end: str = ""
    quantity: str = ""
    hours: str = ""
    amount: str = ""
    # Columns (lookup roots) a filter or a dimension may name.
    columns: frozenset[str] = field(default_factory=frozenset)


def _services(*, family: bool) -> Callable[[], QuerySet[ServiceEvent]]:
    return lambda: ServiceEvent.objects.filter(family_member__isnull=not family)


def _more_than_one_victimization() -> Q:
    # "Both sex and labor" is two victimizations; so is trafficking plus any other crime.
    return Q(victim__trafficking_type="both") | ~Q(victim__victimizations="")


# Trainings, outreach and meetings keep no entry time, so a run's cut-off cannot hold them back.
POPULATIONS: dict[str, Population] = {
    # Principal clients' services: family members are never counted here (OVC H4).
    "client_services": Population(
        rows=_services(family=False),
        date="delivered_on",
        person="victim_id",
        agency="providing_agency",
        recorded="created_at",
        quantity="quantity",
        columns=frozenset({"service_type", "delivery", "unit", "providing_agency"})
        | _prefixed("victim__", _VICTIM_ATTRIBUTES),
    ),
    "family_services": Population(
        rows=_services(family=True),
        date="delivered_on",
        person="family_member_id",
        agency="providing_agency",
        recorded="created_at",
        quantity="quantity",
        columns=frozenset(
            {"service_type", "delivery", "family_member__relationship", "family_member__age_group", "providing_agency"}
        ),
    ),
    "victims": Population(
        rows=Victim.objects.all,
        date="intake_date",
        person="id",
        agency="owner_agency",
        recorded="created_at",
        columns=frozenset(_VICTIM_ATTRIBUTES),
    ),
    # Victims known to law enforcement: linked to at least one case.
    "case_victims": Population(
        rows=lambda: Victim.objects.filter(case_links__isnull=False).distinct(),
        date="intake_date",
        person="id",
        recorded="created_at",
        columns=frozenset(_VICTIM_ATTRIBUTES),
    ),
    "cases_opened": Population(
        rows=Case.objects.all,
        date="opened_on",
        end="closed_on",
        agency="lead_agency",
        recorded="created_at",
        columns=frozenset({"trafficking_type", "origin", "status", "confirmation"}),
    ),
    "cases_closed": Population(
        rows=lambda: Case.objects.filter(closed_on__isnull=False),
        date="closed_on",
        agency="lead_agency",
        recorded="created_at",
        columns=frozenset({"trafficking_type", "origin", "confirmation"}),
    ),
    "suspects": Population(
        rows=Suspect.objects.all,
        date="created_at__date",
        person="id",
        agency="case__lead_agency",
        recorded="created_at",
        columns=frozenset({"role"}),
    ),
    "arrests": Population(
        rows=Arrest.objects.all,
        date="arrested_on",
        person="suspect_id",
        agency="arresting_agency",
        recorded="created_at",
        columns=frozenset({"suspect__role", "case__trafficking_type"}),
    ),
    "charges": Population(
        rows=Charge.objects.all,
        date="filed_on",
        person="suspect_id",
        agency="filing_agency",
        recorded="created_at",
        columns=frozenset({"jurisdiction", "is_trafficking_statute", "nibrs_code", "suspect__role"}),
    ),
    "dispositions": Population(
        rows=Disposition.objects.all,
        date="disposed_on",
        person="charge__suspect_id",
        agency="charge__filing_agency",
        recorded="created_at",
        columns=frozenset({"outcome", "charge__jurisdiction", "charge__is_trafficking_statute"}),
    ),
    "referrals_sent": Population(
        rows=lambda: Referral.objects.filter(sent_at__isnull=False),
        date="sent_at__date",
        person="victim_id",
        agency="from_agency",
        recorded="created_at",
        columns=frozenset({"status", "urgency", "outcome", "to_agency__kind", "from_agency__kind"}),
    ),
    "trainings": Population(
        rows=TrainingEvent.objects.all,
        date="held_on",
        agency="delivered_by",
        award_reference="funding_award",
        hours="hours",
        columns=frozenset({"topic"}),
    ),
    "training_attendance": Population(
        rows=TrainingAudience.objects.all,
        date="training__held_on",
        agency="training__delivered_by",
        award_reference="training__funding_award",
        quantity="attendees",
        columns=frozenset({"discipline", "training__topic"}),
    ),
    "outreach": Population(
        rows=OutreachEvent.objects.all,
        date="held_on",
        agency="delivered_by",
        quantity="people_reached",
        columns=frozenset({"kind"}),
    ),
    "meetings": Population(
        rows=Meeting.objects.all,
        date="starts_at__date",
        agency="host_agency",
        hours="training_hours",
        columns=frozenset({"committee__kind", "training_topic"}),
    ),
    # An MOU in force at the end of the period, whatever its status is today.
    "mous": Population(
        rows=lambda: MOU.objects.filter(effective_from__isnull=False, status__in=["active", "expired"]),
        date="effective_from",
        end="expires_on",
        recorded="created_at",
        columns=frozenset({"status"}),
    ),
    "member_agencies": Population(
        rows=lambda: Agency.objects.filter(active=True),
        date="created_at__date",
        recorded="created_at",
        columns=frozenset({"kind"}),
    ),
    "anonymous_contacts": Population(
        rows=AnonymousContact.objects.all,
        date="contacted_on",
        agency="agency",
        recorded="created_at",
        quantity="contacts",
    ),
    "time_entries": Population(
        rows=TimeEntry.objects.all,
        date="worked_on",
        person="person_id",
        award="award",
        recorded="created_at",
        hours="hours",
        columns=frozenset({"activity", "approved_at", "certified_at"}),
    ),
    "expenditures": Population(
        rows=Expenditure.objects.all,
        date="spent_on",
        award="award",
        recorded="created_at",
        amount="amount",
        columns=frozenset({"category", "source", "state"}),
    ),
    "submitted_figures": Population(
        rows=SubmissionFigure.objects.all,
        date="submission__month",
        agency="submission__agency",
        recorded="recorded_at",
        superseded="superseded_at",
        quantity="value",
        columns=frozenset({"item"}),
    ),
}

# Predicates that a lookup cannot say, named in a definition's ``named_filters``.
NAMED_FILTERS: dict[str, Callable[[], Q]] = {
    "more_than_one_victimization": _more_than_one_victimization,
}


LOOKUPS = frozenset({"exact", "in", "contains", "gt", "gte", "lt", "lte", "isnull", "range"})


def column_allowed(population: Population, lookup: str) -> bool:
    """Whether ``lookup`` reads an allowed column, followed by comparison lookups only
    (never a further relation: ``providing_agency__victims__...`` is refused)."""
    parts = lookup.split("__")
    for n in range(1, len(parts) + 1):
        if "__".join(parts[:n]) in population.columns:
            return all(part in LOOKUPS for part in parts[n:])
    return False
