"""Steering: activity reports generated in the background."""

from django.conf import settings
from django.db import models


class ReportStatus(models.TextChoices):
    QUEUED = "queued", "En file d'attente"
    RUNNING = "running", "En cours"
    DONE = "done", "Prêt"
    FAILED = "failed", "Échec"


class ActivityReport(models.Model):
    """The annual activity report of a unit or an establishment, built by a background task (PDF with
    charts and Excel workbook kept in the database: a few hundred kilobytes)."""

    scope = models.CharField(max_length=40)
    label = models.CharField(max_length=200, blank=True)
    year = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    xlsx = models.BinaryField(null=True, blank=True, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Rapport {self.year} {self.scope}"


class _UnitCounts(models.Model):
    """Stay days (unweighted), admissions and exits of a unit over a period — derived data kept up to
    date by PostgreSQL triggers on every write of a stay (migration 0003), up to the horizon (the
    last complete month). Indicators assemble a period from whole years, whole months and partial
    edges computed from the stays (steering.unit_months)."""

    unit = models.ForeignKey(
        "directory.Unit", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    stay_days = models.BigIntegerField(default=0)
    admissions = models.IntegerField(default=0)
    exits = models.IntegerField(default=0)

    class Meta:
        abstract = True


class UnitMonth(_UnitCounts):
    """Per unit and calendar month (month = its first day)."""

    month = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "month"], name="unitmonth_unit_month")]

    def __str__(self):
        return f"{self.unit_id} {self.month:%Y-%m}"


class UnitYear(_UnitCounts):
    """Per unit and complete calendar year (year = its 1 January): a year reads one row per unit."""

    year = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="unityear_unit_year")]

    def __str__(self):
        return f"{self.unit_id} {self.year:%Y}"


class PersonUnitYear(models.Model):
    """A person had at least one day in a unit during a complete calendar year (year = its 1 January),
    up to the horizon; `first` marks one row per person and year. Kept by the same triggers: the
    file active of a year is a count of rows, not a distinct count over the stays."""

    year = models.DateField()
    person = models.ForeignKey(
        "people.Person", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    unit = models.ForeignKey(
        "directory.Unit", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    first = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "unit", "person"], name="personunityear_unique")
        ]
        indexes = [
            models.Index(fields=["year", "person"], name="personunityear_person"),
            models.Index(fields=["year"], name="personunityear_first", condition=models.Q(first=True)),
        ]

    def __str__(self):
        return f"{self.person_id} @ {self.unit_id} {self.year:%Y}"


class UnitMonthHorizon(models.Model):
    """One row: the last month whose figures UnitMonth holds (None: nothing built yet)."""

    month = models.DateField(null=True)

    def __str__(self):
        return f"{self.month}"
