"""Read side of steering: the indicator set for a scope and a period, the monthly trends, the
comparison between units, and the drill-down to the stays or referrals behind a figure (scoped)."""

from datetime import date

from django.db.models import Q

from parcours.access import scoping
from parcours.core.dates import today
from parcours.core.errors import Invalid
from parcours.directory.models import Unit
from parcours.steering import indicators
from parcours.steering.scope import Scope, resolve

MAX_PERIOD_DAYS = 366 * 10


def period(start: date | None, end: date | None) -> tuple[date, date]:
    """The period asked for (default: the current calendar year up to today), validated."""
    day = today()
    start = start or date(day.year, 1, 1)
    end = end or day
    if end < start:
        raise Invalid({"to": "La fin de la période précède son début."})
    if (end - start).days > MAX_PERIOD_DAYS:
        raise Invalid({"from": "Période de dix ans au plus."})
    return start, end


def plan_figures(scope: Scope, start: date, end: date) -> dict:
    """Persons present in the scope's units at the end of the period, those with no overdue plan
    deadline then (share with an up-to-date plan), and the overdue deadlines (drafts past their due
    date and not signed by then; signed plans past their review date, with no signed amendment)."""
    from parcours.pathways.models import Stay
    from parcours.plans.models import Plan

    present = (
        Stay.objects.filter(unit__in=scope.unit_queryset.values("id"), start_date__lte=end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=end))
        .values("person_id")
    )
    overdue = Plan.objects.filter(person__in=present).filter(
        Q(due_date__lt=end) & (Q(signed_on__isnull=True) | Q(signed_on__gt=end)) & ~Q(status="superseded")
        | Q(status="signed", next_review_date__lt=end, amendment__isnull=True)
    )
    persons = present.distinct().count()
    late_persons = overdue.values("person_id").distinct().count()
    share = (
        indicators.Decimal(persons - late_persons) / persons if persons else indicators.Decimal(0)
    ).quantize(indicators.FOUR)
    return {
        "persons_present": persons,
        "plans_up_to_date_share": share,
        "overdue_plans": overdue.count(),
    }


def activity(user, scope_value: str, start: date | None = None, end: date | None = None) -> dict:
    """The full indicator set (API.md) plus plans, incidents and meetings."""
    start, end = period(start, end)
    scope = resolve(user, scope_value)
    out = {"scope": scope.key, "label": scope.label, "from": start, "to": end}
    out.update(indicators.activity(scope.units, start, end))
    out.update(plan_figures(scope, start, end))
    out.update(extra_figures(scope, start, end))
    return out


def extra_figures(scope: Scope, start: date, end: date) -> dict:
    """Counts from the adverse events and meetings registers (when those apps provide them). A unit's
    figures count its own events only, and no meeting (meetings are held for an establishment or an
    organisation, whose figures a unit's staff do not read); see meeting_holders."""
    out = {}
    unit_ids = list(scope.unit_queryset.values_list("id", flat=True)) if scope.kind == "unit" else None
    try:
        from parcours.steering.incidents.selectors import figures as incident_figures
    except ImportError:
        incident_figures = None
    if incident_figures is not None:
        out.update(incident_figures(start, end, scope.establishment_ids, unit_ids=unit_ids))
    try:
        from parcours.steering.meetings.selectors import figures as meeting_figures
    except ImportError:
        meeting_figures = None
    if meeting_figures is not None and scope.kind != "unit":
        out.update(meeting_figures(start, end, *meeting_holders(scope)))
    return out


def meeting_holders(scope: Scope) -> tuple[set[int], set[int]]:
    """(organisations, establishments) whose meetings make a scope's figures: an organisation's own
    meetings and its establishments'; an establishment's own meetings only (its organisation's
    meetings as a whole are the organisation's figures); none for a unit."""
    if scope.kind == "unit":
        return set(), set()
    orgs = set(scope.organisation_ids) if scope.kind == "organisation" else set()
    return orgs, set(scope.establishment_ids)


def trend(user, scope_value: str, start: date | None = None, end: date | None = None) -> list[dict]:
    start, end = period(start, end)
    scope = resolve(user, scope_value)
    return indicators.monthly(scope.units, start, end)


