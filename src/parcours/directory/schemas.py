from datetime import date

from ninja import Field, Schema


class OrganisationIn(Schema):
    name: str
    kind: str
    finess_ej: str = ""
    member_of: list[int] = []
    commune: str | None = None


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    finess_ej: str
    member_of: list[int]
    commune: str | None = Field(None, alias="commune_id")

    @staticmethod
    def resolve_member_of(obj):
        return [g.pk for g in obj.member_of.all()]


class EstablishmentIn(Schema):
    organisation: int
    name: str
    finess_et: str = ""
    category: str = ""
    commune: str
    address: str = ""


class EstablishmentOut(Schema):
    id: int
    organisation: int = Field(..., alias="organisation_id")
    name: str
    finess_et: str
    category: str
    commune: str = Field(..., alias="commune_id")
    commune_name: str = Field(..., alias="commune.name")
    address: str


class UnitIn(Schema):
    establishment: int
    name: str
    modality: str
    public: str
    capacity: int
    age_min: int = 0
    age_max: int = 21
    opening_days: int = 365
    sex: str = "any"
    opened_on: date | None = None
    description: str = ""


class UnitOut(Schema):
    id: int
    establishment: int = Field(..., alias="establishment_id")
    name: str
    modality: str
    public: str
    capacity: int
    age_min: int
    age_max: int
    opening_days: int
    sex: str
    opened_on: date
    closed_on: date | None
    communes_served: list[str]
    admission_criteria: str
    admission_procedure: str
    max_emergency_days: int
    emergency_follow_up_days: int

    @staticmethod
    def resolve_capacity(obj):
        value = getattr(obj, "current_capacity", None)
        if value is None:
            from parcours.core.dates import today

            value = obj.capacity_on(today())
        return value

    @staticmethod
    def resolve_communes_served(obj):
        return [c.pk for c in obj.communes_served.all()]


class CapacityIn(Schema):
    capacity: int
    valid_from: date
    reason: str = ""


class CapacityOut(Schema):
    id: int
    unit: int = Field(..., alias="unit_id")
    capacity: int
    valid_from: date
    reason: str


class VacancyOut(Schema):
    unit: int
    on: date
    capacity: int
    occupied: int
    held: int
    vacant: int


class CommunesIn(Schema):
    communes: list[str]


class AntennaIn(Schema):
    name: str
    commune: str
    address: str = ""
    host: str = ""
    agreement: str = ""


class AntennaOut(Schema):
    id: int
    unit: int = Field(..., alias="unit_id")
    name: str
    commune: str = Field(..., alias="commune_id")
    address: str
    host: str
    agreement: str


class ContactSchema(Schema):
    name: str
    function: str = ""
    phone: str = ""
    email: str = ""


class PartnerIn(Schema):
    name: str
    kind: str
    commune: str | None = None
    address: str = ""
    phone: str = ""
    email: str = ""
    organisation: int | None = None
    contacts: list[ContactSchema] = []


class PartnerOut(Schema):
    id: int
    name: str
    kind: str
    commune: str | None = Field(None, alias="commune_id")
    address: str
    phone: str
    email: str
    organisation: int | None = Field(None, alias="organisation_id")
    contacts: list[ContactSchema]

    @staticmethod
    def resolve_contacts(obj):
        return list(obj.contacts.all())


class CommuneOut(Schema):
    code: str
    name: str
    departement: str
    latitude: float | None
    longitude: float | None
