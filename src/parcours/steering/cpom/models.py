"""CPOM follow-up: the contract (manager, authority, signatories, 5-year period, establishments),
its strategic objectives, numbered actions (pilot, context, objectives, means, implementation,
partners, calendar), the yearly stages of each action's programme with their progress, and the
indicators with yearly targets — entered by hand each year or bound to a computed indicator."""

from django.conf import settings
from django.db import models

from parcours.steering.cpom.choices import Direction, Source


class Cpom(models.Model):
    """Contrat pluriannuel d'objectifs et de moyens between a manager and its authorities."""

    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="cpoms", help_text="gestionnaire"
    )
    title = models.CharField(max_length=255)
    authority = models.CharField(max_length=255, help_text="ex. Conseil départemental de l'Aveyron")
    signatories = models.JSONField(default=list, blank=True)
    start_year = models.PositiveSmallIntegerField()
    end_year = models.PositiveSmallIntegerField()
    signed_on = models.DateField(null=True, blank=True)
    establishments = models.ManyToManyField("directory.Establishment", blank=True, related_name="cpoms")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-start_year", "title", "id"]

    def __str__(self):
        return self.title

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))


class StrategicObjective(models.Model):
    cpom = models.ForeignKey(Cpom, on_delete=models.CASCADE, related_name="objectives")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=500)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "number", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cpom", "number"], name="cpom_objective_number_unique")
        ]

    def __str__(self):
        return f"Objectif stratégique n° {self.number} : {self.title}"


class CpomAction(models.Model):
    objective = models.ForeignKey(StrategicObjective, on_delete=models.CASCADE, related_name="actions")
    number = models.CharField(max_length=20, help_text="ex. 1.1")
    title = models.CharField(max_length=500)
    pilot = models.CharField(max_length=500, blank=True)
    context = models.TextField(blank=True)
    objectives = models.TextField(blank=True)
    means = models.TextField(blank=True)
    implementation = models.TextField(blank=True)
    partners = models.TextField(blank=True)
    calendar_start = models.PositiveSmallIntegerField(null=True, blank=True)
    calendar_end = models.PositiveSmallIntegerField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["objective", "number"], name="cpom_action_number_unique")
        ]

    def __str__(self):
        return f"Action n° {self.number} : {self.title}"


class Stage(models.Model):
    """A line of the action's 'programmation prévisionnelle': the years it is planned for, and its
    progress year by year ({"2025": "done"})."""

    action = models.ForeignKey(CpomAction, on_delete=models.CASCADE, related_name="stages")
    label = models.CharField(max_length=500)
    expected_results = models.TextField(blank=True)
    planned_years = models.JSONField(default=list, blank=True)
    progress = models.JSONField(default=dict, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.label


class CpomIndicator(models.Model):
    """An indicator of an action (or of a strategic objective as a whole) with its targets per year
    ({"2025": "0.95"}); its actual comes from the yearly values entered by hand, or from the
    computed indicator `key` over `scope` (unit:ID, establishment:ID, organisation:ID)."""

    cpom = models.ForeignKey(Cpom, on_delete=models.CASCADE, related_name="indicators")
    objective = models.ForeignKey(
        StrategicObjective, null=True, blank=True, on_delete=models.CASCADE, related_name="indicators"
    )
    action = models.ForeignKey(
        CpomAction, null=True, blank=True, on_delete=models.CASCADE, related_name="indicators"
    )
    label = models.CharField(max_length=500)
    unit = models.CharField(max_length=100, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    key = models.CharField(max_length=50, blank=True)
    related_keys = models.JSONField(default=list, blank=True)
    scope = models.CharField(max_length=40, blank=True)
    direction = models.CharField(max_length=10, choices=Direction.choices, blank=True)
    targets = models.JSONField(default=dict, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(objective__isnull=True, action__isnull=False)
                | models.Q(objective__isnull=False, action__isnull=True),
                name="cpom_indicator_of_action_or_objective",
            )
        ]

    def __str__(self):
        return self.label


class IndicatorValue(models.Model):
    """The yearly actual of a manual indicator."""

    indicator = models.ForeignKey(CpomIndicator, on_delete=models.CASCADE, related_name="values")
    year = models.PositiveSmallIntegerField()
    value = models.DecimalField(max_digits=14, decimal_places=4)
    comment = models.TextField(blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="cpom_indicator_value_year_unique")
        ]

    def __str__(self):
        return f"{self.indicator_id} {self.year}: {self.value}"
