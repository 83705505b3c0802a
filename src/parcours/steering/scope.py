"""The scope of an indicator: a unit, an establishment, an organisation (a group with its members),
which the user's memberships must cover as a whole."""

from dataclasses import dataclass

from parcours.access import scoping
from parcours.core.errors import Invalid, NotFound
from parcours.steering.indicators import UnitSet

KINDS = {"unit", "establishment", "organisation"}


@dataclass
class Scope:
    kind: str
    id: int
    label: str
    units: UnitSet
    unit_queryset: object
    establishment_ids: set
    organisation_ids: set

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


def parse(value: str) -> tuple[str, int]:
    kind, _, ident = (value or "").partition(":")
    if kind not in KINDS or not ident.isdecimal() or len(ident) > 18:
        raise Invalid({"scope": "Périmètre attendu : unit:ID, establishment:ID ou organisation:ID."})
    return kind, int(ident)


def resolve(user, value: str) -> Scope:
    """The scope's units, when the user's memberships cover the whole scope (404 otherwise): a unit
    in its scope; an establishment through a membership on it or on its organisation; an organisation
    through a membership on it or on a group it belongs to. A unit's staff read their unit's figures,
    not their establishment's or organisation's (scoping.establishment_ids_at_level,
    scoping.organisation_ids_at_org_level)."""
    from parcours.directory.models import Establishment, Organisation, Unit

    kind, ident = parse(value)
    orgs: set[int] = set()
    if kind == "unit":
        obj = scoping.units_visible_to(user).filter(pk=ident).first()
        if obj is None:
            raise NotFound("Unité introuvable.")
        units = Unit.objects.filter(pk=ident)
        label = obj.name
    elif kind == "establishment":
        covered = scoping.establishment_ids_at_level(user)
        obj = Establishment.objects.filter(pk=ident).first() if covered is None or ident in covered else None
        if obj is None:
            raise NotFound("Établissement introuvable.")
        units = Unit.objects.filter(establishment_id=ident)
        label = obj.name
    else:
        obj = (
            Organisation.objects.filter(pk=ident).first()
            if scoping.covers_organisation(user, ident)
            else None
        )
        if obj is None:
            raise NotFound("Organisation introuvable.")
        orgs = scoping._with_group_members({ident})
        units = Unit.objects.filter(establishment__organisation_id__in=orgs)
        label = obj.name
    ids = Unit.objects.filter(pk__in=units.values("id"))
    establishments = set(
        Establishment.objects.filter(units__in=ids.values("id")).values_list("id", flat=True).distinct()
    )
    if kind == "establishment":
        establishments.add(ident)
    if kind != "organisation":
        orgs = set(
            Organisation.objects.filter(establishments__id__in=establishments).values_list("id", flat=True)
        )
    return Scope(
        kind=kind,
        id=ident,
        label=label,
        units=UnitSet.of(ids, organisation_ids=orgs if kind == "organisation" else ()),
        unit_queryset=ids,
        establishment_ids=establishments,
        organisation_ids=orgs,
    )
