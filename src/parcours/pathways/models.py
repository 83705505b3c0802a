"""Stays of persons in units and the professionals assigned to them."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from parcours.core.dates import stay_days
from parcours.pathways.choices import AssignmentRole, ExitReason, Intensity


class Stay(models.Model):
    """A stay (or support) of a person in a unit: entry counted, exit not (DESIGN.md)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="stays")
    unit = models.ForeignKey("directory.Unit", on_delete=models.PROTECT, related_name="stays")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    exit_reason = models.CharField(max_length=20, choices=ExitReason.choices, blank=True)
    intensity = models.CharField(max_length=20, choices=Intensity.choices, default=Intensity.FULL_TIME)
    emergency = models.BooleanField(default=False)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-start_date"]
        indexes = [
            models.Index(fields=["unit", "start_date", "end_date"]),
            # stays overlapping a recent period: end_date IS NULL OR end_date >= … (indicators' edges)
            models.Index(fields=["end_date"], name="stay_end_date"),
        ]
        constraints = [
            models.CheckConstraint(
                name="stay_dates",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
            ),
            models.CheckConstraint(
                name="stay_exit_reason_when_ended", condition=Q(end_date__isnull=False) | Q(exit_reason="")
            ),
        ]

    @property
    def days(self) -> int:
        return stay_days(self.start_date, self.end_date)

    @property
    def is_open(self) -> bool:
        return self.end_date is None

    def __str__(self):
        return f"{self.person_id} @ {self.unit_id} {self.start_date}→{self.end_date or ''}"


class Assignment(models.Model):
    """A professional assigned to a person: the référent, the pathway coordinator."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="assignments")
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField(max_length=30, choices=AssignmentRole.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["role", "-start_date"]

    def __str__(self):
        return f"{self.get_role_display()} : {self.professional}"
