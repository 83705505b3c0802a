"""On PostgreSQL, steering_unitmonth is kept up to date by a statement-level trigger on pathways_stay
(transition tables: one set-based upsert per statement, so bulk loads stay fast), and built or
extended month by month by steering_unitmonth_roll(target) — see steering.unit_months. Other
databases compute every figure from the stays."""

from django.db import migrations

from parcours.core.migration_ops import postgres_only

TRIGGER_SQL = r"""
-- whole months of a period for a set of units: an index-only range scan
CREATE INDEX steering_unitmonth_by_month ON steering_unitmonth (month, unit_id)
    INCLUDE (stay_days, admissions, exits);

-- Stay days, admission and exit of one stay, month by month, for the months up to h (inclusive):
-- entry counted, exit not, a same-day stay counts one day, an open stay runs through the month.
CREATE OR REPLACE FUNCTION steering_stay_months(h date, s date, e date)
RETURNS TABLE (month date, days integer, admitted integer, exited integer)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
    SELECT m::date,
           GREATEST(LEAST(COALESCE(CASE WHEN e = s THEN s + 1 ELSE e END, (m + interval '1 month')::date),
                          (m + interval '1 month')::date) - GREATEST(s, m::date), 0),
           CASE WHEN date_trunc('month', s::timestamp) = m THEN 1 ELSE 0 END,
           CASE WHEN e IS NOT NULL AND date_trunc('month', e::timestamp) = m THEN 1 ELSE 0 END
    FROM generate_series(date_trunc('month', s::timestamp),
                         LEAST(date_trunc('month', COALESCE(e, h)::timestamp), h::timestamp),
                         interval '1 month') AS m
$fn$;

CREATE OR REPLACE FUNCTION steering_unitmonth_on_stays() RETURNS trigger
LANGUAGE plpgsql AS $fn$
DECLARE h date;
BEGIN
    -- shared lock: a concurrent roll (exclusive) waits for this transaction, and conversely
    SELECT month INTO h FROM steering_unitmonthhorizon WHERE id = 1 FOR SHARE;
    IF h IS NULL THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        {upsert_insert}
    ELSIF TG_OP = 'DELETE' THEN
        {upsert_delete}
    ELSE
        {upsert_update}
    END IF;
    -- the person-year rows of the persons and complete years the statement touched, recomputed
    IF TG_OP = 'INSERT' THEN
        {persons_insert}
    ELSIF TG_OP = 'DELETE' THEN
        {persons_delete}
    ELSE
        {persons_update}
    END IF;
    RETURN NULL;
END
$fn$;

CREATE TRIGGER steering_unitmonth_insert AFTER INSERT ON pathways_stay
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION steering_unitmonth_on_stays();
CREATE TRIGGER steering_unitmonth_update AFTER UPDATE ON pathways_stay
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION steering_unitmonth_on_stays();
CREATE TRIGGER steering_unitmonth_delete AFTER DELETE ON pathways_stay
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION steering_unitmonth_on_stays();

-- Build (h unknown) or extend the figures up to the month `target` (first day of a month).
CREATE OR REPLACE FUNCTION steering_unitmonth_roll(target date) RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE h date; lower date; upper date;
BEGIN
    INSERT INTO steering_unitmonthhorizon (id, month) VALUES (1, NULL) ON CONFLICT (id) DO NOTHING;
    SELECT month INTO h FROM steering_unitmonthhorizon WHERE id = 1 FOR UPDATE;
    IF h IS NOT NULL AND h >= target THEN
        RETURN;
    END IF;
    IF h IS NULL THEN
        DELETE FROM steering_unitmonth;
        DELETE FROM steering_unityear;
        DELETE FROM steering_personunityear;
    END IF;
    INSERT INTO steering_unitmonth AS t (unit_id, month, stay_days, admissions, exits)
        SELECT s.unit_id, c.month, SUM(c.days), SUM(c.admitted), SUM(c.exited)
        FROM pathways_stay s, LATERAL steering_stay_months(target, s.start_date, s.end_date) c
        WHERE s.start_date < (target + interval '1 month')::date
          AND (h IS NULL OR s.end_date IS NULL OR s.end_date >= (h + interval '1 month')::date)
          AND (h IS NULL OR c.month > h)
        GROUP BY s.unit_id, c.month
        ORDER BY s.unit_id, c.month
    ON CONFLICT (unit_id, month) DO UPDATE SET
        stay_days = t.stay_days + EXCLUDED.stay_days,
        admissions = t.admissions + EXCLUDED.admissions,
        exits = t.exits + EXCLUDED.exits;
    -- the years completed by this roll: their totals from their months
    INSERT INTO steering_unityear AS t (unit_id, year, stay_days, admissions, exits)
        SELECT unit_id, date_trunc('year', month::timestamp)::date AS y, SUM(stay_days), SUM(admissions),
               SUM(exits)
        FROM steering_unitmonth
        WHERE month < date_trunc('year', target + interval '1 month')::date
          AND (h IS NULL OR month >= date_trunc('year', h + interval '1 month')::date)
        GROUP BY unit_id, y ORDER BY unit_id, y
    ON CONFLICT (unit_id, year) DO UPDATE SET
        stay_days = EXCLUDED.stay_days, admissions = EXCLUDED.admissions, exits = EXCLUDED.exits;
    lower := CASE WHEN h IS NULL THEN DATE '0001-01-01'
                  ELSE date_trunc('year', h + interval '1 month')::date END;
    upper := (date_trunc('year', target + interval '1 month') - interval '1 year')::date;
    IF upper >= lower THEN
        DELETE FROM steering_personunityear WHERE year >= lower;
        INSERT INTO steering_personunityear (year, person_id, unit_id, first)
            SELECT y.y::date, s.person_id, s.unit_id,
                   s.unit_id = MIN(s.unit_id) OVER (PARTITION BY y.y, s.person_id)
            FROM pathways_stay s,
                 LATERAL generate_series(date_trunc('year', s.start_date::timestamp),
                     LEAST(date_trunc('year', COALESCE(s.end_date, upper)::timestamp), upper::timestamp),
                     interval '1 year') AS y(y)
            WHERE s.start_date <= (upper + interval '1 year')::date
              AND (s.end_date IS NULL OR s.end_date >= lower)
              AND y.y >= lower
              AND (s.end_date IS NULL OR s.end_date > y.y OR s.end_date = s.start_date)
            GROUP BY y.y, s.person_id, s.unit_id;
    END IF;
    UPDATE steering_unitmonthhorizon SET month = target WHERE id = 1;
END
$fn$;
"""

