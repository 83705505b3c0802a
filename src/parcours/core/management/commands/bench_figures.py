"""`parcours bench_figures --scale department|national`: the benchmarks of one data set, on the
current database (DATABASE_URL). Called by `parcours bench`, which prepares the databases, then
prints and records everything. Each case runs after a warm-up, several times; nothing asserts."""

import json as jsonlib
import statistics
import time
from datetime import date

from django.core.management.base import BaseCommand
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from parcours.access.models import User
from parcours.core.dates import today


def measure(fn, repeat: int, warmup: int = 2) -> list[float]:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def row(figure, data, times, target, stat="median", **extra) -> dict:
    value = sorted(times)[round(0.95 * (len(times) - 1))] if stat == "p95" else statistics.median(times)
    return {
        "figure": figure,
        "data": data,
        "statistic": stat,
        "value_ms": round(value, 2),
        "min_ms": round(min(times), 2),
        "max_ms": round(max(times), 2),
        "target_ms": target,
        **extra,
    }


def superuser() -> User:
    user = User.objects.filter(is_superuser=True).first()
    if user is None:
        user = User.objects.create_superuser("bench", password=None)
    user._parcours_memberships = []
    return user


class Command(BaseCommand):
    help = "Benchmarks d'un jeu de données (appelé par `parcours bench`)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["department", "national"], required=True)
        parser.add_argument("--repeat", type=int, default=7)
        parser.add_argument("--json", help="fichier où écrire les résultats")

    def handle(self, *args, scale, repeat, json=None, **options):  # noqa: A002 (the option's name)
        cases = DEPARTMENT if scale == "department" else NATIONAL
        results = []
        for case in cases:
            try:
                results += case(repeat)
            except Exception as exc:  # a broken case is reported, the others still run
                results.append(
                    {"figure": case.__name__, "data": scale, "error": f"{type(exc).__name__}: {exc}"}
                )
        text = jsonlib.dumps(results, default=str, indent=2)
        if json:
            with open(json, "w") as out:
                out.write(text)
        else:
            self.stdout.write(text)


def year() -> tuple[date, date]:
    last = today().year - 1
    return date(last, 1, 1), date(last, 12, 31)


def indicators_group(repeat):
    from parcours.directory.models import Organisation
    from parcours.steering import selectors

    user = superuser()
    group = (
        Organisation.objects.filter(kind="group")
        .annotate(n=Count("members__establishments__units"))
        .order_by("-n")
        .first()
    )
    start, end = year()
    times = measure(lambda: selectors.activity(user, f"organisation:{group.pk}", start, end), repeat)
    return [row("full indicator set, whole group, one year", "département", times, 300)]


def indicators_organisation(repeat):
    from parcours.directory.models import Organisation
    from parcours.steering import selectors

    user = superuser()
    org = (
        Organisation.objects.filter(kind="association")
        .annotate(n=Count("establishments__units"))
        .order_by("-n")
        .first()
    )
    start, end = year()
    times = measure(lambda: selectors.activity(user, f"organisation:{org.pk}", start, end), repeat)
    return [row("full indicator set, one organisation, one year", "national", times, 100)]


