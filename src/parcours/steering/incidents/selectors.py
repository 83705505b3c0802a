"""Read side of the adverse events register, always scoped through the access layer: the incidents a
user may see, the register with its filters, the figures by category and unit, and figures() for
the activity indicators."""

from datetime import date, datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from parcours.access import scoping
from parcours.access.models import AuditAction
from parcours.access.roles import Perm
from parcours.access.services import audit
from parcours.core.errors import Forbidden, Invalid, NotFound
from parcours.steering.incidents.choices import UNCLASSIFIED, UNCLASSIFIED_LABEL, Category, Status
from parcours.steering.incidents.models import Incident

MAX_PERIOD_DAYS = 366 * 10


def _pk(value) -> int:
    try:
        value = int(value)
    except (TypeError, ValueError):
        return 0
    return value if 0 < value < 2**63 else 0


def scope_q(user, perm: str = Perm.VIEW_RECORDS) -> Q:
    """Incidents of a unit in the user's scope for the permission, or — an event of the establishment
    as a whole, no unit named — of an establishment the user's memberships cover as a whole (a
    membership on it or on its organisation): a unit's staff see their unit's events only."""
    if scoping.sees_everything(user):
        return Q()
    units = scoping.units_visible_to(user, perm).values("id")
    establishments = scoping.establishment_ids_at_level(user, perm) or set()
    return Q(unit__in=units) | Q(unit__isnull=True, establishment_id__in=establishments)


def incidents_visible_to(user, perm: str = Perm.VIEW_RECORDS) -> QuerySet:
    if not user.is_authenticated:
        return Incident.objects.none()
    return Incident.objects.filter(scope_q(user, perm))


def incident_for(user, incident_id, perms: tuple[str, ...] = (), *, lock: bool = False) -> Incident:
    """The incident if the user sees it (404 otherwise); 403 unless one of perms is granted on it."""
    pk = _pk(incident_id)
    if not pk or not incidents_visible_to(user).filter(pk=pk).exists():
        raise NotFound("Événement indésirable introuvable.")
    if perms and not any(incidents_visible_to(user, perm).filter(pk=pk).exists() for perm in perms):
        raise Forbidden()
    qs = Incident.objects.select_related("establishment__commune", "unit", "declared_by")
    if lock:
        qs = qs.select_for_update(of=("self",))
    return qs.get(pk=pk)


def require_internal(user) -> None:
    """The register is for the professionals (internal roles): 403 for a partner."""
    scoping.require(user, Perm.VIEW_RECORDS)


def check_period(start: date | None, end: date | None) -> None:
    if start and end:
        if end < start:
            raise Invalid({"to": "La fin de la période précède son début."})
        if (end - start).days > MAX_PERIOD_DAYS:
            raise Invalid({"from": "Période de dix ans au plus."})


def register(
    user,
    *,
    start: date | None = None,
    end: date | None = None,
    establishment: int | None = None,
    unit: int | None = None,
    category: str | None = None,
    serious: bool | None = None,
    status: str | None = None,
) -> QuerySet:
    """The incidents of the user's scope, newest first, filtered by period of occurrence (both ends
    included), establishment, unit, category ("unclassified" for those not yet classified), serious
    and status."""
    require_internal(user)
    check_period(start, end)
    errors = {}
    if category and category not in Category.values and category != UNCLASSIFIED:
        errors["category"] = "Catégorie inconnue."
    if status and status not in Status.values:
        errors["status"] = "Statut attendu : " + ", ".join(Status.values) + "."
    if errors:
        raise Invalid(errors)
    qs = incidents_visible_to(user)
    if start:
        qs = qs.filter(occurred_at__date__gte=start)
    if end:
        qs = qs.filter(occurred_at__date__lte=end)
    if establishment is not None:
        qs = qs.filter(establishment_id=_pk(establishment))
    if unit is not None:
        qs = qs.filter(unit_id=_pk(unit))
    if category:
        qs = qs.filter(category="" if category == UNCLASSIFIED else category)
    if serious is not None:
        qs = qs.filter(serious=serious)
    if status:
        qs = qs.filter(status=status)
    return (
        qs.select_related("establishment", "unit")
        .annotate(
            persons_count=Count("persons", distinct=True),
            actions_count=Count("actions", distinct=True),
            open_actions_count=Count("actions", filter=Q(actions__done_on__isnull=True), distinct=True),
        )
        .order_by("-occurred_at", "-id")
    )


def persons_of(incident: Incident) -> list:
    return list(incident.persons.select_related("person").order_by("id"))


def read(user, incident: Incident, *, section: str = "incident", action: str = AuditAction.VIEW) -> list:
    """The persons linked to an incident being shown (or exported): one audit event per person (one
    without a person when none is linked)."""
    links = persons_of(incident)
    if not links:
        audit(user, action, incident, section=section)
    for link in links:
        audit(user, action, incident, person=link.person_id, section=section, role=link.role)
    return links


