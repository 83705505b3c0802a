"""The meetings register: sessions of practice analysis, training, ethics committee, partner meetings,
collective orientation, case reviews… with their participants and attendance, minutes; the
practice-analysis requests and the facilitators' proposals answering them.

Admission commissions are not here: they are admissions.CommissionSession (counted by figures())."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from parcours.steering.meetings.choices import (
    Frequency,
    MeetingKind,
    MeetingStatus,
    PlaceKind,
    RequestStatus,
)


class PracticeAnalysisRequest(models.Model):
    """A request for a practice-analysis facilitator (GAPP), with the fields of the SESSAD document."""

    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="practice_analysis_requests"
    )
    establishment = models.ForeignKey(
        "directory.Establishment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="practice_analysis_requests",
    )
    title = models.CharField(max_length=200, default="Analyse des pratiques professionnelles")
    context = models.TextField(blank=True)
    sector = models.CharField(max_length=100, blank=True)
    public = models.TextField(blank=True)
    professions = models.TextField()
    group_size = models.PositiveSmallIntegerField()
    place_kind = models.CharField(max_length=20, choices=PlaceKind.choices, default=PlaceKind.ON_SITE)
    place = models.CharField(max_length=200, blank=True)
    session_duration_minutes = models.PositiveSmallIntegerField()
    frequency = models.CharField(max_length=20, choices=Frequency.choices, default=Frequency.MONTHLY)
    sessions_planned = models.PositiveSmallIntegerField(null=True, blank=True)
    period_start = models.DateField()
    period_end = models.DateField()
    response_deadline = models.DateField(null=True, blank=True)
    facilitator_profile = models.TextField(blank=True)
    methods = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-period_start", "-id"]
        constraints = [
            models.CheckConstraint(
                name="pa_request_period", condition=Q(period_end__gte=models.F("period_start"))
            ),
            models.CheckConstraint(name="pa_request_group_size", condition=Q(group_size__gte=1)),
        ]

    def __str__(self):
        return f"{self.title} ({self.period_start:%m/%Y})"


class FacilitatorProposal(models.Model):
    """A facilitator's answer to a practice-analysis request; at most one is accepted."""

    request = models.ForeignKey(PracticeAnalysisRequest, on_delete=models.CASCADE, related_name="proposals")
    facilitator_name = models.CharField(max_length=200)
    organisation = models.CharField(max_length=200, blank=True)
    qualifications = models.TextField(blank=True)
    approach = models.TextField(blank=True)
    sessions_count = models.PositiveSmallIntegerField()
    price = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    accepted = models.BooleanField(default=False)
    received_on = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["received_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request"], condition=Q(accepted=True), name="one_accepted_proposal_per_request"
            ),
        ]

    def __str__(self):
        return self.facilitator_name


class Meeting(models.Model):
    kind = models.CharField(max_length=30, choices=MeetingKind.choices)
    title = models.CharField(max_length=200, blank=True)
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="meetings"
    )
    # Empty: a meeting of the organisation as a whole.
    establishment = models.ForeignKey(
        "directory.Establishment", null=True, blank=True, on_delete=models.PROTECT, related_name="meetings"
    )
    date = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    # Text: the external facilitators of a GAPP are not users.
    facilitator = models.CharField(max_length=200, blank=True)
    place = models.CharField(max_length=200, blank=True)
    minutes = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    practice_analysis_request = models.ForeignKey(
        PracticeAnalysisRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="meetings"
    )
    # Case reviews only; added through the scoping layer (person_for) and audited when read.
    persons = models.ManyToManyField("people.Person", blank=True, related_name="case_reviews")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["organisation", "date"], name="meeting_org_date"),
            models.Index(fields=["establishment", "date"], name="meeting_est_date"),
        ]
        constraints = [
            models.CheckConstraint(
                name="meeting_duration", condition=Q(duration_minutes__gte=1, duration_minutes__lte=1440)
            ),
        ]

    def __str__(self):
        return f"{self.title or self.get_kind_display()} du {self.date:%d/%m/%Y}"

    @property
    def label(self) -> str:
        return self.title or self.get_kind_display()


class Participant(models.Model):
    """Someone invited to a meeting: a user, or a name (external partners, facilitators' guests)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=200)
    profession = models.CharField(max_length=100, blank=True)
    attended = models.BooleanField(default=False)
    excused = models.BooleanField(default=False)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"], condition=Q(user__isnull=False), name="one_participation_per_user"
            ),
            models.CheckConstraint(
                name="participant_attended_or_excused", condition=~Q(attended=True, excused=True)
            ),
        ]

    def __str__(self):
        return self.name