UPSERT = """
        WITH delta AS (
            SELECT d.unit_id, c.month, SUM(d.sign * c.days) AS days, SUM(d.sign * c.admitted) AS admitted,
                   SUM(d.sign * c.exited) AS exited
            FROM ({source}) d, LATERAL steering_stay_months(h, d.s, d.e) c
            GROUP BY d.unit_id, c.month
        ), months AS (
            INSERT INTO steering_unitmonth AS t (unit_id, month, stay_days, admissions, exits)
                SELECT unit_id, month, days, admitted, exited FROM delta ORDER BY unit_id, month
            ON CONFLICT (unit_id, month) DO UPDATE SET
                stay_days = t.stay_days + EXCLUDED.stay_days,
                admissions = t.admissions + EXCLUDED.admissions,
                exits = t.exits + EXCLUDED.exits
            RETURNING 1
        )
        INSERT INTO steering_unityear AS t (unit_id, year, stay_days, admissions, exits)
            SELECT unit_id, date_trunc('year', month::timestamp)::date AS y, SUM(days), SUM(admitted), SUM(exited)
            FROM delta WHERE month < date_trunc('year', h + interval '1 month')::date
            GROUP BY unit_id, y ORDER BY unit_id, y
        ON CONFLICT (unit_id, year) DO UPDATE SET
            stay_days = t.stay_days + EXCLUDED.stay_days,
            admissions = t.admissions + EXCLUDED.admissions,
            exits = t.exits + EXCLUDED.exits;"""
