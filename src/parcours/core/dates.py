"""Dates and periods the French way (DESIGN.md, DOMAIN.md).

A stay counts its entry day and not its exit day; a stay entering and leaving the same day counts
one day; an open stay runs until the end of the period, or today if that is earlier.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone


def today() -> date:
    return timezone.localdate()


def age_at(birth_date: date, on: date) -> int:
    """Full years of a person born on birth_date at the date on (a 29 February birthday falls on
    1 March in common years)."""
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def days_in_year(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


@dataclass(frozen=True)
class Period:
    """A period of days, both ends included."""

    start: date
    end: date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("end before start")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


def stay_days(
    entry: date, exit: date | None, period: Period | None = None, *, as_of: date | None = None
) -> int:
    """Days a stay counts in a period (or in total when no period is given).

    Entry day counted, exit day not; a same-day stay counts 1 day; an open stay runs to the end of
    the period, or to as_of (today) when that is earlier — as_of itself counted."""
    as_of = as_of or today()
    if exit is not None and exit == entry:
        return 1 if period is None or entry in period else 0
    # Last counted day, inclusive.
    last = exit - timedelta(days=1) if exit is not None else as_of
    first = entry
    if period is not None:
        first = max(first, period.start)
        last = min(last, period.end)
    return max(0, (last - first).days + 1)


def counts_on(entry: date, exit: date | None, day: date) -> bool:
    """Whether a stay occupies a place on a given day (same rule as stay_days)."""
    if exit is not None and exit == entry:
        return day == entry
    return entry <= day and (exit is None or day < exit)


def add_months(day: date, months: int) -> date:
    """The same day n months later, clipped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: date, years: int) -> date:
    return add_months(day, 12 * years)
