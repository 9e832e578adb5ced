"""The task force dashboard: monthly (or quarterly) counts across every agency.

Every block is one SQL aggregation (``Trunc`` + ``GROUP BY``) over the window,
so the page costs a fixed number of queries whatever the amount of data, and
only dates, statuses and categories are read: never a name, a pseudonym or any
other personal column. The dashboard is task-force-wide and the same for
everyone, except that viewers who may not see small counts get every table
through ``reporting.suppression`` (counts 1 to 10 hidden, with complements),
and every chart is drawn from the published (suppressed) table.

One pair of blocks partitions the same rows twice: referrals by state and by
acknowledgement timeliness. Suppressing the two tables independently is not
safe (their monthly totals are the same number, "sent" is "awaiting
acknowledgement", and when some states are zero a timeliness column is a sum of
state columns), so the timeliness table is not suppressed on its own: for a
suppressed viewer a month's timeliness is published only when that month's row
of the state table is published whole and its own counts hold nothing from 1
to 10; otherwise the whole month is hidden. It has no column totals, so its
months are independent and a published month says nothing the state table's
(fully published) row does not already allow.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal, cast

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, DateField, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncQuarter
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from cases.models import Arrest, Case, Charge, Disposition, ServiceEvent, Victim, VictimStatus
from partners.operations.models import TrainingEvent
from referrals.models import Referral, ReferralStatus
from reporting.charts import bar_chart_svg, grouped_bar_svg
from reporting.periods import add_months, quarter_start
from reporting.suppression import DEFAULT_THRESHOLD, Cell, SuppressedTable, suppress_table

Granularity = Literal["month", "quarter"]

# How many past years the year picker offers, besides the current one.
YEARS_BACK = 5
WINDOW_MONTHS = 13  # the last 12 full months and the current one


# --- The window ------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    key: str  # "2025-03" or "2025-Q1"
    start: date
    label: str  # localized, e.g. "Mar 2025" or "Q1 2025"


@dataclass(frozen=True)
class Window:
    start: date
    end: date  # exclusive
    by: Granularity
    year: int | None
    periods: tuple[Period, ...]

    def period_key(self, value: date | datetime) -> str:
        return _key(value, self.by)


def _key(value: date | datetime, by: Granularity) -> str:
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if by == "quarter":
        return f"{value.year}-Q{(value.month - 1) // 3 + 1}"
    return f"{value.year}-{value.month:02d}"


def _label(start: date, by: Granularity) -> str:
    if by == "quarter":
        return _("Q%(quarter)s %(year)s") % {"quarter": (start.month - 1) // 3 + 1, "year": start.year}
    return date_format(start, "M Y")


def available_years(today: date | None = None) -> list[int]:
    today = today or timezone.localdate()
    return list(range(today.year, today.year - YEARS_BACK - 1, -1))


def dashboard_window(*, year: int | None = None, by: Granularity = "month", today: date | None = None) -> Window:
    """A calendar year, or the last 12 full months plus the current one (whole quarters ``by="quarter"``)."""
    today = today or timezone.localdate()
    if year is not None:
        start, end = date(year, 1, 1), date(year + 1, 1, 1)
    else:
        start = add_months(today.replace(day=1), 1 - WINDOW_MONTHS)
        end = add_months(today.replace(day=1), 1)
        if by == "quarter":
            start = quarter_start(start)
            end = add_months(quarter_start(today), 3)
    step = 3 if by == "quarter" else 1
    periods = []
    cursor = start
    while cursor < end:
        periods.append(Period(_key(cursor, by), cursor, _label(cursor, by)))
        cursor = add_months(cursor, step)
    return Window(start=start, end=end, by=by, year=year, periods=tuple(periods))


# --- Aggregation ------------------------------------------------------------------------

Counts = dict[str, dict[str, int]]


def _trunc(window: Window, field: str) -> Any:
    kind = TruncQuarter if window.by == "quarter" else TruncMonth
    return kind(field, output_field=DateField())


def _in_window(window: Window, field: str) -> Q:
    return Q(**{f"{field}__gte": window.start, f"{field}__lt": window.end})


def _grouped(window: Window, queryset: QuerySet[Any], *, date_field: str, category: str | None, measure: Any) -> Counts:
    """One ``GROUP BY period[, category]`` query; returns {period key: {category: count}}."""
    fields = ["period"] if category is None else ["period", category]
    rows = (
        queryset.filter(_in_window(window, date_field))
        .annotate(period=_trunc(window, date_field))
        .values(*fields)
        .annotate(n=measure)
        .order_by()
    )
    counts: Counts = {period.key: {} for period in window.periods}
    # At most (periods x categories) aggregated rows, never the records themselves.
    for row in rows:
        key = window.period_key(row["period"])
        if key in counts and row["n"]:
            column = "" if category is None else str(row[category])
            counts[key][column] = counts[key].get(column, 0) + int(row["n"])
    return counts


def victims_identified(window: Window) -> Counts:
    return _grouped(window, Victim.objects.all(), date_field="intake_date", category="status", measure=Count("id"))


def victims_served(window: Window) -> Counts:
    """Distinct principal clients with a service in the period; family members' services are left out."""
    return _grouped(
        window,
        ServiceEvent.objects.filter(family_member__isnull=True),
        date_field="delivered_on",
        category="victim__status",
        measure=Count("victim", distinct=True),
    )


