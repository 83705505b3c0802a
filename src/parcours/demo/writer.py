"""Batch writer for the synthetic data sets: rows with ids assigned here, written with COPY on
PostgreSQL and executemany INSERT elsewhere, then the sequences are moved past the ids used."""

from collections import defaultdict
from datetime import date, datetime

from django.db import connection


class BatchWriter:
    def __init__(self, batch_size: int = 50_000):
        self.batch_size = batch_size
        self.rows: dict = defaultdict(list)
        self.next_ids: dict = {}
        self.models: dict = {}

    def next_id(self, model) -> int:
        key = model._meta.db_table
        if key not in self.next_ids:
            last = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            self.next_ids[key] = last + 1
        value = self.next_ids[key]
        self.next_ids[key] += 1
        return value

    def add(self, model, **values) -> int:
        """Queue one row; returns its id."""
        if "id" not in values:
            values["id"] = self.next_id(model)
        table = model._meta.db_table
        self.models[table] = model
        self.rows[table].append(values)
        if len(self.rows[table]) >= self.batch_size:
            self.flush(table)
        return values["id"]

    def columns(self, model) -> list[tuple[str, object]]:
        out = []
        for field in model._meta.concrete_fields:
            default = field.get_default() if field.has_default() else None
            if default is None and not field.null and field.get_internal_type() in ("CharField", "TextField"):
                default = ""
            out.append((field.attname, field.column, default))
        return out

    def flush(self, table: str | None = None) -> None:
        tables = [table] if table else list(self.rows)
        for name in tables:
            rows = self.rows.get(name)
            if not rows:
                continue
            model = self.models[name]
            cols = self.columns(model)
            now = datetime.now().astimezone()
            data = []
            for row in rows:
                values = []
                for attname, _column, default in cols:
                    if attname in row:
                        values.append(row[attname])
                    elif attname in ("created_at", "updated_at", "uploaded_at"):
                        values.append(now)
                    else:
                        values.append(default)
                data.append(values)
            column_list = ", ".join(f'"{c}"' for _, c, _ in cols)
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(f'COPY "{name}" ({column_list}) FROM STDIN') as copy:
                        for values in data:
                            copy.write_row(values)
                else:
                    marks = ", ".join(["%s"] * len(cols))
                    cursor.executemany(
                        f'INSERT INTO "{name}" ({column_list}) VALUES ({marks})',
                        [[_plain(v) for v in values] for values in data],
                    )
            self.rows[name] = []

    def finish(self) -> None:
        self.flush()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for name in self.next_ids:
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                        f'COALESCE((SELECT MAX(id) FROM "{name}"), 1))'
                    )
                    cursor.execute(f'ANALYZE "{name}"')


def _plain(value):
    if isinstance(value, date | datetime):
        return value.isoformat() if isinstance(value, date) and not isinstance(value, datetime) else value
    return value
