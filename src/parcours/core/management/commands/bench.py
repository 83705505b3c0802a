"""`parcours bench`: measure the main read paths on the current database and print one table.

Benchmarks print and write bench/results/latest.json; they never fail. The scale issue extends this
with the indicator, matching and load benchmarks; for now: name search, record, vacancy."""

import json
import statistics
import time
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import connection, reset_queries

from parcours.access.models import User
from parcours.core.dates import today
from parcours.directory.models import Unit
from parcours.pathways.selectors import vacancy_on
from parcours.people import selectors
from parcours.people.models import Person


def measure(fn, repeat=15, warmup=3):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


class Command(BaseCommand):
    help = "Mesures de performance sur la base courante (table imprimée, JSON dans bench/results/)."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=15)

    def handle(self, *args, repeat=15, **options):
        admin = User(username="bench", is_superuser=True)  # sees everything, never saved
        admin._parcours_memberships = []
        person = Person.objects.order_by("-id").first()
        unit = Unit.objects.order_by("id").first()
        if person is None or unit is None:
            self.stdout.write("Pas de données : lancez d'abord `parcours demo --scale department` (ou demo).")
            return
        day = today()
        cases = [
            ("name search 'mar' (p95)", lambda: list(selectors.search_persons(admin, "mar")[:50]), 50, "p95"),
            ("person record sections", lambda: selectors.record_sections(admin, person), 150, "median"),
            ("vacancy of one unit", lambda: vacancy_on(unit, day), 20, "median"),
        ]
        rows = []
        for name, fn, target, stat in cases:
            times = measure(fn, repeat)
            value = sorted(times)[int(0.95 * (len(times) - 1))] if stat == "p95" else statistics.median(times)
            reset_queries()
            rows.append(
                {
                    "figure": name,
                    "value_ms": round(value, 2),
                    "min_ms": round(min(times), 2),
                    "max_ms": round(max(times), 2),
                    "target_ms": target,
                    "statistic": stat,
                }
            )
        self.stdout.write(f"database: {connection.vendor}, persons: {Person.objects.count()}")
        self.stdout.write(f"{'figure':32} {'value':>10} {'min–max':>18} {'target':>8}")
        for r in rows:
            self.stdout.write(
                f"{r['figure']:32} {r['value_ms']:>8} ms {r['min_ms']:>7}–{r['max_ms']:<7} ms "
                f"{r['target_ms']:>5} ms"
            )
        out = Path.cwd() / "bench" / "results"
        out.mkdir(parents=True, exist_ok=True)
        (out / "latest.json").write_text(
            json.dumps({"database": connection.vendor, "results": rows}, indent=2)
        )