def referrals_by_state(window: Window) -> Counts:
    return _grouped(
        window,
        Referral.objects.filter(sent_at__isnull=False),
        date_field="sent_at__date",
        category="status",
        measure=Count("id"),
    )


ON_TIME, LATE, AWAITING, NEVER = "on_time", "late", "awaiting", "never"


def referrals_by_timeliness(window: Window) -> Counts:
    """Sent referrals by whether the recipient acknowledged them by the deadline.

    On time: acknowledged at or before ``acknowledge_due_at`` (or with no
    deadline); late: after it; awaiting: still ``sent``, not acknowledged yet;
    never: declined, withdrawn or expired without an acknowledgement.
    """
    acknowledged = Q(acknowledged_at__isnull=False)
    on_time = acknowledged & (Q(acknowledge_due_at__isnull=True) | Q(acknowledged_at__lte=F("acknowledge_due_at")))
    late = acknowledged & Q(acknowledged_at__gt=F("acknowledge_due_at"))
    unacknowledged = Q(acknowledged_at__isnull=True)
    rows = (
        Referral.objects.filter(sent_at__isnull=False)
        .filter(_in_window(window, "sent_at__date"))
        .annotate(period=_trunc(window, "sent_at__date"))
        .values("period")
        .annotate(
            **{
                ON_TIME: Count("id", filter=on_time),
                LATE: Count("id", filter=late),
                AWAITING: Count("id", filter=unacknowledged & Q(status=ReferralStatus.SENT)),
                NEVER: Count("id", filter=unacknowledged & ~Q(status=ReferralStatus.SENT)),
            }
        )
        .order_by()
    )
    counts: Counts = {period.key: {} for period in window.periods}
    for row in rows:
        key = window.period_key(row["period"])
        if key in counts:
            for column in (ON_TIME, LATE, AWAITING, NEVER):
                counts[key][column] = counts[key].get(column, 0) + int(row[column])
    return counts


def investigations_opened(window: Window) -> Counts:
    return _grouped(window, Case.objects.all(), date_field="opened_on", category=None, measure=Count("id"))


def arrests(window: Window) -> Counts:
    return _grouped(window, Arrest.objects.all(), date_field="arrested_on", category=None, measure=Count("id"))


def charges_filed(window: Window) -> Counts:
    return _grouped(window, Charge.objects.all(), date_field="filed_on", category="jurisdiction", measure=Count("id"))


CONVICTED = (Disposition.Outcome.CONVICTED_PLEA, Disposition.Outcome.CONVICTED_TRIAL)


def convictions(window: Window) -> Counts:
    return _grouped(
        window,
        Disposition.objects.filter(outcome__in=CONVICTED),
        date_field="disposed_on",
        category="outcome",
        measure=Count("id"),
    )


def trainings(window: Window) -> tuple[Counts, Counts]:
    """Trainings held and people trained (attendees summed over audiences), in one query."""
    rows = (
        TrainingEvent.objects.filter(_in_window(window, "held_on"))
        .annotate(period=_trunc(window, "held_on"))
        .values("period")
        .annotate(held=Count("id", distinct=True), people=Sum("audiences__attendees"))
        .order_by()
    )
    held: Counts = {period.key: {} for period in window.periods}
    people: Counts = {period.key: {} for period in window.periods}
    for row in rows:
        key = window.period_key(row["period"])
        if key in held:
            held[key][""] = held[key].get("", 0) + int(row["held"] or 0)
            people[key][""] = people[key].get("", 0) + int(row["people"] or 0)
    return held, people


# --- Published tables -------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str


@dataclass(frozen=True)
class Row:
    period: Period
    cells: tuple[Cell, ...]
    total: Cell | None