TOUCHED = """
                SELECT DISTINCT d.person_id, y.y::date AS year
                FROM ({source}) d,
                     LATERAL generate_series(date_trunc('year', d.s::timestamp),
                         LEAST(date_trunc('year', COALESCE(d.e, h)::timestamp),
                               date_trunc('year', h + interval '1 month') - interval '1 year'),
                         interval '1 year') AS y(y)"""
# the (person, complete year) pairs the statement touched: their rows deleted, then recomputed
PERSONS = """
        DELETE FROM steering_personunityear p USING ({touched}) t
        WHERE p.person_id = t.person_id AND p.year = t.year;
        INSERT INTO steering_personunityear (year, person_id, unit_id, first)
            SELECT t.year, s.person_id, s.unit_id,
                   s.unit_id = MIN(s.unit_id) OVER (PARTITION BY t.year, s.person_id)
            FROM ({touched}) t
            JOIN pathways_stay s ON s.person_id = t.person_id
                 AND s.start_date < (t.year + interval '1 year')::date
                 AND (s.end_date IS NULL OR s.end_date > t.year
                      OR (s.end_date = s.start_date AND s.start_date >= t.year))
            GROUP BY t.year, s.person_id, s.unit_id
        -- two transactions writing stays of the same person at once: the later one's answer stands
        ON CONFLICT (year, unit_id, person_id) DO UPDATE SET first = EXCLUDED.first;"""


def _sources(fields: tuple, changed: tuple, *, signed: bool) -> dict:
    """The rows a statement wrote, as the SQL of a derived table (d.[sign,] fields, s, e): the new
    rows of an INSERT, the old of a DELETE, both of an UPDATE (only the rows whose `changed`
    columns, or dates, moved; the old counted -1 when signed)."""

    def pick(alias, sign):
        columns = ", ".join(f"{alias}.{f}" for f in fields)
        return f"SELECT {f'{sign} AS sign, ' if signed else ''}{columns}, {alias}.start_date AS s, {alias}.end_date AS e"

    compared = [*changed, "start_date", "end_date"]
    moved = (
        "FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE "
        f"({', '.join('o.' + c for c in compared)}) IS DISTINCT FROM ({', '.join('n.' + c for c in compared)})"
    )
    return {
        "insert": f"{pick('n', 1)} FROM new_rows n",
        "delete": f"{pick('o', -1)} FROM old_rows o",
        "update": f"{pick('o', -1)} {moved} UNION ALL {pick('n', 1)} {moved}",
    }


UNIT_SOURCES = _sources(("unit_id",), ("unit_id",), signed=True)
PERSON_SOURCES = _sources(("person_id",), ("person_id", "unit_id"), signed=False)
SQL = TRIGGER_SQL
for op in ("insert", "delete", "update"):
    SQL = SQL.replace("{upsert_" + op + "}", UPSERT.format(source=UNIT_SOURCES[op])).replace(
        "{persons_" + op + "}",
        PERSONS.format(touched=TOUCHED.format(source=PERSON_SOURCES[op])),
    )

REVERSE = """
DROP INDEX IF EXISTS steering_unitmonth_by_month;
DROP TRIGGER IF EXISTS steering_unitmonth_insert ON pathways_stay;
DROP TRIGGER IF EXISTS steering_unitmonth_update ON pathways_stay;
DROP TRIGGER IF EXISTS steering_unitmonth_delete ON pathways_stay;
DROP FUNCTION IF EXISTS steering_unitmonth_on_stays();
DROP FUNCTION IF EXISTS steering_unitmonth_roll(date);
DROP FUNCTION IF EXISTS steering_stay_months(date, date, date);
"""


class Migration(migrations.Migration):
    dependencies = [("steering", "0002_unit_months"), ("pathways", "0003_stay_end_date_index")]
    operations = [postgres_only(SQL, REVERSE)]