def indicators_nation(repeat):
    from parcours.directory.models import Unit
    from parcours.steering import indicators

    units = indicators.UnitSet.of(Unit.objects.all())
    start, end = year()
    times = measure(lambda: indicators.activity(units, start, end), max(3, repeat // 2), warmup=1)
    out = [row("full indicator set, whole nation, one year", "national", times, 2000)]

    def core():
        indicators.days(units, start, end, with_caseload=True)  # realised, theoretical and file active

    ours = measure(core, max(3, repeat // 2), warmup=1)
    duck = duckdb_core(start, end)
    if duck is not None:
        ratio = statistics.median(ours) / statistics.median(duck)
        out.append(
            row(
                "days realised + occupancy + file active, nation (vs DuckDB)",
                "national",
                ours,
                None,
                duckdb_ms=round(statistics.median(duck), 2),
                ratio=round(ratio, 2),
                target_ratio=3,
            )
        )
    return out


def duckdb_core(start: date, end: date):
    """The same three figures computed by DuckDB from the same rows exported to it (the reference)."""
    try:
        import duckdb
    except ImportError:
        return None
    import csv
    import tempfile
    from pathlib import Path

    db = duckdb.connect()
    folder = Path(tempfile.mkdtemp(prefix="parcours-bench-"))
    exports = {
        "stay": (
            "SELECT unit_id, person_id, start_date, end_date FROM pathways_stay",
            "unit_id BIGINT, person_id BIGINT, start_date DATE, end_date DATE",
        ),
        "cap": (
            "SELECT c.unit_id, c.capacity, c.valid_from, u.opening_days, u.opened_on, u.closed_on "
            "FROM directory_unitcapacity c JOIN directory_unit u ON u.id = c.unit_id",
            "unit_id BIGINT, capacity INT, valid_from DATE, opening_days INT, opened_on DATE, closed_on DATE",
        ),
    }
    connection.ensure_connection()
    raw = connection.connection
    for table, (query, columns) in exports.items():
        path = folder / f"{table}.csv"
        if connection.vendor == "postgresql":
            with (
                open(path, "wb") as out,
                raw.cursor() as cursor,
                cursor.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)") as copy,
            ):
                for chunk in copy:
                    out.write(chunk)
        else:  # SQLite (the test suite's default): the same rows through the csv module
            with open(path, "w", newline="") as out, connection.cursor() as cursor:
                cursor.execute(query)
                csv.writer(out).writerows(cursor.fetchall())
        db.execute(f"CREATE TABLE {table} ({columns})")
        db.execute(f"INSERT INTO {table} SELECT * FROM read_csv('{path}', header=false, nullstr='')")
    a, b = start.isoformat(), end.isoformat()
    sql = f"""
    WITH s AS (
      SELECT s.*, u.opening_days,
        greatest(date_diff('day', greatest(start_date, DATE '{a}'),
          least(coalesce(CASE WHEN end_date = start_date THEN start_date + 1 ELSE end_date END,
                DATE '{b}' + 1), DATE '{b}' + 1)), 0) AS d
      FROM stay s JOIN (SELECT DISTINCT unit_id, opening_days FROM cap) u USING (unit_id)
      WHERE start_date <= DATE '{b}' AND (end_date IS NULL OR end_date >= DATE '{a}')
    ), c AS (
      SELECT capacity, opening_days, greatest(valid_from, DATE '{a}', opened_on) AS lo,
        least(coalesce(lead(valid_from) OVER (PARTITION BY unit_id ORDER BY valid_from), DATE '{b}' + 1),
              DATE '{b}' + 1, coalesce(closed_on, DATE '{b}' + 1)) AS hi
      FROM cap
    )
    SELECT (SELECT sum(d * CASE WHEN opening_days < 365 THEN opening_days / 365.0 ELSE 1 END) FROM s),
           (SELECT sum(capacity * greatest(date_diff('day', lo, hi), 0)
                       * CASE WHEN opening_days < 365 THEN opening_days / 365.0 ELSE 1 END) FROM c),
           (SELECT count(DISTINCT person_id) FROM s WHERE d > 0)
    """
    return measure(lambda: db.execute(sql).fetchall(), 5, warmup=1)


def trend_every_unit(repeat):
    from parcours.core.dates import add_months
    from parcours.directory.models import Organisation, Unit
    from parcours.steering import indicators

    group = Organisation.objects.filter(kind="group").first()
    units = indicators.UnitSet.of(
        Unit.objects.filter(establishment__organisation__member_of=group) if group else Unit.objects.all()
    )
    end = today()
    first = add_months(date(end.year, end.month, 1), -11)

    def run():
        indicators.monthly_by_unit(units, first, end)

    times = measure(run, repeat)
    return [row("monthly occupancy trend (12 months) of every unit", "département", times, 300)]


def name_search(repeat):
    from parcours.people import selectors

    user = superuser()
    queries = ["mar", "dupont", "jean", "lef", "ber", "nic", "gar", "tho"]

    for q in queries:  # the warm-up
        selectors.search_page(user, q, 50)
    times = []
    for _ in range(repeat):
        for q in queries:
            start = time.perf_counter()
            selectors.search_page(user, q, 50)
            times.append((time.perf_counter() - start) * 1000)
    return [row("name search (accent- and case-insensitive, partial)", "national", times, 50, "p95")]


def person_record(repeat):
    from django.test import Client

    from parcours.pathways.models import Stay

    user = superuser()
    client = Client()
    client.force_login(user)
    by_history = Stay.objects.values("person_id").annotate(n=Count("id")).order_by("-n")
    long_history = by_history.first()["person_id"]
    short_history = by_history.order_by("n").first()["person_id"]
    out = []
    for label, path in (
        ("person record page", "/personnes/{}/"),
        ("GET /persons/{id}/pathway", "/api/v1/persons/{}/pathway"),
    ):
        times = measure(lambda p=path: client.get(p.format(long_history)), repeat)
        queries = {}
        for name, pid in (("short", short_history), ("long", long_history)):
            with CaptureQueriesContext(connection) as ctx:
                client.get(path.format(pid))
            queries[name] = len(ctx.captured_queries)
        out.append(row(label, "national", times, 150, queries=queries))
    return out


def dashboard_page(repeat):
    from django.test import Client

    from parcours.directory.models import Organisation

    user = superuser()
    client = Client()
    client.force_login(user)
    group = Organisation.objects.filter(kind="group").first()
    times = measure(lambda: client.get("/pilotage/", {"perimetre": f"organisation:{group.pk}"}), repeat)
    return [row("dashboard page of the département's group", "département", times, 500)]


DEPARTMENT = [indicators_group, trend_every_unit, dashboard_page]
NATIONAL = [indicators_organisation, indicators_nation, name_search, person_record]


def _wrk(url: str, token: str | None, seconds: int = 10) -> dict:
    import re
    import subprocess

    command = ["wrk", "-t2", "-c8", f"-d{seconds}s", url]
    if token:
        command[1:1] = ["-H", f"Authorization: Bearer {token}"]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"wrk: {done.stderr.strip() or done.stdout.strip()}")
    out = done.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    failed = int(non2xx.group(1)) if non2xx else 0
    if errors:
        failed += sum(int(x) for x in errors.groups())
    return {"rps": rps, "errors": failed}


def load_test(repeat):
    """GET /persons/{id} under wrk against gunicorn with 4 workers, compared with a bare view doing one
    primary-key lookup on the same stack; then the memory of the workers."""
    import os
    import shutil
    import subprocess
    import sys
    import tempfile
    import urllib.request

    from parcours.access.services import issue_token
    from parcours.people.models import Person

    if shutil.which("wrk") is None:
        return [
            {
                "figure": "GET /persons/{id} throughput",
                "data": "national",
                "error": "wrk absent (apt install wrk)",
            }
        ]
    user = superuser()
    token = issue_token(user)
    person = Person.objects.order_by("id")[Person.objects.count() // 2]
    port = 8765
    env = dict(os.environ, PARCOURS_BENCH="1", DEBUG="0", ALLOWED_HOSTS="127.0.0.1", SECURE_SSL_REDIRECT="0")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "parcours.wsgi:application",
            "-w",
            "4",
            "-b",
            f"127.0.0.1:{port}",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(os.path.join(tempfile.gettempdir(), "parcours-bench-gunicorn.log"), "w"),  # noqa: SIM115
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        _wrk(f"http://127.0.0.1:{port}/api/v1/persons/{person.pk}", token, 3)  # warm-up
        ours = _wrk(f"http://127.0.0.1:{port}/api/v1/persons/{person.pk}", token)
        bare = _wrk(f"http://127.0.0.1:{port}/bench/pk/{person.pk}", None)
        rss = subprocess.run(
            ["ps", "-o", "rss=", "--ppid", str(server.pid)], capture_output=True, text=True
        ).stdout
        worst = max((int(x) for x in rss.split()), default=0) / 1024
    finally:
        server.terminate()
        server.wait(timeout=20)
    ratio = ours["rps"] / bare["rps"] if bare["rps"] else 0
    return [
        {
            "figure": "GET /persons/{id} throughput, 4 gunicorn workers (wrk)",
            "data": "national",
            "text": f"{ours['rps']:.0f} req/s vs bare {bare['rps']:.0f} req/s",
            "ratio_value": round(ratio, 3),
            "target_text": "≥ 40 % of the bare view, 0 errors",
            "met": ratio >= 0.4 and ours["errors"] == 0,
            "errors": ours["errors"],
        },
        {
            "figure": "memory of one app worker after the load test",
            "data": "national",
            "text": f"{worst:.0f} MB RSS",
            "target_text": "≤ 250 MB",
            "met": worst <= 250,
        },
    ]


def matches_one_referral(repeat):
    """Matches for one referral among all units (a referral created for the run, then removed)."""
    from django.db import transaction

    from parcours.admissions import selectors as intake
    from parcours.admissions.models import Referral
    from parcours.pathways.models import Stay

    user = superuser()
    stay = Stay.objects.filter(end_date__isnull=True, unit__public="child_protection").order_by("id").first()
    with transaction.atomic():
        referral = Referral.objects.create(
            person_id=stay.person_id,
            modality=stay.unit.modality,
            public=stay.unit.public,
            wished_date=today(),
            reason="benchmark",
            received_on=today(),
        )
        times = measure(lambda: intake.matches(user, referral.pk, today()), repeat)
        transaction.set_rollback(True)
    return [row("matches for one referral among all units", "national", times, 50)]


NATIONAL += [matches_one_referral, load_test]


def allocation_synthetic(repeat):
    """Group allocation: 1,000 waiting referrals × 1,000 vacant places (100 units of 10 places),
    built in a transaction that is rolled back."""
    from django.db import transaction

    from parcours.admissions import selectors as intake
    from parcours.admissions.models import Referral
    from parcours.directory.models import Commune, Establishment, Organisation, Unit, UnitCapacity
    from parcours.people.models import Person

    user = superuser()
    commune = Commune.objects.filter(latitude__isnull=False).order_by("code").first()
    with transaction.atomic():
        group = Organisation.objects.create(name="Groupement synthétique", kind="group")
        member = Organisation.objects.create(name="Association synthétique", kind="association")
        member.member_of.add(group)
        est = Establishment.objects.create(
            organisation=member,
            name="Établissement synthétique",
            finess_et="990000001",
            category="177",
            commune=commune,
        )
        units = Unit.objects.bulk_create(
            Unit(
                establishment=est,
                name=f"Unité {i}",
                modality="residential",
                public="child_protection",
                age_min=0,
                age_max=21,
            )
            for i in range(100)
        )
        UnitCapacity.objects.bulk_create(
            UnitCapacity(unit=u, capacity=10, valid_from=date(2000, 1, 1)) for u in units
        )
        persons = Person.objects.bulk_create(
            Person(
                first_name=f"P{i}",
                last_name="Synthèse",
                birth_date=date(2012, 1, 1),
                sex="f",
                commune=commune,
            )
            for i in range(1000)
        )
        Referral.objects.bulk_create(
            Referral(
                person=p,
                modality="residential",
                public="child_protection",
                wished_date=today(),
                reason="synthétique",
                received_on=today(),
                organisation=group,
                status="received",
            )
            for p in persons
        )
        times = measure(
            lambda: intake.allocation(user, f"organisation:{group.pk}", today()),
            max(2, repeat // 3),
            warmup=1,
        )
        transaction.set_rollback(True)
    return [row("group allocation, 1,000 referrals × 1,000 places", "synthetic", times, 2000)]


DEPARTMENT += [allocation_synthetic]
