"""The offer: organisations, establishments (FINESS), units with capacity history, territories,
antennas and partners."""

from datetime import date

from django.db import models
from django.db.models import Q

from parcours.core.validators import validate_finess, validate_insee_commune
from parcours.directory.choices import Modality, OrganisationKind, PartnerKind, Public, UnitSex


class Commune(models.Model):
    """INSEE commune (reference data loaded from data/communes.csv.gz)."""

    code = models.CharField(max_length=5, primary_key=True)
    name = models.CharField(max_length=100)
    departement = models.CharField(max_length=3, db_index=True)
    population = models.PositiveIntegerField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        # the communes around a home (matching's national search): a range scan on the latitude
        indexes = [models.Index(fields=["latitude", "longitude"], name="commune_position")]
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.departement})"


class Organisation(models.Model):
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    finess_ej = models.CharField(max_length=9, blank=True, validators=[validate_finess])
    member_of = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="members", limit_choices_to={"kind": "group"}
    )
    address = models.CharField(max_length=255, blank=True)
    commune = models.ForeignKey(Commune, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Establishment(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="establishments")
    name = models.CharField(max_length=200)
    finess_et = models.CharField(max_length=9, blank=True, validators=[validate_finess])
    category = models.CharField(max_length=100, blank=True)
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="establishments", validators=[validate_insee_commune]
    )
    address = models.CharField(max_length=255, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["finess_et"], condition=~Q(finess_et=""), name="unique_finess_et")
        ]

    def __str__(self):
        return self.name


class Unit(models.Model):
    """A unit (service, dispositif) of an establishment, with its authorised capacity over time."""

    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="units")
    name = models.CharField(max_length=200)
    modality = models.CharField(max_length=30, choices=Modality.choices)
    public = models.CharField(max_length=30, choices=Public.choices)
    age_min = models.PositiveSmallIntegerField(default=0)
    age_max = models.PositiveSmallIntegerField(default=21)
    sex = models.CharField(max_length=3, choices=UnitSex.choices, default=UnitSex.ANY)
    opening_days = models.PositiveSmallIntegerField(default=365)
    opened_on = models.DateField(default=date(2000, 1, 1))
    closed_on = models.DateField(null=True, blank=True)
    communes_served = models.ManyToManyField(Commune, blank=True, related_name="units_serving")
    description = models.TextField(blank=True)
    # Shared with partners (the département's scheme: mutual knowledge of the offer).
    admission_criteria = models.TextField(blank=True)
    admission_procedure = models.TextField(blank=True)
    # Emergency placements: longest emergency stay, and the orientation decision expected after it.
    max_emergency_days = models.PositiveSmallIntegerField(default=30)
    emergency_follow_up_days = models.PositiveSmallIntegerField(default=3)

    class Meta:
        ordering = ["establishment__name", "name"]
        constraints = [
            models.CheckConstraint(name="unit_age_range", condition=Q(age_min__lte=models.F("age_max"))),
            models.CheckConstraint(
                name="unit_opening_days", condition=Q(opening_days__gte=1, opening_days__lte=366)
            ),
        ]

    def __str__(self):
        return self.name

    def capacity_on(self, day: date) -> int:
        """Authorised capacity in force on a day (capacity history); 0 before the first period."""
        period = self.capacities.filter(valid_from__lte=day).order_by("-valid_from").first()
        return period.capacity if period else 0


class UnitCapacity(models.Model):
    """One period of the capacity history: capacity in force from valid_from until the next one."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="capacities")
    capacity = models.PositiveIntegerField()
    valid_from = models.DateField()
    reason = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["unit", "valid_from"]
        constraints = [models.UniqueConstraint(fields=["unit", "valid_from"], name="unique_capacity_period")]

    def __str__(self):
        return f"{self.unit_id}: {self.capacity} places au {self.valid_from}"


class Antenna(models.Model):
    """A place where the unit's professionals work (e.g. a room lent by a school under agreement)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="antennas")
    name = models.CharField(max_length=200)
    address = models.CharField(max_length=255, blank=True)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+")
    host = models.CharField(max_length=200, blank=True, help_text="école, collège, mairie…")
    agreement = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Partner(models.Model):
    """An external partner: département services, MDPH, PJJ, courts, schools, hospitals."""

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=PartnerKind.choices)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="partner_records"
    )
    commune = models.ForeignKey(Commune, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    address = models.CharField(max_length=255, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class PartnerContact(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    function = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)

    def __str__(self):
        return self.name