@dataclass(frozen=True)
class Table:
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    column_totals: tuple[Cell, ...] | None
    grand_total: Cell | None

    @property
    def single(self) -> bool:
        """One category: the row totals would repeat the cells, so the template leaves them out."""
        return len(self.columns) == 1

    def column_series(self, index: int) -> list[int | None]:
        return [row.cells[index].value for row in self.rows]

    def total_series(self) -> list[tuple[str, int | None]]:
        return [(row.period.label, None if row.total is None else row.total.value) for row in self.rows]


@dataclass(frozen=True)
class Block:
    key: str
    title: str
    description: str
    table: Table
    chart: SafeString
    has_data: bool
    note: str = ""


def _rows_of(counts: Counts, window: Window) -> dict[str, dict[str, int]]:
    return {period.key: counts.get(period.key, {}) for period in window.periods}


def _table(
    counts: Counts, columns: Sequence[Column], window: Window, *, suppress: bool
) -> tuple[Table, SuppressedTable]:
    # Exact viewers get the same structure through a threshold of 0 (nothing is small).
    published = suppress_table(
        _rows_of(counts, window),
        columns=[column.key for column in columns],
        threshold=DEFAULT_THRESHOLD if suppress else 0,
    )
    table = Table(
        columns=tuple(columns),
        rows=tuple(
            Row(period, row.cells, row.total) for period, row in zip(window.periods, published.rows, strict=True)
        ),
        column_totals=published.column_totals,
        grand_total=published.grand_total,
    )
    return table, published


def _linked_table(
    counts: Counts, columns: Sequence[Column], window: Window, *, partner: SuppressedTable, suppress: bool
) -> Table:
    """A second partition of ``partner``'s rows (see the module docstring): no column totals,
    and a suppressed viewer sees a period only when both partitions of it are public in full."""
    keys = [column.key for column in columns]
    hidden = tuple(Cell(None) for _column in columns)
    rows = []
    for period, partner_row in zip(window.periods, partner.rows, strict=True):
        values = [counts.get(period.key, {}).get(key, 0) for key in keys]
        total = sum(values)
        public = not any(cell.suppressed for cell in (*partner_row.cells, partner_row.total) if cell is not None)
        if suppress and not (public and all(not 1 <= value <= DEFAULT_THRESHOLD for value in (*values, total))):
            rows.append(Row(period, hidden, Cell(None)))
        else:
            rows.append(Row(period, tuple(Cell(value) for value in values), Cell(total)))
    return Table(columns=tuple(columns), rows=tuple(rows), column_totals=None, grand_total=None)


def _has_data(counts: Counts) -> bool:
    return any(value for row in counts.values() for value in row.values())


def _chart(title: str, table: Table, *, by_total: bool = False) -> SafeString:
    if by_total or table.single:
        return bar_chart_svg(table.total_series(), title=title)
    return grouped_bar_svg(
        [row.period.label for row in table.rows],
        [(column.label, table.column_series(index)) for index, column in enumerate(table.columns)],
        title=title,
    )


def _block(
    key: str,
    title: str,
    description: str,
    counts: Counts,
    columns: Iterable[Column],
    window: Window,
    *,
    suppress: bool,
    by_total: bool = False,
    note: str = "",
) -> tuple[Block, SuppressedTable]:
    table, published = _table(counts, list(columns), window, suppress=suppress)
    block = Block(
        key=key,
        title=title,
        description=description,
        table=table,
        chart=_chart(title, table, by_total=by_total),
        has_data=_has_data(counts),
        note=note,
    )
    return block, published


def _choices(choices: Iterable[tuple[str, Any]], only: Iterable[str] | None = None) -> list[Column]:
    wanted = None if only is None else set(only)
    return [Column(str(value), str(label)) for value, label in choices if wanted is None or value in wanted]


def dashboard_counts(window: Window) -> dict[str, Any]:
    """The nine aggregates of the dashboard, kept in the cache for ``DASHBOARD_CACHE_SECONDS``:
    the same for every viewer (suppression is applied afterwards), so one computation serves all."""
    key = f"dashboard:v1:{window.start.isoformat()}:{window.end.isoformat()}:{window.by}"
    cached = cache.get(key)
    if cached is not None:
        return cast(dict[str, Any], cached)
    held, people = trainings(window)
    counts: dict[str, Any] = {
        "identified": victims_identified(window),
        "served": victims_served(window),
        "referrals": referrals_by_state(window),
        "timeliness": referrals_by_timeliness(window),
        "investigations": investigations_opened(window),
        "arrests": arrests(window),
        "charges": charges_filed(window),
        "convictions": convictions(window),
        "trainings": held,
        "trained": people,
        "computed_at": timezone.now(),
    }
    if settings.DASHBOARD_CACHE_SECONDS:
        cache.set(key, counts, settings.DASHBOARD_CACHE_SECONDS)
    return counts


