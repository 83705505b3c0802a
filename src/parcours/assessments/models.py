"""Assessment grids designed without code (sections, questions, answer types) and the assessments
filled with them for a person or a referral. A published grid never changes: editing it makes a new
version, and each assessment keeps pointing at the exact version it was filled with."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from parcours.assessments.rules import KINDS


class GridStatus(models.TextChoices):
    DRAFT = "draft", "En préparation"
    PUBLISHED = "published", "Publiée"
    RETIRED = "retired", "Remplacée par une nouvelle version"


class QuestionKind(models.TextChoices):
    CHOICE = "choice", KINDS["choice"]
    MULTIPLE_CHOICE = "multiple_choice", KINDS["multiple_choice"]
    SCALE = "scale", KINDS["scale"]
    TEXT = "text", KINDS["text"]
    DATE = "date", KINDS["date"]
    NUMBER = "number", KINDS["number"]


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    COMPLETED = "completed", "Terminée"


class Grid(models.Model):
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="assessment_grids"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    version = models.PositiveSmallIntegerField(default=1)
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_version"
    )
    status = models.CharField(max_length=20, choices=GridStatus.choices, default=GridStatus.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation_id", "name", "-version"]

    def __str__(self):
        return f"{self.name} v{self.version}"

    @property
    def is_draft(self) -> bool:
        return self.status == GridStatus.DRAFT

    def structure(self) -> dict:
        """The grid as plain data for the rules (sections and questions should be prefetched)."""
        return {
            "sections": [
                {"id": s.pk, "title": s.title, "questions": [q.as_rule() for q in s.questions.all()]}
                for s in self.sections.all()
            ]
        }


class Section(models.Model):
    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.title


class Question(models.Model):
    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    key = models.CharField(max_length=50)
    label = models.CharField(max_length=300)
    help_text = models.CharField(max_length=1000, blank=True)
    kind = models.CharField(max_length=20, choices=QuestionKind.choices)
    required = models.BooleanField(default=False)
    choices = models.JSONField(default=list, blank=True)
    scale_min = models.SmallIntegerField(null=True, blank=True)
    scale_max = models.SmallIntegerField(null=True, blank=True)
    min_value = models.FloatField(null=True, blank=True)
    max_value = models.FloatField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["grid", "key"], name="assessment_question_key_unique_in_grid")
        ]

    def __str__(self):
        return f"{self.key}: {self.label[:60]}"

    def as_rule(self) -> dict:
        return {
            "id": self.pk,
            "key": self.key,
            "label": self.label,
            "help_text": self.help_text,
            "kind": self.kind,
            "required": self.required,
            "choices": list(self.choices or []),
            "scale_min": self.scale_min,
            "scale_max": self.scale_max,
            "min": _number(self.min_value),
            "max": _number(self.max_value),
        }


def _number(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class Assessment(models.Model):
    """One filling of one version of a grid, for a person or for a referral (exactly one of them)."""

    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="assessments")
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="assessments"
    )
    referral = models.ForeignKey(
        "admissions.Referral", null=True, blank=True, on_delete=models.PROTECT, related_name="assessments"
    )
    answers = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT, db_index=True
    )
    filled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="assessment_for_person_or_referral",
                condition=Q(person__isnull=False, referral__isnull=True)
                | Q(person__isnull=True, referral__isnull=False),
            )
        ]

    def __str__(self):
        return f"{self.grid} — évaluation n° {self.pk}"

    @property
    def subject_person_id(self) -> int | None:
        """The person whose record this assessment belongs to (directly or through the referral)."""
        if self.person_id:
            return self.person_id
        return self.referral.person_id if self.referral_id else None
