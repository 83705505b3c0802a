"""Activity indicators (DOMAIN.md — Activity indicators), computed in the database with set-based
queries: overlaps of date ranges with the period, the capacity history joined by validity. Nothing
loops over days or rows in Python; a period spanning several years is cut into its calendar years
(the weighting of units open part of the year depends on the year's length).

The functions take a *unit set*: a queryset of unit ids already restricted to the user's scope (see
steering.scope). They answer plain numbers; selectors add the rest (plans, incidents, meetings)."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection

from parcours.core.dates import today
from parcours.steering import unit_months

FOUR = Decimal("0.0001")
TWO = Decimal("0.01")
PLACEMENT_MEASURES = ("administrative_care", "judicial_placement", "opp", "unaccompanied_minor")


@dataclass(frozen=True)
class UnitSet:
    """The units of a scope as a SQL subquery (with its parameters), and the organisations whose
    group-wide referrals belong to the scope."""

    sql: str
    params: tuple
    organisation_ids: tuple = ()

    @classmethod
    def of(cls, queryset, organisation_ids=()) -> "UnitSet":
        sql, params = queryset.values("id").order_by().query.sql_with_params()
        return cls(sql, tuple(params), tuple(sorted(organisation_ids)))


class _Dialect:
    """The few expressions that differ between PostgreSQL and SQLite."""

    def __init__(self):
        self.pg = connection.vendor == "postgresql"

    def days(self, a: str, b: str) -> str:
        """Days from a to b (b excluded), as an integer."""
        if self.pg:
            return f"(({b}) - ({a}))"
        return f"CAST(ROUND(julianday({b}) - julianday({a})) AS INTEGER)"

    def plus_one(self, col: str) -> str:
        return f"({col} + 1)" if self.pg else f"date({col}, '+1 day')"

    @property
    def greatest(self) -> str:
        return "GREATEST" if self.pg else "MAX"

    @property
    def least(self) -> str:
        return "LEAST" if self.pg else "MIN"


def _q(d: date):
    """Date parameters: native dates on PostgreSQL, ISO strings on SQLite (its date functions)."""
    return d if connection.vendor == "postgresql" else d.isoformat()


def _years(start: date, end: date):
    """The period cut into calendar years: (first day, last day, days in that year)."""
    year = start.year
    while year <= end.year:
        a = max(start, date(year, 1, 1))
        b = min(end, date(year, 12, 31))
        yield a, b, (date(year + 1, 1, 1) - date(year, 1, 1)).days
        year += 1


def _weight(diy: int) -> str:
    """A unit open part of the year (opening_days under 365) weighs opening_days / days in the year."""
    return f"(CASE WHEN u.opening_days < 365 THEN u.opening_days * 1.0 / {diy} ELSE 1.0 END)"


def _one(sql: str, params) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _all(sql: str, params) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _dec(value, places=TWO) -> Decimal:
    if not isinstance(value, Decimal):
        value = Decimal(str(value or 0))
    return value.quantize(places, rounding=ROUND_HALF_UP)


def _num(value) -> Decimal:
    """A database sum as a Decimal (PostgreSQL's numeric already is one; SQLite answers floats)."""
    return value if isinstance(value, Decimal) else Decimal(str(value or 0))


def _stay_days_sql(d: _Dialect, open_end: str = "%s", period_end: str = "%s", start: str = "%s") -> str:
    """Days a stay counts from the first day of the period to the day after its last: entry counted,
    exit not, a same-day stay counts one, an open stay runs until the day after the end of the period
    (or after today if earlier). By default parameters, in this order: open end, period end
    (excluded), start; or the SQL expressions given for them."""
    end = (
        f"COALESCE(CASE WHEN s.end_date = s.start_date THEN {d.plus_one('s.start_date')} "
        f"ELSE s.end_date END, {open_end})"
    )
    lo = f"{d.greatest}(s.start_date, {start})"
    hi = f"{d.least}({end}, {period_end})"
    return f"{d.greatest}({d.days(lo, hi)}, 0)"


def _theoretical(units: UnitSet, start: date, end: date, *, group_unit: bool = False) -> dict:
    """Capacity days (weighted), from the capacity history (a small table): {None: total} or, with
    group_unit, {unit id: days}."""
    d = _Dialect()
    out: dict = {}
    key = "c.unit_id" if group_unit else "NULL"
    for a, b, diy in _years(start, end):
        b_excl = b + timedelta(days=1)
        cap_lo = f"{d.greatest}(c.valid_from, %s, u.opened_on)"
        cap_hi = f"{d.least}(COALESCE(c.valid_to, %s), %s, COALESCE(u.closed_on, %s))"
        for k, value in _all(
            f"""
            SELECT {key}, SUM(c.capacity * {d.greatest}({d.days(cap_lo, cap_hi)}, 0) * {_weight(diy)})
            FROM (
                SELECT unit_id, capacity, valid_from,
                       LEAD(valid_from) OVER (PARTITION BY unit_id ORDER BY valid_from) AS valid_to
                FROM directory_unitcapacity WHERE unit_id IN ({units.sql})
            ) c JOIN directory_unit u ON u.id = c.unit_id
            WHERE c.valid_from <= %s {"GROUP BY c.unit_id" if group_unit else ""}
            """,
            (_q(b_excl), _q(b_excl), _q(b_excl), _q(a), *units.params, _q(b)),
        ):
            out[k] = out.get(k, Decimal(0)) + _num(value)
    return out


def _realised_live(units: UnitSet, start: date, end: date, out: dict, *, group_unit: bool) -> None:
    """Stay days (weighted) of [start, end] from the stays, added into out ({None or unit id: days})."""
    d = _Dialect()
    as_of = today()
    key = "s.unit_id" if group_unit else "NULL"
    for a, b, diy in _years(start, end):
        b_excl = b + timedelta(days=1)
        open_excl = min(b, as_of) + timedelta(days=1) if as_of >= a else a
        for k, value in _all(
            f"""
            SELECT {key}, SUM({_stay_days_sql(d)} * {_weight(diy)})
            FROM pathways_stay s JOIN directory_unit u ON u.id = s.unit_id
            WHERE s.unit_id IN ({units.sql}) AND s.start_date <= %s
              AND (s.end_date IS NULL OR s.end_date >= %s)
            {"GROUP BY s.unit_id" if group_unit else ""}
            """,
            (_q(open_excl), _q(b_excl), _q(a), *units.params, _q(b), _q(a)),
        ):
            out[k] = out.get(k, Decimal(0)) + _num(value)


# weight of a unit open part of the year x.year, for months of steering_unitmonth (PostgreSQL only)
_MONTH_WEIGHT = (
    "(CASE WHEN u.opening_days < 365 THEN u.opening_days * 1.0 / "
    "((x.year + interval '1 year')::date - x.year::date) ELSE 1.0 END)"
)


def _realised(units: UnitSet, start: date, end: date, *, group_unit: bool = False) -> dict:
    """Stay days (weighted) of the period: whole years from steering_unityear, whole months from
    steering_unitmonth, the edges from the stays (see steering.unit_months)."""
    split = unit_months.split(start, end)
    out: dict = {}
    key = "x.unit_id" if group_unit else "NULL"
    ranges = [("steering_unityear", "year", *split.years)] if split.years else []
    ranges += [("steering_unitmonth", "month", a, b) for a, b in split.months]
    for table, column, first, last in ranges:
        for k, value in _all(
            f"""
            SELECT {key}, SUM(x.days * {_MONTH_WEIGHT})
            FROM (SELECT t.unit_id, date_trunc('year', t.{column}::timestamp) AS year, SUM(t.stay_days) AS days
                  FROM {table} t
                  WHERE t.{column} BETWEEN %s AND %s AND t.unit_id IN ({units.sql})
                  GROUP BY t.unit_id, year) x
            JOIN directory_unit u ON u.id = x.unit_id
            {"GROUP BY x.unit_id" if group_unit else ""}
            """,
            (first, last, *units.params),
        ):
            out[k] = out.get(k, Decimal(0)) + _num(value)
    for a, b in split.live:
        _realised_live(units, a, b, out, group_unit=group_unit)
    return out


def days(units: UnitSet, start: date, end: date, *, with_caseload: bool = False) -> dict:
    """days_theoretical, days_realised (both weighted for units open part of the year, 2 decimals);
    with_caseload: the file active too."""
    out = {
        "days_theoretical": _dec(_theoretical(units, start, end).get(None)),
        "days_realised": _dec(_realised(units, start, end).get(None)),
    }
    if with_caseload:
        out["active_caseload"] = file_active(units, start, end)
    return out


def stays(units: UnitSet, start: date, end: date, *, caseload: int | None = None) -> dict:
    """active_caseload (unless already counted), admissions, exits, average_length_of_stay,
    emergency_admissions."""
    if caseload is None:
        caseload = file_active(units, start, end)
    return _stay_counts(units, start, end, _Dialect(), caseload)


def file_active(units: UnitSet, start: date, end: date) -> int:
    """The file active: distinct persons with at least one day in a unit of the scope. For a complete
    calendar year, a count of steering_personunityear rows (see steering.unit_months); otherwise a
    distinct count over the stays of the period."""
    year = unit_months.complete_year(start, end)
    if year is not None:
        return _file_active_of_year(units, year)
    d = _Dialect()
    b_excl = end + timedelta(days=1)
    as_of = today()
    open_excl = min(end, as_of) + timedelta(days=1) if as_of >= start else start
    (count,) = _one(
        f"""
        SELECT COUNT(DISTINCT s.person_id) FROM pathways_stay s
        WHERE s.unit_id IN ({units.sql}) AND s.start_date <= %s AND (s.end_date IS NULL OR s.end_date >= %s)
          AND {_stay_days_sql(d)} > 0
        """,
        (*units.params, _q(end), _q(start), _q(open_excl), _q(b_excl), _q(start)),
    )
    return count or 0


def _file_active_of_year(units: UnitSet, year: date) -> int:
    """Persons with a day in the scope during a kept year. A small scope counts its own persons; a
    large one counts everybody (one row per person is marked first) minus the persons seen only in
    units outside the scope — whichever side has fewer units, so no query sorts the whole year."""
    (inside, everywhere) = _one(
        f"SELECT (SELECT COUNT(*) FROM directory_unit WHERE id IN ({units.sql})), COUNT(*) FROM directory_unit",
        units.params,
    )
    if inside <= everywhere - inside:
        (count,) = _one(
            f"""SELECT COUNT(DISTINCT p.person_id) FROM steering_personunityear p
                WHERE p.year = %s AND p.unit_id IN ({units.sql})""",
            (year, *units.params),
        )
        return count or 0
    (total,) = _one("SELECT COUNT(*) FROM steering_personunityear WHERE year = %s AND first", (year,))
    if inside == everywhere:
        return total or 0
    outside = f"SELECT id FROM directory_unit WHERE id NOT IN ({units.sql})"
    (outside_only,) = _one(
        f"""
        SELECT COUNT(*) FROM (
            SELECT p.person_id FROM steering_personunityear p
            WHERE p.year = %s AND p.person_id IN (
                SELECT o.person_id FROM steering_personunityear o WHERE o.year = %s AND o.unit_id IN ({outside}))
            GROUP BY p.person_id
            HAVING bool_and(p.unit_id IN ({outside}))
        ) x
        """,
        (year, year, *units.params, *units.params),
    )
    return (total or 0) - (outside_only or 0)


def _stay_counts(units, start, end, d, caseload) -> dict:
    """Admissions (and those from an emergency), exits and their lengths, in one scan of the stays."""
    whole = f"{d.greatest}({d.days('s.start_date', 's.end_date')}, 1)"
    entered = "s.start_date BETWEEN %s AND %s"
    left = "s.end_date BETWEEN %s AND %s"
    emergency = (
        "(s.emergency OR EXISTS (SELECT 1 FROM admissions_referral r WHERE r.stay_id = s.id AND r.emergency))"
    )
    period = (_q(start), _q(end))
    admissions, emergency_admissions, exits, total_length = _one(
        f"""
        SELECT COALESCE(SUM(CASE WHEN {entered} THEN 1 ELSE 0 END), 0),
               COALESCE(SUM(CASE WHEN {entered} AND {emergency} THEN 1 ELSE 0 END), 0),
               COALESCE(SUM(CASE WHEN {left} THEN 1 ELSE 0 END), 0),
               SUM(CASE WHEN {left} THEN {whole} ELSE 0 END)
        FROM pathways_stay s
        WHERE s.unit_id IN ({units.sql}) AND ({entered} OR {left})
        """,
        (*period, *period, *period, *period, *units.params, *period, *period),
    )
    exits = int(exits or 0)
    return {
        "active_caseload": caseload or 0,
        "admissions": int(admissions or 0),
        "exits": exits,
        "average_length_of_stay": _dec(Decimal(total_length) / exits) if exits else None,
        "emergency_admissions": int(emergency_admissions or 0),
    }


def _referral_scope_sql(units: UnitSet) -> tuple[str, tuple]:
    """A referral belongs to the scope of its target units; a group-wide referral (no target unit) to
    the scope of the organisation it is addressed to."""
    sql = f"""(EXISTS (SELECT 1 FROM admissions_referral_target_units t
                      WHERE t.referral_id = r.id AND t.unit_id IN ({units.sql}))"""
    params = units.params
    if units.organisation_ids:
        marks = ", ".join(["%s"] * len(units.organisation_ids))
        sql += f""" OR (r.organisation_id IN ({marks}) AND NOT EXISTS (
                    SELECT 1 FROM admissions_referral_target_units t2 WHERE t2.referral_id = r.id))"""
        params = (*params, *units.organisation_ids)
    return sql + ")", params


def referrals(units: UnitSet, start: date, end: date) -> dict:
    """referrals_received, emergency_requests, waiting_list_size (at the end), average_waiting_days,
    average_days_referral_to_admission."""
    d = _Dialect()
    scope_sql, scope_params = _referral_scope_sql(units)
    received, emergency = _one(
        f"""
        SELECT COUNT(*), COALESCE(SUM(CASE WHEN r.emergency THEN 1 ELSE 0 END), 0)
        FROM admissions_referral r WHERE r.received_on BETWEEN %s AND %s AND {scope_sql}
        """,
        (_q(start), _q(end), *scope_params),
    )
    (waiting,) = _one(
        f"""
        SELECT COUNT(DISTINCT r.id) FROM admissions_referral r
        JOIN admissions_decision dc ON dc.referral_id = r.id
        LEFT JOIN pathways_stay s ON s.id = r.stay_id
        WHERE dc.unit_id IN ({units.sql}) AND dc.decision IN ('accepted', 'waiting_list') AND dc.decided_on <= %s
          AND NOT (r.status = 'admitted' AND (s.id IS NULL OR s.start_date <= %s))
          AND NOT (r.status IN ('refused', 'withdrawn') AND COALESCE(r.closed_on, dc.decided_on) <= %s)
        """,
        (*units.params, _q(end), _q(end), _q(end)),
    )
    waited, to_admission, counted = _one(
        f"""
        SELECT SUM({d.days("dc.decided_on", "s.start_date")}), SUM({d.days("r.received_on", "s.start_date")}),
               COUNT(*)
        FROM pathways_stay s
        JOIN admissions_referral r ON r.stay_id = s.id
        JOIN admissions_decision dc ON dc.referral_id = r.id AND dc.unit_id = s.unit_id
             AND dc.decision IN ('accepted', 'waiting_list')
        WHERE s.unit_id IN ({units.sql}) AND s.start_date BETWEEN %s AND %s
        """,
        (*units.params, _q(start), _q(end)),
    )
    return {
        "referrals_received": received or 0,
        "emergency_requests": int(emergency or 0),
        "waiting_list_size": waiting or 0,
        "average_waiting_days": _dec(Decimal(waited) / counted) if counted else None,
        "average_days_referral_to_admission": _dec(Decimal(to_admission) / counted) if counted else None,
    }


def ruptures(units: UnitSet, start: date, end: date) -> dict:
    """Rupture events dated in the period: a gap between stays while a placement measure runs (dated
    at the end of the stay before the gap), an exit without solution, a referral refused by every
    unit while no other referral of the person was open."""
    kinds = ", ".join(f"'{k}'" for k in PLACEMENT_MEASURES)
    # a later stay need not be tested on its own: without one, MIN(n2.start_date) is NULL and the
    # measure's condition fails (testing it too made PostgreSQL hash every stay of the base)
    (gaps,) = _one(
        f"""
        SELECT COUNT(*) FROM (
          SELECT DISTINCT s.person_id, s.end_date FROM pathways_stay s
          WHERE s.unit_id IN ({units.sql}) AND s.end_date BETWEEN %s AND %s
            AND NOT EXISTS (SELECT 1 FROM pathways_stay o WHERE o.person_id = s.person_id AND o.id <> s.id
                            AND o.start_date <= s.end_date AND (o.end_date IS NULL OR o.end_date > s.end_date))
            AND EXISTS (SELECT 1 FROM people_measure m WHERE m.person_id = s.person_id AND m.kind IN ({kinds})
                        AND (m.end_date IS NULL OR m.end_date >= s.end_date)
                        AND m.start_date < (SELECT MIN(n2.start_date) FROM pathways_stay n2
                                            WHERE n2.person_id = s.person_id AND n2.start_date > s.end_date))
        ) g
        """,
        (*units.params, _q(start), _q(end)),
    )
    (no_solution,) = _one(
        f"""SELECT COUNT(*) FROM pathways_stay s WHERE s.unit_id IN ({units.sql})
            AND s.exit_reason = 'no_solution' AND s.end_date BETWEEN %s AND %s""",
        (*units.params, _q(start), _q(end)),
    )
    scope_sql, scope_params = _referral_scope_sql(units)
    (refused,) = _one(
        f"""
        SELECT COUNT(*) FROM admissions_referral r
        WHERE r.status = 'refused' AND r.closed_on BETWEEN %s AND %s AND {scope_sql}
          AND NOT EXISTS (SELECT 1 FROM admissions_referral o WHERE o.person_id = r.person_id AND o.id <> r.id
                          AND o.received_on <= r.closed_on
                          AND o.status IN ('received', 'under_review', 'accepted', 'waiting_list'))
        """,
        (_q(start), _q(end), *scope_params),
    )
    return {"ruptures": (gaps or 0) + (no_solution or 0) + (refused or 0)}


def activity(units: UnitSet, start: date, end: date) -> dict:
    """The indicator set of API.md for a scope and a period (both ends included)."""
    out = days(units, start, end, with_caseload=True)
    caseload = out.pop("active_caseload", None)
    theoretical = out["days_theoretical"]
    out["occupancy_rate"] = (
        (out["days_realised"] / theoretical).quantize(FOUR, rounding=ROUND_HALF_UP)
        if theoretical
        else Decimal(0)
    ).quantize(FOUR)
    out.update(stays(units, start, end, caseload=caseload))
    out.update(referrals(units, start, end))
    out.update(ruptures(units, start, end))
    return out


def _months(start: date, end: date) -> list[tuple[int, str, date, date, date, int]]:
    """The months of the period: index, label, first day, day after the last, open-stay end, days in
    the month's year (each month lies in one year, so one weight per unit)."""
    as_of = today()
    out = []
    month = date(start.year, start.month, 1)
    k = 0
    while month <= end:
        nxt = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
        a, b = max(month, start), min(nxt - timedelta(days=1), end)
        open_excl = min(b, as_of) + timedelta(days=1) if as_of >= a else a
        diy = (date(month.year + 1, 1, 1) - date(month.year, 1, 1)).days
        out.append((k, month.strftime("%Y-%m"), a, b + timedelta(days=1), open_excl, diy))
        month = nxt
        k += 1
    return out


def _months_cte(months) -> tuple[str, tuple]:
    """A common table expression m(k, a, b_excl, open_excl, diy) listing the months: one set-based
    query then answers for every month at once (PostgreSQL and SQLite alike)."""
    rows = ", ".join(["(%s, %s, %s, %s, %s)"] * len(months))
    if connection.vendor == "postgresql":
        rows = ", ".join(["(%s::int, %s::date, %s::date, %s::date, %s::int)"] * len(months))
    params = []
    for k, _, a, b_excl, open_excl, diy in months:
        params += [k, _q(a), _q(b_excl), _q(open_excl), diy]
    return f"WITH m(k, a, b_excl, open_excl, diy) AS (VALUES {rows})", tuple(params)


def _monthly_sql(units: UnitSet, months, *, group_unit: bool, caseload: bool = True) -> dict:
    """Per month (and per unit when asked): theoretical and realised days (weighted), file active,
    admissions, exits — two grouped queries whatever the number of months."""
    d = _Dialect()
    cte, cte_params = _months_cte(months)
    key = "m.k, u.id" if group_unit else "m.k"
    weight = "(CASE WHEN u.opening_days < 365 THEN u.opening_days * 1.0 / m.diy ELSE 1.0 END)"
    out: dict = {}

    width = 2 if group_unit else 1

    def slot(row):
        k = tuple(row[:width])
        figures = out.get(k)
        if figures is None:
            figures = out[k] = empty_unit_figures()
        return figures

    cap_lo = f"{d.greatest}(c.valid_from, m.a, u.opened_on)"
    cap_hi = f"{d.least}(COALESCE(c.valid_to, m.b_excl), m.b_excl, COALESCE(u.closed_on, m.b_excl))"
    for r in _all(
        f"""{cte}
        SELECT {key}, SUM(c.capacity * {d.greatest}({d.days(cap_lo, cap_hi)}, 0) * {weight})
        FROM (
            SELECT unit_id, capacity, valid_from,
                   LEAD(valid_from) OVER (PARTITION BY unit_id ORDER BY valid_from) AS valid_to
            FROM directory_unitcapacity WHERE unit_id IN ({units.sql})
        ) c JOIN directory_unit u ON u.id = c.unit_id JOIN m ON c.valid_from < m.b_excl
        GROUP BY {key}""",
        (*cte_params, *units.params),
    ):
        slot(r)["days_theoretical"] += _num(r[-1])
    # whole months up to the horizon: days, admissions and exits from steering_unitmonth
    h = unit_months.horizon()
    kept = [m for m in months if h is not None and _whole_month(m) and m[2] <= h]
    live = [m for m in months if m not in kept]
    if kept:
        kept_cte, kept_params = _months_cte(kept)
        for r in _all(
            f"""{kept_cte}
            SELECT {key}, SUM(um.stay_days * {weight}), SUM(um.admissions), SUM(um.exits)
            FROM m JOIN steering_unitmonth um ON um.month = m.a JOIN directory_unit u ON u.id = um.unit_id
            WHERE um.unit_id IN ({units.sql})
            GROUP BY {key}""",
            (*kept_params, *units.params),
        ):
            figures = slot(r[:-3])
            figures["days_realised"] += _num(r[-3])
            figures["admissions"] = int(r[-2] or 0)
            figures["exits"] = int(r[-1] or 0)
    if live:
        for r in _stays_by_month(units, live, key, caseload=caseload):
            figures = slot(r[:-4])
            figures["days_realised"] += _num(r[-4])
            figures["admissions"] = int(r[-3] or 0)
            figures["exits"] = int(r[-2] or 0)
            figures["active_caseload"] = r[-1] or 0
    if kept and caseload:
        for r in _caseload_by_month(units, kept, group_unit=group_unit):
            slot(r[:-1])["active_caseload"] = r[-1]
    for figures in out.values():
        figures["days_theoretical"] = _dec(figures["days_theoretical"])
        figures["days_realised"] = _dec(figures["days_realised"])
        t = figures["days_theoretical"]
        figures["occupancy_rate"] = (
            (figures["days_realised"] / t).quantize(FOUR, rounding=ROUND_HALF_UP) if t else Decimal("0.0000")
        )
    return out


def _whole_month(month) -> bool:
    _, _, a, b_excl, _, _ = month
    return a.day == 1 and b_excl.day == 1 and (b_excl.month - a.month) % 12 == 1


def _caseload_by_month(units: UnitSet, months, *, group_unit: bool):
    """File active per month (and unit): persons with at least one day of stay in the month, each
    counted once. One row per person (and unit) says in which months they were present — a flag per
    month, set by any of their stays — then the flags are summed: no distinct count over the
    (stay × month) pairs, whose sort was the cost of the monthly trend."""
    stay_days = _stay_days_sql(_Dialect())
    flags, flag_params = [], []
    for i, (_, _, a, b_excl, open_excl, _) in enumerate(months):
        flags.append(f"MAX(CASE WHEN {stay_days} > 0 THEN 1 ELSE 0 END) AS f{i}")
        flag_params += [_q(open_excl), _q(b_excl), _q(a)]
    inner, outer, by_unit = (
        ("s.unit_id, ", "p.unit_id, ", "GROUP BY p.unit_id") if group_unit else ("", "", "")
    )
    rows = _all(
        f"""SELECT {outer}{", ".join(f"SUM(p.f{i})" for i in range(len(months)))}
        FROM (SELECT {inner}{", ".join(flags)}
              FROM pathways_stay s
              WHERE s.unit_id IN ({units.sql}) AND s.start_date < %s AND (s.end_date IS NULL OR s.end_date >= %s)
              GROUP BY {inner}s.person_id) p
        {by_unit}""",
        (*flag_params, *units.params, _q(months[-1][3]), _q(months[0][2])),
    )
    width = 1 if group_unit else 0
    for r in rows:
        for i, month in enumerate(months):
            if r[width + i]:
                yield (month[0], *r[:width], int(r[width + i]))


def _stays_by_month(units: UnitSet, months, key: str, *, caseload: bool):
    """Per month (and unit) from the stays: weighted days, admissions, exits, file active (a distinct
    count, only when asked) — the stays of the months selected once, then spread over them."""
    cte, cte_params = _months_cte(months)
    weight = "(CASE WHEN u.opening_days < 365 THEN u.opening_days * 1.0 / m.diy ELSE 1.0 END)"
    stay_days = _stay_days_sql(_Dialect(), "m.open_excl", "m.b_excl", "m.a")
    first, last_excl = months[0][2], months[-1][3]
    distinct = f"COUNT(DISTINCT CASE WHEN {stay_days} > 0 THEN s.person_id END)" if caseload else "0"
    figures = f"""SUM({stay_days} * {weight}),
               SUM(CASE WHEN s.start_date >= m.a AND s.start_date < m.b_excl THEN 1 ELSE 0 END),
               SUM(CASE WHEN s.end_date >= m.a AND s.end_date < m.b_excl THEN 1 ELSE 0 END),
               {distinct}"""
    return _all(
        f"""{cte}
        SELECT {key}, {figures}
        FROM (SELECT id, person_id, unit_id, start_date, end_date FROM pathways_stay
              WHERE unit_id IN ({units.sql}) AND start_date < %s AND (end_date IS NULL OR end_date >= %s)) s
        JOIN directory_unit u ON u.id = s.unit_id
        JOIN m ON s.start_date < m.b_excl AND (s.end_date IS NULL OR s.end_date >= m.a)
        GROUP BY {key}""",
        (*cte_params, *units.params, _q(last_excl), _q(first)),
    )


def _waiting_by_month(units: UnitSet, months) -> dict[int, int]:
    """The waiting list at the end of each month, in one query."""
    cte, cte_params = _months_cte(months)
    rows = _all(
        f"""{cte}
        SELECT m.k, COUNT(DISTINCT r.id) FROM m
        JOIN admissions_decision dc ON dc.decided_on < m.b_excl
        JOIN admissions_referral r ON r.id = dc.referral_id
        LEFT JOIN pathways_stay s ON s.id = r.stay_id
        WHERE dc.unit_id IN ({units.sql}) AND dc.decision IN ('accepted', 'waiting_list')
          AND NOT (r.status = 'admitted' AND (s.id IS NULL OR s.start_date < m.b_excl))
          AND NOT (r.status IN ('refused', 'withdrawn') AND COALESCE(r.closed_on, dc.decided_on) < m.b_excl)
        GROUP BY m.k""",
        (*cte_params, *units.params),
    )
    return {k: n for k, n in rows}


def monthly(units: UnitSet, start: date, end: date) -> list[dict]:
    """Month by month over the period: occupancy, active caseload, waiting list at the month's end,
    admissions and exits (for the trend charts) — a handful of grouped queries for all the months."""
    months = _months(start, end)
    figures = _monthly_sql(units, months, group_unit=False)
    waiting = _waiting_by_month(units, months)
    rows = []
    for k, label, *_ in months:
        f = figures.get((k,)) or empty_unit_figures()
        rows.append(
            {
                "month": label,
                "occupancy_rate": f["occupancy_rate"],
                "active_caseload": f["active_caseload"],
                "admissions": f["admissions"],
                "exits": f["exits"],
                "waiting_list_size": waiting.get(k, 0),
            }
        )
    return rows


def monthly_by_unit(
    units: UnitSet, start: date, end: date, *, caseload: bool = False
) -> dict[int, list[dict]]:
    """Month by month for every unit of the scope: days, occupancy, admissions, exits (and the file
    active when asked: it costs a distinct count)."""
    months = _months(start, end)
    figures = _monthly_sql(units, months, group_unit=True, caseload=caseload)
    out: dict[int, list[dict]] = {}
    labels = [m[1] for m in months]
    for (k, unit_id), f in sorted(figures.items()):
        f["month"] = labels[k]
        out.setdefault(unit_id, []).append(f)
    return out


def empty_unit_figures() -> dict:
    return {
        "days_theoretical": Decimal("0.00"),
        "days_realised": Decimal("0.00"),
        "occupancy_rate": Decimal("0.0000"),
        "active_caseload": 0,
        "admissions": 0,
        "exits": 0,
    }


def by_unit(units: UnitSet, start: date, end: date) -> dict[int, dict]:
    """Days, occupancy, caseload, admissions and exits unit by unit, in one grouped query per figure
    (and per calendar year for the days)."""
    d = _Dialect()
    as_of = today()
    out: dict[int, dict] = {}

    def row(unit_id):
        return out.setdefault(unit_id, empty_unit_figures())

    for unit_id, value in _theoretical(units, start, end, group_unit=True).items():
        row(unit_id)["days_theoretical"] += value
    for unit_id, value in _realised(units, start, end, group_unit=True).items():
        row(unit_id)["days_realised"] += value
    b_excl = end + timedelta(days=1)
    open_excl = min(end, as_of) + timedelta(days=1) if as_of >= start else start
    for unit_id, caseload in _all(
        f"""
        SELECT s.unit_id, COUNT(DISTINCT s.person_id) FROM pathways_stay s
        WHERE s.unit_id IN ({units.sql}) AND s.start_date <= %s AND (s.end_date IS NULL OR s.end_date >= %s)
          AND {_stay_days_sql(d)} > 0
        GROUP BY s.unit_id
        """,
        (*units.params, _q(end), _q(start), _q(open_excl), _q(b_excl), _q(start)),
    ):
        row(unit_id)["active_caseload"] = caseload
    for unit_id, admissions in _all(
        f"""SELECT s.unit_id, COUNT(*) FROM pathways_stay s
            WHERE s.unit_id IN ({units.sql}) AND s.start_date BETWEEN %s AND %s GROUP BY s.unit_id""",
        (*units.params, _q(start), _q(end)),
    ):
        row(unit_id)["admissions"] = admissions
    for unit_id, exits in _all(
        f"""SELECT s.unit_id, COUNT(*) FROM pathways_stay s
            WHERE s.unit_id IN ({units.sql}) AND s.end_date BETWEEN %s AND %s GROUP BY s.unit_id""",
        (*units.params, _q(start), _q(end)),
    ):
        row(unit_id)["exits"] = exits
    for figures in out.values():
        figures["days_theoretical"] = _dec(figures["days_theoretical"])
        figures["days_realised"] = _dec(figures["days_realised"])
        theoretical = figures["days_theoretical"]
        figures["occupancy_rate"] = (
            (figures["days_realised"] / theoretical).quantize(FOUR, rounding=ROUND_HALF_UP)
            if theoretical
            else Decimal("0.0000")
        )
    return out
