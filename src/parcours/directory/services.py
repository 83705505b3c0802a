"""Writes on the offer: organisations, establishments, units, capacity history, territories,
antennas and partners. Each function is one transaction, checks scope, and audits."""

import csv
import gzip
from datetime import date
from pathlib import Path

from django.db import IntegrityError, transaction

from parcours.access import scoping
from parcours.access.models import AuditAction
from parcours.access.roles import Perm, Role
from parcours.access.services import audit
from parcours.core.dates import today
from parcours.core.errors import Conflict, Forbidden, Invalid
from parcours.core.services import clean, pick
from parcours.core.validators import validate_insee_commune
from parcours.directory.choices import FINESS_CATEGORIES, OrganisationKind
from parcours.directory.models import (
    Antenna,
    Commune,
    Establishment,
    Organisation,
    Partner,
    PartnerContact,
    Unit,
    UnitCapacity,
)

DATA_DIR = Path(__file__).resolve().parent / "data"


def load_communes(path: Path | None = None, departements: set[str] | None = None) -> int:
    """Load (or refresh) the INSEE communes reference table from our compressed CSV."""
    path = path or DATA_DIR / "communes.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        rows = [
            Commune(
                code=row["code"],
                name=row["name"],
                departement=row["departement"],
                population=int(row["population"]) if row["population"] else None,
                latitude=float(row["latitude"]) if row["latitude"] else None,
                longitude=float(row["longitude"]) if row["longitude"] else None,
            )
            for row in csv.DictReader(handle)
            if not departements or row["departement"] in departements
        ]
    with transaction.atomic():
        Commune.objects.bulk_create(
            rows,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name", "departement", "population", "latitude", "longitude"],
        )
    return len(rows)


def _commune(code, field: str = "commune", required: bool = True) -> Commune | None:
    if code in (None, "") and not required:
        return None
    try:
        validate_insee_commune(code or "")
    except Exception:  # noqa: BLE001 - reported as a field error
        raise Invalid(
            {field: "Code commune INSEE invalide : 5 caractères (département puis 3 chiffres)."}
        ) from None
    commune = Commune.objects.filter(code=code).first()
    if commune is None:
        raise Invalid({field: f"Commune {code} inconnue du référentiel INSEE."})
    return commune


def _require_org_scope(actor, organisation: Organisation) -> None:
    orgs = scoping.organisation_ids(actor, Perm.MANAGE_OFFER)
    if orgs is not None and organisation.pk not in orgs:
        raise Forbidden("Cette organisation est hors de votre périmètre de gestion.")


def create_organisation(
    actor,
    *,
    name: str,
    kind: str,
    finess_ej: str = "",
    member_of: list[int] | None = None,
    commune: str | None = None,
) -> Organisation:
    """A group admin registers an organisation (an association, a group, a département…)."""
    if not (scoping.sees_everything(actor) or Role.ADMIN in scoping.roles_of(actor)):
        raise Forbidden("Seul un administrateur du groupement peut créer une organisation.")
    groups = []
    for index, group_id in enumerate(member_of or []):
        group = pick(Organisation, group_id, f"member_of[{index}]", "Groupement")
        if group.kind != OrganisationKind.GROUP:
            raise Invalid({f"member_of[{index}]": "Cette organisation n'est pas un groupement."})
        _require_org_scope(actor, group)
        groups.append(group)
    org = Organisation(
        name=(name or "").strip(),
        kind=kind,
        finess_ej=(finess_ej or "").strip().upper(),
        commune=_commune(commune, required=False),
    )
    clean(org)
    with transaction.atomic():
        org.save()
        org.member_of.set(groups)
        audit(actor, AuditAction.CREATE, org)
    scoping.forget(actor)
    return org


def create_establishment(
    actor,
    *,
    organisation: int,
    name: str,
    commune: str,
    finess_et: str = "",
    category: str = "",
    address: str = "",
) -> Establishment:
    """Register an establishment of an organisation in the actor's scope (FINESS validated)."""
    org = pick(
        Organisation, organisation, "organisation", "Organisation", scoping.organisations_visible_to(actor)
    )
    _require_org_scope(actor, org)
    category = (category or "").strip()
    if category.isdigit() and category not in FINESS_CATEGORIES:
        raise Invalid({"category": "Code de catégorie FINESS inconnu."})
    est = Establishment(
        organisation=org,
        name=(name or "").strip(),
        finess_et=(finess_et or "").strip().upper(),
        category=FINESS_CATEGORIES.get(category, category),
        commune=_commune(commune),
        address=address or "",
    )
    clean(est)
    with transaction.atomic():
        est.save()
        audit(actor, AuditAction.CREATE, est)
    return est


def create_unit(
    actor,
    *,
    establishment: int,
    name: str,
    modality: str,
    public: str,
    capacity: int,
    age_min: int = 0,
    age_max: int = 21,
    opening_days: int = 365,
    sex: str = "any",
    opened_on: date | None = None,
    description: str = "",
) -> Unit:
    """Create a unit with its first capacity period (valid from its opening date)."""
    est = pick(
        Establishment,
        establishment,
        "establishment",
        "Établissement",
        scoping.establishments_visible_to(actor),
    )
    if not scoping.establishments_visible_to(actor, Perm.MANAGE_OFFER).filter(pk=est.pk).exists():
        raise Forbidden("Vous ne gérez pas l'offre de cet établissement.")
    if capacity is None or capacity < 0:
        raise Invalid({"capacity": "La capacité doit être un entier positif ou nul."})
    unit = Unit(
        establishment=est,
        name=(name or "").strip(),
        modality=modality,
        public=public,
        age_min=age_min,
        age_max=age_max,
        opening_days=opening_days,
        sex=sex,
        opened_on=opened_on or today(),
        description=description,
    )
    clean(unit)
    with transaction.atomic():
        unit.save()
        UnitCapacity.objects.create(
            unit=unit, capacity=capacity, valid_from=unit.opened_on, reason="Ouverture"
        )
        audit(actor, AuditAction.CREATE, unit, capacity=capacity)
    return unit


