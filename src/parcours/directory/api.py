"""API: the offer directory (API.md — Directory)."""

from datetime import date

from django.db.models import Prefetch
from ninja import Router, Schema, Status

from parcours.access import scoping
from parcours.api.common import ERRORS, list_of, listing
from parcours.core.dates import today
from parcours.core.errors import Invalid
from parcours.core.text import fold
from parcours.directory import selectors, services
from parcours.directory.models import Commune
from parcours.directory.schemas import (
    AntennaIn,
    AntennaOut,
    CapacityIn,
    CapacityOut,
    CommuneOut,
    CommunesIn,
    EstablishmentIn,
    EstablishmentOut,
    OrganisationIn,
    OrganisationOut,
    PartnerIn,
    PartnerOut,
    UnitIn,
    UnitOut,
    VacancyOut,
)
from parcours.pathways.selectors import vacancy_on

router = Router(tags=["Offre"])


@router.get("/organisations", response={200: list_of(OrganisationOut), **ERRORS})
def list_organisations(request, limit: int = 50, offset: int = 0):
    qs = selectors.organisations(request.user).order_by("name", "id")
    return listing(qs, limit, offset)


@router.post("/organisations", response={201: OrganisationOut, **ERRORS})
def create_organisation(request, data: OrganisationIn):
    return Status(201, services.create_organisation(request.user, **data.dict()))


@router.get("/establishments", response={200: list_of(EstablishmentOut), **ERRORS})
def list_establishments(request, organisation: int | None = None, limit: int = 50, offset: int = 0):
    qs = selectors.establishments(request.user).order_by("name", "id")
    if organisation:
        qs = qs.filter(organisation_id=organisation)
    return listing(qs, limit, offset)


@router.post("/establishments", response={201: EstablishmentOut, **ERRORS})
def create_establishment(request, data: EstablishmentIn):
    return Status(201, services.create_establishment(request.user, **data.dict()))


@router.get("/units", response={200: list_of(UnitOut), **ERRORS})
def list_units(
    request, establishment: int | None = None, modality: str | None = None, limit: int = 50, offset: int = 0
):
    qs = (
        selectors.units(request.user)
        .prefetch_related(Prefetch("communes_served", queryset=Commune.objects.only("code")))
        .order_by("establishment__name", "name", "id")
    )
    if establishment:
        qs = qs.filter(establishment_id=establishment)
    if modality:
        qs = qs.filter(modality=modality)
    return listing(qs, limit, offset)


@router.post("/units", response={201: UnitOut, **ERRORS})
def create_unit(request, data: UnitIn):
    return Status(201, services.create_unit(request.user, **data.dict()))


@router.get("/units/{unit_id}", response={200: UnitOut, **ERRORS})
def get_unit(request, unit_id: int):
    return selectors.unit_detail(request.user, unit_id)


@router.post("/units/{unit_id}/capacity", response={201: CapacityOut, **ERRORS})
def add_capacity(request, unit_id: int, data: CapacityIn):
    return Status(201, services.set_capacity(request.user, unit_id, **data.dict()))


@router.get("/units/{unit_id}/vacancy", response={200: VacancyOut, **ERRORS})
def get_vacancy(request, unit_id: int, on: date | None = None):
    unit = scoping.unit_for(request.user, unit_id)
    return vacancy_on(unit, on or today())


@router.put("/units/{unit_id}/communes", response={200: UnitOut, **ERRORS})
def set_communes(request, unit_id: int, data: CommunesIn):
    services.set_communes_served(request.user, unit_id, data.communes)
    return selectors.unit_detail(request.user, unit_id)


@router.post("/units/{unit_id}/antennas", response={201: AntennaOut, **ERRORS})
def add_antenna(request, unit_id: int, data: AntennaIn):
    return Status(201, services.add_antenna(request.user, unit_id, **data.dict()))


@router.get("/partners", response={200: list_of(PartnerOut), **ERRORS})
def list_partners(request, kind: str | None = None, limit: int = 50, offset: int = 0):
    qs = selectors.partners(request.user).order_by("name", "id")
    if kind:
        qs = qs.filter(kind=kind)
    return listing(qs, limit, offset)


@router.post("/partners", response={201: PartnerOut, **ERRORS})
def create_partner(request, data: PartnerIn):
    payload = data.dict()
    return Status(201, services.create_partner(request.user, **payload))


@router.get("/communes", response={200: list_of(CommuneOut), **ERRORS})
def list_communes(
    request, search: str = "", departement: str | None = None, limit: int = 50, offset: int = 0
):
    """The INSEE communes reference (public reference data, no personal data)."""
    if len(search) > 100:
        raise Invalid({"search": "100 caractères au plus."})
    qs = Commune.objects.all()
    if departement:
        qs = qs.filter(departement=departement)
    if search.strip().isdigit():
        qs = qs.filter(code__startswith=search.strip())
    elif search.strip():
        words = fold(search).split()
        for word in words:
            qs = qs.filter(name__icontains=word)
    return listing(qs.order_by("code"), limit, offset)


class AdmissionTermsIn(Schema):
    admission_criteria: str | None = None
    admission_procedure: str | None = None
    max_emergency_days: int | None = None
    emergency_follow_up_days: int | None = None


@router.patch("/units/{unit_id}/admission", response={200: UnitOut, **ERRORS})
def set_admission_terms(request, unit_id: int, data: AdmissionTermsIn):
    """Admission criteria and procedure shown to partners, and the unit's emergency terms."""
    services.set_admission_terms(request.user, unit_id, **data.dict(exclude_unset=True))
    return selectors.unit_detail(request.user, unit_id)