def _by_category(qs: QuerySet) -> dict[str, int]:
    counts = {value: 0 for value in Category.values}
    counts[UNCLASSIFIED] = 0
    for row in qs.values("category").annotate(n=Count("id")).order_by():
        counts[row["category"] or UNCLASSIFIED] += row["n"]
    return counts


def figures(
    start: date, end: date, establishment_ids: set[int] | None, *, unit_ids: list[int] | None = None
) -> dict:
    """For the activity indicators: incidents occurred in [start, end] (both ends included, local
    dates) in those establishments (None: all of them) — or, with unit_ids, of those units only —,
    how many were classified serious (EIG), and the count per category (every category, zero
    included; "unclassified" for those not yet classified). Aggregate queries only."""
    qs = Incident.objects.filter(occurred_at__date__gte=start, occurred_at__date__lte=end)
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    elif establishment_ids is not None:
        qs = qs.filter(establishment_id__in=establishment_ids)
    totals = qs.aggregate(incidents=Count("id"), serious_incidents=Count("id", filter=Q(serious=True)))
    return {
        "incidents": totals["incidents"],
        "serious_incidents": totals["serious_incidents"],
        "incidents_by_category": _by_category(qs),
    }


def breakdown(
    user,
    start: date,
    end: date,
    *,
    establishment: int | None = None,
    unit: int | None = None,
) -> dict:
    """Figures of the user's scope for a period: totals, per category (with labels) and per unit
    (with the establishment; "—" for events of the establishment as a whole)."""
    qs = register(user, start=start, end=end, establishment=establishment, unit=unit).order_by()
    qs = Incident.objects.filter(pk__in=qs.values("pk"))
    totals = qs.aggregate(
        incidents=Count("id"),
        serious_incidents=Count("id", filter=Q(serious=True)),
        open_incidents=Count("id", filter=~Q(status=Status.CLOSED)),
        unreported_serious=Count("id", filter=Q(serious=True, reported_on__isnull=True)),
    )
    labels = dict(Category.choices)
    labels[UNCLASSIFIED] = UNCLASSIFIED_LABEL
    serious_by_category = {
        row["category"] or UNCLASSIFIED: row["n"]
        for row in qs.filter(serious=True).values("category").annotate(n=Count("id")).order_by()
    }
    by_category = [
        {"category": key, "label": labels[key], "count": n, "serious": serious_by_category.get(key, 0)}
        for key, n in _by_category(qs).items()
    ]
    by_unit = [
        {
            "unit": row["unit_id"],
            "name": row["unit__name"] or "Établissement (sans unité)",
            "establishment": row["establishment_id"],
            "establishment_name": row["establishment__name"],
            "count": row["n"],
            "serious": row["serious"],
        }
        for row in qs.values("unit_id", "unit__name", "establishment_id", "establishment__name")
        .annotate(n=Count("id"), serious=Count("id", filter=Q(serious=True)))
        .order_by("establishment__name", "unit__name")
    ]
    return {
        "from": start,
        "to": end,
        **totals,
        "incidents_by_category": {row["category"]: row["count"] for row in by_category},
        "by_category": by_category,
        "by_unit": by_unit,
    }


def establishments_for_declaration(user) -> QuerySet:
    """Establishments where the user may declare an event (writes records, or quality)."""
    from parcours.directory.models import Establishment

    ids = set()
    for perm in (Perm.EDIT_RECORDS, Perm.MANAGE_QUALITY):
        ids |= set(scoping.establishments_visible_to(user, perm).values_list("id", flat=True))
    return Establishment.objects.filter(pk__in=ids).order_by("name")


def units_for_declaration(user) -> QuerySet:
    from parcours.directory.models import Unit

    ids = set()
    for perm in (Perm.EDIT_RECORDS, Perm.MANAGE_QUALITY):
        ids |= set(scoping.units_visible_to(user, perm).values_list("id", flat=True))
    return (
        Unit.objects.filter(pk__in=ids)
        .select_related("establishment")
        .order_by("establishment__name", "name")
    )


def can(user, incident: Incident, perm: str) -> bool:
    return incidents_visible_to(user, perm).filter(pk=incident.pk).exists()


def informed_rows(items: list[dict]) -> list[dict]:
    """Who was informed, with the moment as a French label ("" when unknown)."""
    out = []
    for item in items or []:
        when = item.get("when") or ""
        label = ""
        if when:
            try:
                label = timezone.localtime(datetime.fromisoformat(when)).strftime("%d/%m/%Y à %H:%M")
            except (ValueError, TypeError):
                label = str(when)
        out.append({"who": item.get("who", ""), "when": label})
    return out
