"""Quality evaluation: the HAS framework (chapters, thematics, criteria imported from its spreadsheet),
an establishment's self-assessments (scores and evidence), the action plan that follows, and the
establishment's quality record (external evaluation every 5 years, quality referent, ethics committee)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from parcours.steering.quality.choices import ActionStatus, AssessmentStatus, ScoreValue, Target


class Framework(models.Model):
    name = models.CharField(max_length=200)
    version = models.CharField(max_length=50)
    source_filename = models.CharField(max_length=255, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-imported_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="framework_name_version")]

    def __str__(self):
        return f"{self.name} ({self.version})"


class Chapter(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="chapters")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)

    class Meta:
        ordering = ["framework", "number"]
        constraints = [models.UniqueConstraint(fields=["framework", "number"], name="chapter_number")]

    def __str__(self):
        return f"Chapitre {self.number} — {self.title}"


class Thematic(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="thematics")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["framework", "number"]
        constraints = [models.UniqueConstraint(fields=["framework", "number"], name="thematic_number")]

    def __str__(self):
        return self.name


class Criterion(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="criteria")
    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="criteria")
    thematic = models.ForeignKey(Thematic, on_delete=models.CASCADE, related_name="criteria")
    reference = models.CharField(max_length=20)
    objective = models.CharField(max_length=500, blank=True)
    text = models.TextField()
    imperative = models.BooleanField(default=False)
    target = models.CharField(max_length=10, choices=Target.choices, default=Target.ALL)
    target_detail = models.CharField(max_length=500, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["framework", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["framework", "reference"], name="criterion_reference")]

    def __str__(self):
        return f"{self.reference} {self.text[:60]}"


class SelfAssessment(models.Model):
    establishment = models.ForeignKey(
        "directory.Establishment", on_delete=models.PROTECT, related_name="self_assessments"
    )
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="self_assessments")
    title = models.CharField(max_length=200, blank=True)
    started_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.IN_PROGRESS
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["establishment"],
                condition=Q(status="in_progress"),
                name="one_self_assessment_in_progress",
            )
        ]

    def __str__(self):
        return self.title or f"Autoévaluation du {self.started_on:%d/%m/%Y}"

    @property
    def label(self) -> str:
        return str(self)


class Score(models.Model):
    self_assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    score = models.CharField(max_length=10, choices=ScoreValue.choices)
    evidence = models.TextField(blank=True)
    comment = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["self_assessment", "criterion"], name="one_score_per_criterion")
        ]

    def __str__(self):
        return f"{self.criterion_id}: {self.score}"


class ActionPlanItem(models.Model):
    self_assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="actions")
    criterion = models.ForeignKey(
        Criterion, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    action = models.TextField()
    owner = models.CharField(max_length=200)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.PLANNED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "id"]

    def __str__(self):
        return self.action[:60]


class EstablishmentQuality(models.Model):
    """The establishment's quality record: the external evaluation (every 5 years), the quality
    referent and the ethics committee (CPOM seed: "Nomination d'un référent qualité", "Mise en place
    d'un comité éthique")."""

    establishment = models.OneToOneField(
        "directory.Establishment", on_delete=models.CASCADE, related_name="quality"
    )
    last_external_evaluation = models.DateField(null=True, blank=True)
    # last + 5 years; set by hand only to plan a first evaluation when none is recorded.
    next_external_evaluation = models.DateField(null=True, blank=True)
    evaluation_body = models.CharField(max_length=200, blank=True)
    quality_referent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    quality_referent_name = models.CharField(max_length=200, blank=True)
    ethics_committee = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Qualité — {self.establishment_id}"

    @property
    def referent_label(self) -> str:
        if self.quality_referent_id:
            return self.quality_referent.display_name
        return self.quality_referent_name
