"""Adverse events (EI / EIG): the declaration, the persons involved (linked to their records), the
classification and report to the authority, the analysis, the corrective actions and the closure."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from parcours.steering.incidents.choices import Authority, Category, PersonRole, Status

# Written confirmation of the report to the authority: within 48 hours of the discovery.
REPORT_DELAY = timedelta(hours=48)


class Incident(models.Model):
    establishment = models.ForeignKey(
        "directory.Establishment", on_delete=models.PROTECT, related_name="incidents"
    )
    unit = models.ForeignKey(
        "directory.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="incidents"
    )
    occurred_at = models.DateTimeField()
    discovered_at = models.DateTimeField()
    place = models.CharField(max_length=200, blank=True)
    description = models.TextField(help_text="nature et circonstances")
    other_involved = models.TextField(blank=True, help_text="professionnels ou tiers impliqués")
    category = models.CharField(max_length=30, choices=Category.choices, blank=True)
    serious = models.BooleanField(default=False)
    victims_count = models.PositiveIntegerField(default=0)
    exposed_count = models.PositiveIntegerField(default=0)
    immediate_measures = models.TextField(blank=True)
    # who was informed and when: [{"who": "...", "when": "ISO datetime or ''"}] — family, police, CVS…
    informed = models.JSONField(default=list, blank=True)
    media_coverage = models.BooleanField(default=False)
    judicial_follow_up = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DECLARED)
    authority = models.CharField(max_length=20, choices=Authority.choices)
    reported_on = models.DateField(null=True, blank=True)
    causes = models.TextField(blank=True)
    closed_on = models.DateField(null=True, blank=True)
    closure_reason = models.TextField(blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["establishment", "occurred_at"], name="incident_est_occurred"),
            models.Index(fields=["status"], name="incident_status"),
        ]
        constraints = [
            models.CheckConstraint(
                name="incident_discovered_after_occurred",
                condition=Q(discovered_at__gte=models.F("occurred_at")),
            ),
        ]

    def __str__(self):
        return f"Événement indésirable n° {self.pk}"

    @property
    def label(self) -> str:
        return ("EIG" if self.serious else "EI") + f" n° {self.pk}"

    @property
    def report_deadline(self):
        """Written confirmation to the authority: discovery + 48 hours."""
        return self.discovered_at + REPORT_DELAY

    @property
    def report_overdue(self) -> bool:
        """A serious event not reported once the 48 hours have passed."""
        return bool(self.serious and self.reported_on is None and timezone.now() > self.report_deadline)

    @property
    def reported_late(self) -> bool:
        """Reported on a day after the one the 48 hours end on."""
        if not (self.serious and self.reported_on):
            return False
        return self.reported_on > timezone.localtime(self.report_deadline).date()


class IncidentPerson(models.Model):
    """A person involved, linked to the record (dossier) — victim, author, witness."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="persons")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=10, choices=PersonRole.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["incident", "id"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "person"], name="one_link_per_incident_person")
        ]

    def __str__(self):
        return f"{self.incident_id}: {self.person_id} ({self.role})"


class CorrectiveAction(models.Model):
    """A measure to remedy the cause and prevent recurrence: who does it, by when, done when."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.CharField(max_length=200)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_date = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "id"]

    def __str__(self):
        return self.description[:60]

    @property
    def overdue(self) -> bool:
        from parcours.core.dates import today

        return self.done_on is None and self.due_date < today()
