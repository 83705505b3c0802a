"""Referrals (orientation requests), decisions per unit, admission commission sessions, notifications."""

from django.conf import settings
from django.db import models

from parcours.admissions.choices import DecisionKind, SessionKind, Status


class CommissionSession(models.Model):
    """A dated meeting of a group's shared admission commission (CBDE) or a collective orientation."""

    date = models.DateField()
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="sessions"
    )
    kind = models.CharField(
        max_length=30, choices=SessionKind.choices, default=SessionKind.ADMISSION_COMMISSION
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="commission_sessions")
    minutes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date"]

    def __str__(self):
        return f"{self.get_kind_display()} du {self.date:%d/%m/%Y}"


class Referral(models.Model):
    """A request to support a person (from a partner or internal), addressed to units, to an
    organisation's commission, or to every unit."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="referrals")
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    modality = models.CharField(max_length=30)
    public = models.CharField(max_length=30)
    emergency = models.BooleanField(default=False)
    wished_date = models.DateField()
    reason = models.TextField()
    organisation = models.ForeignKey(
        "directory.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    target_units = models.ManyToManyField("directory.Unit", blank=True, related_name="referrals")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED, db_index=True)
    received_on = models.DateField()
    session = models.ForeignKey(
        CommissionSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals"
    )
    # What the holders of parental authority (or the young adult) were told and agreed to share.
    family_informed = models.BooleanField(default=False)
    family_informed_on = models.DateField(null=True, blank=True)
    consent_notes = models.TextField(blank=True)
    closed_reason = models.CharField(max_length=255, blank=True)
    closed_on = models.DateField(null=True, blank=True)  # refused or withdrawn on
    needs = models.JSONField(default=list, blank=True)  # SERAFIN-PH need codes (disability public)
    # Inclusion public (RSA orientation): the orientation given, instead of a place.
    outcome = models.CharField(max_length=30, blank=True)
    stay = models.OneToOneField(
        "pathways.Stay", null=True, blank=True, on_delete=models.SET_NULL, related_name="referral"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-emergency", "received_on", "id"]

    def __str__(self):
        return f"Orientation n° {self.pk} ({self.get_status_display()})"


class Decision(models.Model):
    """One decision per referral and unit: accepted, waiting list or refused, with its reason."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="decisions")
    unit = models.ForeignKey("directory.Unit", on_delete=models.PROTECT, related_name="decisions")
    decision = models.CharField(max_length=20, choices=DecisionKind.choices)
    reason = models.TextField(blank=True)
    decided_on = models.DateField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    session = models.ForeignKey(
        CommissionSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )

    class Meta:
        ordering = ["decided_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "unit"], name="one_decision_per_referral_unit")
        ]

    def __str__(self):
        return f"{self.get_decision_display()} — {self.unit_id}"


class SharedDocument(models.Model):
    """A document of the record shared with a unit for the examination of a referral."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="shared_documents")
    document = models.ForeignKey("people.Document", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(
        "directory.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["referral", "document", "unit"], name="unique_share")]

    def __str__(self):
        return f"{self.document_id} → {self.unit_id or 'toutes'}"


class Notification(models.Model):
    """An in-app notification (also sent by e-mail when the user has an address)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField(max_length=500)
    link = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.text[:60]
