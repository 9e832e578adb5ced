"""Months, quarters and fiscal years: the calendar arithmetic every part of reporting shares."""

from __future__ import annotations

from datetime import date, timedelta


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """The first day of the month ``months`` after (or before) ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_previous(first: date) -> date:
    return add_months(first, -1)


def months_back(*, count: int, today: date) -> list[date]:
    """The first days of the ``count`` whole months before ``today``'s, oldest first."""
    current = month_start(today)
    return [add_months(current, -n) for n in range(count, 0, -1)]


def quarter_start(day: date) -> date:
    """The first day of ``day``'s calendar quarter (a federal fiscal quarter too)."""
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def last_month(today: date) -> tuple[date, date]:
    """The whole month before ``today``'s."""
    end = month_start(today) - timedelta(days=1)
    return end.replace(day=1), end


def last_quarter(today: date) -> tuple[date, date]:
    """The last calendar quarter that has ended (also a federal fiscal quarter)."""
    first = quarter_start(today)
    return add_months(first, -3), first - timedelta(days=1)


def closed_span(today: date, *, fiscal_start_month: int, months: int) -> tuple[date, date] | None:
    """The fiscal quarter (``months=3``) or half (``6``) that ended with last month, if one did."""
    start, end = last_month(today)
    if (end.month - fiscal_start_month + 1) % months != 0:
        return None
    return add_months(start, 1 - months), end


def fiscal_year_start(day: date, *, start_month: int) -> date:
    """The first day of the fiscal year (starting in ``start_month``) that contains ``day``."""
    year = day.year if day.month >= start_month else day.year - 1
    return date(year, start_month, 1)