def comparison(
    user, scope_value: str, start: date | None = None, end: date | None = None, *, limit: int | None = None
) -> list[dict]:
    """The main figures unit by unit within the scope (the first `limit` units, by establishment and
    name, when a limit is given: only their figures are computed)."""
    start, end = period(start, end)
    scope = resolve(user, scope_value)
    units = list(
        scope.unit_queryset.order_by("establishment__name", "name", "pk").values_list(
            "pk", "name", "establishment__name"
        )[:limit]
    )
    unit_set = scope.units
    if limit is not None:
        unit_set = indicators.UnitSet.of(Unit.objects.filter(pk__in=[u[0] for u in units]))
    per_unit = indicators.by_unit(unit_set, start, end)
    rows = []
    for pk, name, establishment in units:
        figures = per_unit.get(pk) or indicators.empty_unit_figures()
        rows.append({"unit": pk, "name": name, "establishment": establishment, **figures})
    return rows


DRILLS = {
    "active_caseload",
    "admissions",
    "exits",
    "emergency_admissions",
    "referrals_received",
    "emergency_requests",
    "waiting_list_size",
}


def drilldown(user, scope_value: str, figure: str, start: date | None = None, end: date | None = None):
    """The stays or referrals behind a figure, within the user's scope (personal data: the caller
    audits)."""
    from parcours.admissions.models import Referral
    from parcours.pathways.models import Stay

    if figure not in DRILLS:
        raise Invalid({"figure": "Indicateur attendu : " + ", ".join(sorted(DRILLS)) + "."})
    start, end = period(start, end)
    scope = resolve(user, scope_value)
    units = scope.unit_queryset.values("id")
    stays = Stay.objects.filter(unit__in=units).select_related("person", "unit")
    if figure == "active_caseload":
        day = min(end, today())
        qs = stays.filter(start_date__lte=min(end, day)).filter(
            Q(end_date__isnull=True) | Q(end_date__gt=start) | Q(end_date=start, start_date=start)
        )
        return "stays", qs.order_by("unit__name", "start_date")
    if figure == "admissions":
        return "stays", stays.filter(start_date__range=(start, end)).order_by("start_date")
    if figure == "exits":
        return "stays", stays.filter(end_date__range=(start, end)).order_by("end_date")
    if figure == "emergency_admissions":
        return "stays", stays.filter(start_date__range=(start, end)).filter(
            Q(emergency=True) | Q(referral__emergency=True)
        ).order_by("start_date")
    referrals = scoping.referrals_visible_to(user, Referral.objects.all()).select_related("person")
    in_scope = Q(target_units__in=units)
    if scope.kind == "organisation":
        in_scope |= Q(target_units__isnull=True, organisation_id__in=scope.organisation_ids)
    referrals = referrals.filter(in_scope).distinct()
    if figure in ("referrals_received", "emergency_requests"):
        qs = referrals.filter(received_on__range=(start, end))
        if figure == "emergency_requests":
            qs = qs.filter(emergency=True)
        return "referrals", qs.order_by("received_on")
    waiting = (
        referrals.filter(
            decisions__unit__in=units,
            decisions__decision__in=["accepted", "waiting_list"],
            decisions__decided_on__lte=end,
        )
        .exclude(Q(status="admitted") & (Q(stay__isnull=True) | Q(stay__start_date__lte=end)))
        .exclude(status__in=["refused", "withdrawn"], closed_on__lte=end)
    )
    return "referrals", waiting.order_by("received_on")


def default_scope(user) -> str | None:
    """The widest scope the user's memberships cover as a whole: a group, else an organisation, else
    an establishment, else a unit."""
    from parcours.directory.models import Establishment, Organisation

    orgs = scoping.organisation_ids_at_org_level(user)
    covered = Organisation.objects.all() if orgs is None else Organisation.objects.filter(pk__in=orgs)
    organisation = covered.filter(kind="group").order_by("id").first() or covered.order_by("id").first()
    if organisation is not None:
        return f"organisation:{organisation.pk}"
    ests = scoping.establishment_ids_at_level(user)
    establishment = (
        (Establishment.objects.all() if ests is None else Establishment.objects.filter(pk__in=ests))
        .order_by("id")
        .first()
    )
    if establishment is not None:
        return f"establishment:{establishment.pk}"
    unit = scoping.units_visible_to(user).order_by("id").first()
    return f"unit:{unit.pk}" if unit is not None else None


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)