def dashboard_blocks(window: Window, *, suppress: bool, counts: dict[str, Any] | None = None) -> list[Block]:
    """Every block of the dashboard for ``window``: nine aggregate queries in all, or none when cached."""
    counts = dashboard_counts(window) if counts is None else counts
    victim_status = _choices(VictimStatus.choices)
    blocks: list[Block] = []

    blocks.append(
        _block(
            "identified",
            _("Victims identified"),
            _("Survivors recorded at intake, by their status."),
            counts["identified"],
            victim_status,
            window,
            suppress=suppress,
        )[0]
    )
    blocks.append(
        _block(
            "served",
            _("Victims served"),
            _("Survivors who received at least one service; family members' services are not counted."),
            counts["served"],
            victim_status,
            window,
            suppress=suppress,
            note=_("A survivor served in several periods counts once in each of them."),
        )[0]
    )

    sent_states = _choices(ReferralStatus.choices)[1:]  # every state but draft: drafts were never sent
    states, by_state = _block(
        "referrals",
        _("Referrals sent"),
        _("Referrals sent between agencies, by their current state."),
        counts["referrals"],
        sent_states,
        window,
        suppress=suppress,
        by_total=True,
    )
    blocks.append(states)
    timeliness_columns = [
        Column(ON_TIME, _("Acknowledged on time")),
        Column(LATE, _("Acknowledged late")),
        Column(AWAITING, _("Awaiting acknowledgement")),
        Column(NEVER, _("Closed unacknowledged")),
    ]
    timeliness_counts = counts["timeliness"]
    timeliness_table = _linked_table(timeliness_counts, timeliness_columns, window, partner=by_state, suppress=suppress)
    timeliness_title = _("Referral acknowledgement")
    blocks.append(
        Block(
            key="timeliness",
            title=timeliness_title,
            description=_(
                "Referrals sent, by whether the receiving agency acknowledged them by the deadline. "
                "Closed unacknowledged: declined, withdrawn or expired without an acknowledgement."
            ),
            table=timeliness_table,
            chart=_chart(timeliness_title, timeliness_table),
            has_data=_has_data(timeliness_counts),
            note=_(
                "Each period's total is the referrals sent in it, as in the table above. Where counts are "
                "hidden, a period is shown only when neither table has a small count in it."
            )
            if suppress
            else _("Each period's total is the referrals sent in it, as in the table above."),
        )
    )

    blocks.append(
        _block(
            "investigations",
            _("Investigations opened"),
            _("Cases opened by every agency of the task force."),
            counts["investigations"],
            [Column("", _("Investigations"))],
            window,
            suppress=suppress,
        )[0]
    )
    blocks.append(
        _block(
            "arrests",
            _("Arrests"),
            _("Arrests of suspects in task force cases."),
            counts["arrests"],
            [Column("", _("Arrests"))],
            window,
            suppress=suppress,
        )[0]
    )
    blocks.append(
        _block(
            "charges",
            _("Charges filed"),
            _("Charges filed, by jurisdiction."),
            counts["charges"],
            _choices(Charge.Jurisdiction.choices),
            window,
            suppress=suppress,
        )[0]
    )
    blocks.append(
        _block(
            "convictions",
            _("Convictions"),
            _("Dispositions that ended in a conviction, by plea or at trial."),
            counts["convictions"],
            _choices(Disposition.Outcome.choices, only=CONVICTED),
            window,
            suppress=suppress,
        )[0]
    )

    held, people = counts["trainings"], counts["trained"]
    blocks.append(
        _block(
            "trainings",
            _("Trainings held"),
            _("Trainings delivered by task force agencies."),
            held,
            [Column("", _("Trainings"))],
            window,
            suppress=suppress,
        )[0]
    )
    blocks.append(
        _block(
            "trained",
            _("People trained"),
            _("Attendees of those trainings; a person at two trainings counts twice."),
            people,
            [Column("", _("People trained"))],
            window,
            suppress=suppress,
        )[0]
    )
    return blocks


def dashboard_context(window: Window, *, suppress: bool) -> dict[str, Any]:
    counts = dashboard_counts(window)
    blocks = dashboard_blocks(window, suppress=suppress, counts=counts)
    return {"blocks": blocks, "has_data": any(block.has_data for block in blocks), "computed_at": counts["computed_at"]}
