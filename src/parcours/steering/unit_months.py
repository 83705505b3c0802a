"""Per-unit-per-month figures (steering.models.UnitMonth), kept up to date by PostgreSQL triggers on
every write of a stay, for the complete months up to the horizon (the month before the current one).

A period's days realised, admissions and exits are assembled from its whole months found there plus
its partial edges (and any month after the horizon) computed from the stays. The past does not move
when time passes: only open stays depend on today, and a complete month counts them to its last day.
When the calendar moves past the horizon, the next read extends it by one set-based statement (one
month a month). On other databases (SQLite for development) every figure comes from the stays."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, transaction

from parcours.core.dates import add_months, today


def enabled() -> bool:
    return connection.vendor == "postgresql"


def target_month(on: date | None = None) -> date:
    """The last complete month on a given day: the figures of months up to it never change with time."""
    on = on or today()
    return add_months(date(on.year, on.month, 1), -1)


def horizon() -> date | None:
    """The last month the table holds, extended first if the calendar has moved past it (None on
    databases without the triggers). A horizon later than today's last complete month (a clock set
    back) is clamped: months up to that one stay exact."""
    if not enabled():
        return None
    target = target_month()
    with connection.cursor() as cursor:
        cursor.execute("SELECT month FROM steering_unitmonthhorizon WHERE id = 1")
        row = cursor.fetchone()
    if row is None or row[0] is None or row[0] < target:
        build(target)
        return target
    return min(row[0], target)


def build(target: date | None = None) -> None:
    """Build (first time) or extend the figures up to the month `target` (default: the last complete
    month). Idempotent and safe under concurrency (the horizon row is locked)."""
    if not enabled():
        return
    target = target or target_month()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT steering_unitmonth_roll(%s)", [target])


def rebuild() -> None:
    """Recompute everything from the stays (after a restore, or to check the triggers)."""
    if not enabled():
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE steering_unitmonthhorizon SET month = NULL WHERE id = 1")
        cursor.execute("SELECT steering_unitmonth_roll(%s)", [target_month()])


def vacuum() -> None:
    """After a bulk load: mark the table's pages all-visible so period sums are index-only scans
    (autovacuum does the same later on its own). Outside a transaction only."""
    if enabled() and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            for table in ("steering_unitmonth", "steering_unityear", "steering_personunityear"):
                cursor.execute(f"VACUUM ANALYZE {table}")


@dataclass(frozen=True)
class Split:
    """A period cut into whole calendar years read from steering_unityear (first and last 1 January,
    or None), whole months read from steering_unitmonth (ranges of first days of months) and the
    parts computed from the stays."""

    years: tuple[date, date] | None
    months: tuple[tuple[date, date], ...]
    live: tuple[tuple[date, date], ...]


def split(start: date, end: date) -> Split:
    """Whole years, then whole months of [start, end] up to the horizon come from the tables; the
    rest (partial edges, the current month) is live."""
    h = horizon()
    if h is None:
        return Split(None, (), ((start, end),))
    first = start if start.day == 1 else add_months(date(start.year, start.month, 1), 1)
    after_end = end + timedelta(days=1)
    last = min(add_months(date(after_end.year, after_end.month, 1), -1), h)  # the last month ending by `end`
    if first > last:
        return Split(None, (), ((start, end),))
    live = []
    if start < first:
        live.append((start, first - timedelta(days=1)))
    tail = add_months(last, 1)
    if tail <= end:
        live.append((tail, end))
    first_year = first if first.month == 1 else date(first.year + 1, 1, 1)
    last_year = date(last.year if last.month == 12 else last.year - 1, 1, 1)
    if first_year > last_year:
        return Split(None, ((first, last),), tuple(live))
    months = []
    if first < first_year:
        months.append((first, add_months(first_year, -1)))
    if last_year.year < last.year:
        months.append((date(last_year.year + 1, 1, 1), last))
    return Split((first_year, last_year), tuple(months), tuple(live))


def complete_year(start: date, end: date) -> date | None:
    """The period is one calendar year whose figures are kept (its December within the horizon):
    its 1 January, else None."""
    if start.month != 1 or start.day != 1 or end != date(start.year, 12, 31):
        return None
    h = horizon()
    return start if h is not None and h >= date(start.year, 12, 1) else None
