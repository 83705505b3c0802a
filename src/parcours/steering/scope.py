"""The scope of an indicator: a unit, an establishment, an organisation (a group with its members),
always intersected with what the user may see."""

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
    if kind not in KINDS or not ident.isdigit() or len(ident) > 18:
        raise Invalid({"scope": "Périmètre attendu : unit:ID, establishment:ID ou organisation:ID."})
    return kind, int(ident)


def resolve(user, value: str) -> Scope:
    """The scope's units that the user may see (404 when the scope itself is out of sight)."""
    from parcours.directory.models import Establishment, Organisation, Unit

    kind, ident = parse(value)
    visible = scoping.units_visible_to(user)
    orgs: set[int] = set()
    if kind == "unit":
        obj = visible.filter(pk=ident).first()
        if obj is None:
            raise NotFound("Unité introuvable.")
        units = Unit.objects.filter(pk=ident)
        label = obj.name
    elif kind == "establishment":
        obj = scoping.establishments_visible_to(user).filter(pk=ident).first()
        if obj is None:
            raise NotFound("Établissement introuvable.")
        units = visible.filter(establishment_id=ident)
        label = obj.name
    else:
        obj = scoping.organisations_visible_to(user).filter(pk=ident).first()
        if obj is None:
            raise NotFound("Organisation introuvable.")
        orgs = scoping._with_group_members({ident})
        units = visible.filter(establishment__organisation_id__in=orgs)
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
