import datetime as dt
from datetime import date, datetime

from ninja import Field, Schema


class PersonIn(Schema):
    first_name: str
    last_name: str
    birth_date: date
    sex: str
    commune: str | None = None
    birth_name: str = ""
    nir: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    home_establishment: int | None = None
    allow_duplicate: bool = Field(
        False, description="créer malgré des doublons probables (après vérification)"
    )


class PersonPatch(Schema):
    """The fields sent are changed; null only clears the commune (the other columns are required)."""

    first_name: str = None
    last_name: str = None
    birth_name: str = None
    birth_date: date = None
    sex: str = None
    commune: str | None = None
    nir: str = None
    address: str = None
    phone: str = None
    email: str = None


class PersonOut(Schema):
    id: int
    first_name: str
    last_name: str
    birth_name: str
    birth_date: date
    sex: str
    age: int
    commune: str | None = Field(None, alias="commune_id")
    home_establishment: int | None = Field(None, alias="home_establishment_id")
    archived_at: datetime | None
    merged_into: int | None = Field(None, alias="merged_into_id")


class PersonDetailOut(PersonOut):
    nir: str
    address: str
    phone: str
    email: str
    created_at: datetime


class RelationshipIn(Schema):
    relative: int
    kind: str
    parental_authority: bool = False
    notes: str = ""


class RelationshipOut(Schema):
    id: int
    person: int = Field(..., alias="person_id")
    relative: int = Field(..., alias="relative_id")
    relative_name: str
    kind: str
    parental_authority: bool
    notes: str

    @staticmethod
    def resolve_relative_name(obj):
        return str(obj.relative)


class MeasureIn(Schema):
    kind: str
    start_date: date
    end_date: date | None = None
    authority: int | None = None
    reference: str = ""
    details: str = ""


class MeasurePatch(Schema):
    """The fields sent are changed; null only reopens the end date (the other columns are required)."""

    kind: str = None
    start_date: date = None
    end_date: date | None = None
    reference: str = None
    details: str = None


class MeasureOut(Schema):
    id: int
    person: int = Field(..., alias="person_id")
    kind: str
    authority: int | None = Field(None, alias="authority_id")
    start_date: date
    end_date: date | None
    reference: str
    details: str


class NoteIn(Schema):
    text: str
    date: dt.date | None = None
    confidentiality: str = "team"


class NoteOut(Schema):
    id: int
    person: int = Field(..., alias="person_id")
    author: int | None = Field(None, alias="author_id")
    date: dt.date
    text: str
    confidentiality: str
    created_at: datetime


class DocumentOut(Schema):
    id: int
    person: int = Field(..., alias="person_id")
    kind: str
    title: str
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime
    document_date: date | None
    retention_until: date | None


class DocumentShareIn(Schema):
    organisation: int


class DocumentShareOut(Schema):
    document: int = Field(..., alias="document_id")
    organisation: int = Field(..., alias="organisation_id")
    shared_at: datetime


class ChangeOut(Schema):
    at: datetime
    actor: int | None = Field(None, alias="actor_id")
    model: str
    object_id: int
    field: str
    old_value: str
    new_value: str


class MergeIn(Schema):
    merged: int = Field(..., description="id du dossier en double, fusionné dans celui-ci")
