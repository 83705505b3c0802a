"""The dossier unique: persons, family ties, measures, documents, notes and field-level history."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from parcours.core.dates import age_at, today
from parcours.core.text import fold
from parcours.core.validators import validate_nir
from parcours.people.choices import (
    DocumentKind,
    MeasureKind,
    NoteConfidentiality,
    RelationshipKind,
    Sex,
)


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user, perm: str = "view_records"):
        """The persons this user may see (the one scoping rule, see access.scoping)."""
        from parcours.access.scoping import persons_visible_to

        return persons_visible_to(user, self, perm)

    def active(self):
        return self.filter(archived_at__isnull=True, merged_into__isnull=True)


class Person(models.Model):
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    birth_name = models.CharField(max_length=100, blank=True)
    birth_date = models.DateField(db_index=True)
    sex = models.CharField(max_length=1, choices=Sex.choices)
    commune = models.ForeignKey(
        "directory.Commune", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(max_length=255, blank=True)
    nir = models.CharField(max_length=15, blank=True, validators=[validate_nir])
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    # The establishment that registered the record: it sees it even before any stay.
    home_establishment = models.ForeignKey(
        "directory.Establishment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    search_name = models.CharField(max_length=255, editable=False, db_index=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self):
        return f"{self.last_name.upper()} {self.first_name}"

    def save(self, *args, **kwargs):
        self.search_name = fold(f"{self.last_name} {self.first_name} {self.birth_name}").strip()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | {"search_name"}
        super().save(*args, **kwargs)

    @property
    def age(self) -> int:
        return age_at(self.birth_date, today())

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Relationship(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships")
    relative = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=RelationshipKind.choices)
    parental_authority = models.BooleanField(default=False)
    notes = models.CharField(max_length=255, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "relative", "kind"], name="unique_relationship"),
            models.CheckConstraint(name="relationship_not_self", condition=~Q(person=models.F("relative"))),
        ]

    def __str__(self):
        return f"{self.person_id} {self.kind} {self.relative_id}"


class Measure(models.Model):
    """A legal or administrative measure: ASE, judicial, PJJ, MDPH orientation, young adult contract."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField(max_length=30, choices=MeasureKind.choices)
    authority = models.ForeignKey(
        "directory.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    reference = models.CharField(max_length=100, blank=True)
    details = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                name="measure_dates",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
            )
        ]

    def is_active_on(self, day) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)

    def __str__(self):
        return f"{self.get_kind_display()} ({self.start_date})"


class Document(models.Model):
    """A file of the record, encrypted at rest, served only through an audited view."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    title = models.CharField(max_length=200)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=100, unique=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    document_date = models.DateField(null=True, blank=True)
    retention_until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.title


class DocumentShare(models.Model):
    """A document a unit explicitly shares with a partner organisation (the département's ASE
    service holding the measure, the MDPH…): that partner's referents may then read it. Nothing else
    of the establishment's file reaches the partner."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="shares")
    organisation = models.ForeignKey("directory.Organisation", on_delete=models.CASCADE, related_name="+")
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    shared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "organisation"], name="document_share_once")
        ]

    def __str__(self):
        return f"{self.document_id} → {self.organisation_id}"


class Note(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    date = models.DateField()
    text = models.TextField()
    confidentiality = models.CharField(
        max_length=20, choices=NoteConfidentiality.choices, default=NoteConfidentiality.TEAM
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-created_at"]

    def __str__(self):
        return f"Note du {self.date} ({self.person_id})"


class RecordChange(models.Model):
    """Field-level history of a record: who changed which field, when, from what to what."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    model = models.CharField(max_length=50)
    object_id = models.BigIntegerField()
    field = models.CharField(max_length=50)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.model}.{self.field} {self.at:%Y-%m-%d}"