def set_capacity(actor, unit_id: int, *, capacity: int, valid_from: date, reason: str = "") -> UnitCapacity:
    """Add a period to the unit's capacity history: the new capacity applies from valid_from."""
    unit = scoping.unit_for(actor, unit_id, Perm.MANAGE_OFFER)
    if capacity is None or capacity < 0:
        raise Invalid({"capacity": "La capacité doit être un entier positif ou nul."})
    if valid_from is None:
        raise Invalid({"valid_from": "Date d'effet obligatoire."})
    try:
        with transaction.atomic():
            period = UnitCapacity.objects.create(
                unit=unit, capacity=capacity, valid_from=valid_from, reason=reason
            )
            audit(actor, AuditAction.UPDATE, unit, capacity=capacity, valid_from=valid_from.isoformat())
    except IntegrityError:
        raise Conflict(
            "Une capacité est déjà enregistrée à cette date d'effet.",
            [{"field": "valid_from", "message": "Une période commence déjà à cette date."}],
        ) from None
    return period


def set_communes_served(actor, unit_id: int, codes: list[str]) -> Unit:
    """Replace the list of communes a unit serves (its territory)."""
    unit = scoping.unit_for(actor, unit_id, Perm.MANAGE_OFFER)
    communes = [_commune(code, f"communes[{i}]") for i, code in enumerate(codes)]
    with transaction.atomic():
        unit.communes_served.set(communes)
        audit(actor, AuditAction.UPDATE, unit, communes_served=len(communes))
    return unit


def add_antenna(
    actor, unit_id: int, *, name: str, commune: str, address: str = "", host: str = "", agreement: str = ""
) -> Antenna:
    """Record a place where the unit's professionals work (a room lent by a school, a town hall…)."""
    unit = scoping.unit_for(actor, unit_id, Perm.MANAGE_OFFER)
    antenna = Antenna(
        unit=unit,
        name=(name or "").strip(),
        commune=_commune(commune),
        address=address,
        host=host,
        agreement=agreement,
    )
    clean(antenna)
    with transaction.atomic():
        antenna.save()
        audit(actor, AuditAction.CREATE, antenna, unit=unit.pk)
    return antenna


def create_partner(
    actor,
    *,
    name: str,
    kind: str,
    commune: str | None = None,
    address: str = "",
    phone: str = "",
    email: str = "",
    organisation: int | None = None,
    contacts: list[dict] | None = None,
) -> Partner:
    """Register a partner (département service, MDPH, PJJ, court, school, hospital) and its contacts."""
    scoping.require(actor, Perm.MANAGE_OFFER)
    org = pick(Organisation, organisation, "organisation", "Organisation") if organisation else None
    partner = Partner(
        name=(name or "").strip(),
        kind=kind,
        commune=_commune(commune, required=False),
        address=address,
        phone=phone,
        email=email,
        organisation=org,
    )
    clean(partner)
    contact_objs = []
    for index, item in enumerate(contacts or []):
        contact = PartnerContact(
            partner=partner, **{k: item.get(k, "") for k in ("name", "function", "phone", "email")}
        )
        try:
            clean(contact, exclude=["partner"])
        except Invalid as exc:
            for err in exc.errors:
                err["field"] = f"contacts[{index}].{err['field']}"
            raise
        contact_objs.append(contact)
    with transaction.atomic():
        partner.save()
        for contact in contact_objs:
            contact.partner = partner
            contact.save()
        audit(actor, AuditAction.CREATE, partner)
    return partner


def set_admission_terms(
    actor,
    unit_id: int,
    *,
    admission_criteria: str | None = None,
    admission_procedure: str | None = None,
    max_emergency_days: int | None = None,
    emergency_follow_up_days: int | None = None,
) -> Unit:
    """The unit's head of service (or its managers) edits what partners see: admission criteria and
    procedure, and the emergency terms (longest emergency stay, days before the orientation decision)."""
    unit = scoping.unit_for(actor, unit_id, Perm.MANAGE_OFFER)
    errors = {}
    if max_emergency_days is not None and not 1 <= max_emergency_days <= 365:
        errors["max_emergency_days"] = "Entre 1 et 365 jours."
    if emergency_follow_up_days is not None and not 1 <= emergency_follow_up_days <= 90:
        errors["emergency_follow_up_days"] = "Entre 1 et 90 jours."
    if errors:
        raise Invalid(errors)
    changed = []
    for name, value in (
        ("admission_criteria", admission_criteria),
        ("admission_procedure", admission_procedure),
        ("max_emergency_days", max_emergency_days),
        ("emergency_follow_up_days", emergency_follow_up_days),
    ):
        if value is not None and getattr(unit, name) != value:
            setattr(unit, name, value.strip() if isinstance(value, str) else value)
            changed.append(name)
    if changed:
        with transaction.atomic():
            unit.save(update_fields=changed)
            audit(actor, AuditAction.UPDATE, unit, fields=changed)
    return unit
