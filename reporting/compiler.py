"""Compute one measure definition over its population: SQL aggregation only.

Every measure is one ``GROUP BY`` query (or one query per category for a
multi-select dimension); no Python loop ever walks the rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Case, CharField, Count, F, Min, Q, QuerySet, Sum, Value, When

from reporting.models import Aggregation, Award, MeasureDefinition, PeriodRule
from reporting.populations import NAMED_FILTERS, POPULATIONS, Population, column_allowed

Number = int | float
Result = Number | dict[str, Number]


@dataclass(frozen=True)
class Scope:
    period_start: date
    period_end: date
    fiscal_year_start: date
    cutoff_at: datetime
    award: Award | None = None


def _checked(population: Population, lookups: dict[str, Any], *, code: str) -> Q:
    for lookup in lookups:
        if not column_allowed(population, lookup):
            raise ValidationError(f"{code}: the column {lookup!r} is not reportable for this population.")
    return Q(**lookups)


def validate(definition: MeasureDefinition) -> None:
    """Refuse a definition that names an unknown population or a column it may not read."""
    code = definition.code
    if definition.aggregation == Aggregation.DIFFERENCE:
        if len(definition.operands) != 2:
            raise ValidationError(f"{code}: a difference needs exactly two operands.")
        return
    population = POPULATIONS.get(definition.population)
    if population is None:
        raise ValidationError(f"{code}: unknown population {definition.population!r}.")
    _checked(population, definition.filters, code=code)
    for name in definition.named_filters:
        if name not in NAMED_FILTERS:
            raise ValidationError(f"{code}: unknown named filter {name!r}.")
    dimension = definition.dimension
    if "field" in dimension:
        _checked(population, {dimension["field"]: None}, code=code)
        labels = {str(label) for label in dimension.get("categories", [])}
        if "bins" in dimension:
            named = {label for _low, _high, label in dimension["bins"]} | {dimension["missing"]}
        else:
            named = set(dimension.get("map", {}).values()) | (
                {dimension["default"]} if "default" in dimension else set()
            )
        if not named <= labels:
            raise ValidationError(f"{code}: the dimension names categories it does not list: {sorted(named - labels)}.")
    for category in dimension.get("categories", []):
        if isinstance(category, dict):
            _checked(population, category["where"], code=code)
    needs: dict[str, str] = {
        Aggregation.DISTINCT_PERSONS: population.person,
        Aggregation.DISTINCT_AGENCIES: population.agency,
        Aggregation.SUM_QUANTITY: population.quantity,
        Aggregation.SUM_HOURS: population.hours,
        Aggregation.SUM_AMOUNT: population.amount,
    }
    if needs.get(definition.aggregation, "present") == "":
        raise ValidationError(f"{code}: {definition.population} has nothing to {definition.aggregation}.")
    if definition.period_rule == PeriodRule.NEW_IN_FY and not population.person:
        raise ValidationError(f"{code}: 'new in the fiscal year' needs a population of persons.")


def _scoped(population: Population, definition: MeasureDefinition, scope: Scope) -> QuerySet[Any]:
    rows = population.rows().filter(_checked(population, definition.filters, code=definition.code))
    for name in definition.named_filters:
        rows = rows.filter(NAMED_FILTERS[name]())
    if population.recorded:
        # Records entered after the cut-off wait for the next run: a rerun shows them as a difference.
        rows = rows.filter(**{f"{population.recorded}__lte": scope.cutoff_at})
    if population.superseded:
        rows = rows.filter(
            Q(**{f"{population.superseded}__isnull": True}) | Q(**{f"{population.superseded}__gt": scope.cutoff_at})
        )
    if scope.award is not None:
        if population.award:
            rows = rows.filter(**{population.award: scope.award})
        elif population.agency:
            mine = Q(**{population.agency: scope.award.recipient_id})
            if population.award_reference:
                mine |= Q(**{population.award_reference: scope.award.award_number})
            rows = rows.filter(mine)
    return rows


def _in_window(population: Population, rows: QuerySet[Any], start: date, end: date) -> QuerySet[Any]:
    return rows.filter(**{f"{population.date}__gte": start, f"{population.date}__lte": end})


def _population_rows(definition: MeasureDefinition, scope: Scope) -> QuerySet[Any]:
    population = POPULATIONS[definition.population]
    rows = _scoped(population, definition, scope)
    rule = definition.period_rule
    if rule == PeriodRule.POINT_IN_TIME:
        rows = rows.filter(**{f"{population.date}__lte": scope.period_end})
        if not population.end:
            # Nothing ends (member agencies): in place by the end of the period.
            return rows
        return rows.filter(Q(**{f"{population.end}__isnull": True}) | Q(**{f"{population.end}__gt": scope.period_end}))
    in_period = _in_window(population, rows, scope.period_start, scope.period_end)
    if rule == PeriodRule.NEW_IN_FY:
        # New once per fiscal year: the person's first qualifying row since the
        # fiscal year began falls inside this period (grant-measures.md §6.6 rule 2).
        year_so_far = _in_window(population, rows, scope.fiscal_year_start, scope.period_end)
        new_people = (
            year_so_far.order_by()
            .values(population.person)
            .annotate(first=Min(population.date))
            .filter(first__gte=scope.period_start)
            .values(population.person)
        )
        return in_period.filter(**{f"{population.person}__in": new_people})
    return in_period


def _aggregate(definition: MeasureDefinition) -> Any:
    population = POPULATIONS[definition.population]
    aggregation = definition.aggregation
    if aggregation == Aggregation.DISTINCT_PERSONS:
        return Count(population.person, distinct=True)
    if aggregation == Aggregation.DISTINCT_AGENCIES:
        return Count(population.agency, distinct=True)
    if aggregation == Aggregation.COUNT_EVENTS:
        # Distinct: a join through a many-to-many filter must not count a row twice.
        return Count("pk", distinct=True)
    sums: dict[str, str] = {
        Aggregation.SUM_QUANTITY: population.quantity,
        Aggregation.SUM_HOURS: population.hours,
        Aggregation.SUM_AMOUNT: population.amount,
    }
    column = sums[aggregation]
    # An empty sum is NULL in SQL; _number reads it as zero.
    return Sum(column)


def _number(value: Any) -> Number:
    if value is None:
        return 0
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(round(value, 2))
    return int(value) if isinstance(value, int | bool) else float(value)


def _when_value(raw: str) -> Any:
    # JSON keys are strings; booleans are stored as "true"/"false".
    return {"true": True, "false": False}.get(raw, raw)


def _category_expression(dimension: dict[str, Any]) -> Any:
    field = dimension["field"]
    if "bins" in dimension:
        whens = [
            When(**{f"{field}__gte": low, f"{field}__lte": high}, then=Value(label))
            for low, high, label in dimension["bins"]
        ]
        whens.insert(0, When(**{f"{field}__isnull": True}, then=Value(dimension["missing"])))
        return Case(*whens, default=Value(dimension.get("default", dimension["missing"])), output_field=CharField())
    mapping: dict[str, str] = dimension.get("map", {})
    if not mapping:
        return F(field)
    whens = [When(**{field: _when_value(raw)}, then=Value(label)) for raw, label in mapping.items()]
    return Case(*whens, default=Value(dimension.get("default", "")), output_field=CharField())


def compute(definition: MeasureDefinition, scope: Scope) -> Result:
    """The value of one (non-derived) measure: a number, or category -> number."""
    rows = _population_rows(definition, scope).order_by()
    aggregate = _aggregate(definition)
    dimension = definition.dimension
    if not dimension:
        return _number(rows.aggregate(n=aggregate)["n"])
    categories = dimension["categories"]
    if categories and isinstance(categories[0], dict):
        # Multi-select: a person is counted under every category they fall in.
        return {
            category["label"]: _number(rows.filter(**category["where"]).aggregate(n=aggregate)["n"])
            for category in categories
        }
    mapping = dimension.get("map")
    if mapping and "default" not in dimension:
        # Values the map does not name are outside this measure (a service with no VOCA item).
        rows = rows.filter(**{f"{dimension['field']}__in": [_when_value(raw) for raw in mapping]})
    grouped = (
        rows.annotate(measure_category=_category_expression(dimension)).values("measure_category").annotate(n=aggregate)
    )
    counts = {str(row["measure_category"]): _number(row["n"]) for row in grouped}
    # Every category appears, zeros included, in the questionnaire's order.
    return {str(label): counts.get(str(label), 0) for label in categories}


def difference(results: dict[str, Result], definition: MeasureDefinition) -> Result:
    first, second = (results[code] for code in definition.operands)
    if isinstance(first, dict) or isinstance(second, dict):
        raise ValidationError(f"{definition.code}: a difference of tables is not defined.")
    return _number(Decimal(str(first)) - Decimal(str(second)))


def compute_all(
    definitions: Sequence[MeasureDefinition],
    scope: Scope,
    *,
    after_each: Callable[[int, MeasureDefinition], None] | None = None,
) -> dict[str, Result]:
    """Every measure of a report, in order (a difference reads the measures before it).
    ``after_each(done, definition)`` is told after each one: progress, timings."""
    results: dict[str, Result] = {}
    for done, definition in enumerate(definitions, start=1):
        validate(definition)
        if definition.aggregation == Aggregation.DIFFERENCE:
            results[definition.code] = difference(results, definition)
        else:
            results[definition.code] = compute(definition, scope)
        if after_each is not None:
            after_each(done, definition)
    return results
