"""Read side of the CPOM follow-up, always scoped.

A CPOM is an organisation's contract: who reads it holds an internal role through a membership on
its organisation or on a group the organisation belongs to (an establishment or unit membership is
not enough); partners are refused (403). Who writes: admin, director and quality
(Perm.MANAGE_QUALITY) through such an organisation-level membership. Out of scope: 404."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db.models import Prefetch, QuerySet

from parcours.access import scoping
from parcours.access.roles import Perm
from parcours.core.dates import today
from parcours.core.errors import Forbidden, Invalid, NotFound
from parcours.steering.cpom.choices import AMBER_MARGIN, COMPUTED_KEYS, RATE_KEYS, Progress, Source, Status
from parcours.steering.cpom.models import (
    Cpom,
    CpomAction,
    CpomIndicator,
    IndicatorValue,
    Stage,
    StrategicObjective,
)


def _id(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def require_reader(user) -> None:
    """403 for who holds no internal role (partners, users without membership)."""
    scoping.require(user, Perm.VIEW_RECORDS)


def managed_organisation_ids(user) -> set[int] | None:
    """Organisations whose CPOMs the user may write (None: all of them): those covered by an
    organisation-level MANAGE_QUALITY membership (on the organisation, or on a group with its
    members)."""
    return scoping.organisation_ids_at_org_level(user, Perm.MANAGE_QUALITY)


def read_organisation_ids(user) -> set[int] | None:
    """Organisations whose CPOMs the user reads (None: all of them): those covered by an
    organisation-level membership of an internal role."""
    return scoping.organisation_ids_at_org_level(user, Perm.VIEW_RECORDS)


def managed_organisations(user) -> QuerySet:
    from parcours.directory.models import Organisation

    ids = managed_organisation_ids(user)
    qs = Organisation.objects.all() if ids is None else Organisation.objects.filter(pk__in=ids)
    return qs.order_by("name")


def can_manage(user, cpom: Cpom) -> bool:
    ids = managed_organisation_ids(user)
    return ids is None or cpom.organisation_id in ids


def cpoms(user) -> QuerySet:
    """The CPOMs the user may read, newest period first."""
    require_reader(user)
    qs = Cpom.objects.select_related("organisation")
    ids = read_organisation_ids(user)
    return qs if ids is None else qs.filter(organisation_id__in=ids)


def cpom_for(user, cpom_id, perm: str | None = None) -> Cpom:
    """The CPOM if the user reads it (404 otherwise); with perm=MANAGE_QUALITY, 403 unless the user
    manages its organisation."""
    ident = _id(cpom_id)
    cpom = cpoms(user).filter(pk=ident).first() if ident else None
    if cpom is None:
        raise NotFound("CPOM introuvable.")
    if perm is not None and not can_manage(user, cpom):
        raise Forbidden()
    return cpom


def _part_for(user, model, part_id, perm, message, cpom_path):
    ident = _id(part_id)
    obj = model.objects.filter(pk=ident).first() if ident else None
    if obj is None:
        raise NotFound(message)
    cpom_id = obj
    for attr in cpom_path.split("."):
        cpom_id = getattr(cpom_id, attr)
    try:
        cpom_for(user, cpom_id, perm)
    except NotFound:
        raise NotFound(message) from None
    return obj


def objective_for(user, objective_id, perm: str | None = None) -> StrategicObjective:
    return _part_for(user, StrategicObjective, objective_id, perm, "Objectif introuvable.", "cpom_id")


def action_for(user, action_id, perm: str | None = None) -> CpomAction:
    return _part_for(user, CpomAction, action_id, perm, "Action introuvable.", "objective.cpom_id")


def stage_for(user, stage_id, perm: str | None = None) -> Stage:
    return _part_for(user, Stage, stage_id, perm, "Étape introuvable.", "action.objective.cpom_id")


def indicator_for(user, indicator_id, perm: str | None = None) -> CpomIndicator:
    return _part_for(user, CpomIndicator, indicator_id, perm, "Indicateur introuvable.", "cpom_id")


def cpom_tree(user, cpom_id) -> Cpom:
    """The CPOM with its objectives, actions, stages, indicators and values (prefetched)."""
    cpom = cpom_for(user, cpom_id)
    values = Prefetch("values", queryset=IndicatorValue.objects.order_by("year"))
    indicators = CpomIndicator.objects.prefetch_related(values)
    actions = CpomAction.objects.prefetch_related("stages", Prefetch("indicators", queryset=indicators))
    objectives = StrategicObjective.objects.prefetch_related(
        Prefetch("actions", queryset=actions), Prefetch("indicators", queryset=indicators)
    )
    return (
        Cpom.objects.select_related("organisation")
        .prefetch_related(Prefetch("objectives", queryset=objectives), "establishments")
        .get(pk=cpom.pk)
    )


# --- the programme table -------------------------------------------------------------------------


def programme(action: CpomAction, years: list[int]) -> dict:
    """The action's 'programmation prévisionnelle': one row per stage, one cell per year of the
    CPOM, marked when the stage is planned that year, with its progress when recorded."""
    labels = dict(Progress.choices)
    rows = []
    for stage in action.stages.all():
        planned = set(stage.planned_years or [])
        cells = []
        for year in years:
            progress = (stage.progress or {}).get(str(year)) or None
            cells.append(
                {
                    "year": year,
                    "planned": year in planned,
                    "progress": progress,
                    "progress_label": labels.get(progress, "") if progress else "",
                }
            )
        rows.append(
            {
                "stage": stage.pk,
                "label": stage.label,
                "expected_results": stage.expected_results,
                "cells": cells,
            }
        )
    return {
        "action": action.pk,
        "number": action.number,
        "title": action.title,
        "years": list(years),
        "calendar_start": action.calendar_start,
        "calendar_end": action.calendar_end,
        "rows": rows,
    }


def action_programme(user, action_id) -> dict:
    action = action_for(user, action_id)
    cpom = Cpom.objects.get(pk=action.objective.cpom_id)
    return programme(action, cpom.years)


# --- targets and actuals -------------------------------------------------------------------------


def decimal_or_none(value) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def status(target, actual, direction: str = "at_least") -> str | None:
    """Red/amber/green: green when the target is met (at least: actual ≥ target; at most: actual ≤
    target), amber when the actual misses it by at most 10 % of the target, red otherwise; None when
    there is no target or no actual yet."""
    target, actual = decimal_or_none(target), decimal_or_none(actual)
    if target is None or actual is None:
        return None
    margin = abs(target) * Decimal(AMBER_MARGIN)
    if direction == "at_most":
        if actual <= target:
            return Status.GREEN
        return Status.AMBER if actual <= target + margin else Status.RED
    if actual >= target:
        return Status.GREEN
    return Status.AMBER if actual >= target - margin else Status.RED


def year_period(year: int, day: date | None = None) -> tuple[date, date] | None:
    """1 January to 31 December, or to today for the current year; None for a year to come."""
    day = day or today()
    if year > day.year:
        return None
    return date(year, 1, 1), (date(year, 12, 31) if year < day.year else day)


def computed_figures(user, scope: str, year: int, cache: dict | None = None) -> tuple[dict | None, str]:
    """The platform's figures for a scope and a year, as the reader sees them through
    GET /indicators (None with a reason when there is nothing to compute)."""
    from parcours.steering.selectors import activity

    cache = {} if cache is None else cache
    if (scope, year) in cache:
        return cache[(scope, year)]
    bounds = year_period(year)
    if bounds is None:
        result = (None, "Année à venir")
    else:
        try:
            result = (activity(user, scope, bounds[0], bounds[1]), "")
        except NotFound:
            result = (None, "Périmètre hors de votre accès")
        except Invalid:
            result = (None, "Périmètre invalide")
    cache[(scope, year)] = result
    return result


def indicator_years(
    user, indicator: CpomIndicator, years: list[int], cache: dict | None = None
) -> list[dict]:
    """Per year of the CPOM: target, actual (the value entered, or the computed figure), status."""
    cache = {} if cache is None else cache
    values = {v.year: v for v in indicator.values.all()}
    out = []
    for year in years:
        target = decimal_or_none((indicator.targets or {}).get(str(year)))
        actual, comment, note, related = None, "", "", {}
        if indicator.source == Source.COMPUTED:
            figures, note = computed_figures(user, indicator.scope, year, cache)
            if figures is not None:
                if indicator.key not in figures:
                    note = "Indicateur non disponible"
                actual = decimal_or_none(figures.get(indicator.key))
                related = {k: decimal_or_none(figures.get(k)) for k in indicator.related_keys or []}
        else:
            entered = values.get(year)
            if entered is not None:
                actual, comment = entered.value, entered.comment
        out.append(
            {
                "year": year,
                "target": target,
                "actual": actual,
                "status": status(target, actual, indicator.direction or "at_least"),
                "comment": comment,
                "note": note,
                "related": related,
            }
        )
    return out


def indicator_dict(
    user, ind: CpomIndicator, objective: StrategicObjective, action: CpomAction | None, years, cache
) -> dict:
    rate = ind.key in RATE_KEYS
    cells = indicator_years(user, ind, years, cache)
    for cell in cells:
        cell["target_text"] = french_number(cell["target"], rate=rate)
        cell["actual_text"] = french_number(cell["actual"], rate=rate)
        cell["related_text"] = [
            (COMPUTED_KEYS.get(k, k), french_number(v, rate=k in RATE_KEYS))
            for k, v in cell["related"].items()
        ]
    return {
        "id": ind.pk,
        "objective": objective.number,
        "objective_id": objective.pk,
        "action": action.number if action is not None else None,
        "action_id": ind.action_id,
        "label": ind.label,
        "unit": ind.unit,
        "source": ind.source,
        "key": ind.key,
        "key_label": COMPUTED_KEYS.get(ind.key, ""),
        "related_keys": list(ind.related_keys or []),
        "scope": ind.scope,
        "direction": ind.direction,
        "is_rate": rate,
        "years": cells,
    }


def overview(user, cpom: Cpom) -> dict:
    """The whole CPOM for the page, the PDF and the workbook, from cpom_tree(): each objective with
    its own indicators and its actions, each action with its programme table and its indicators."""
    years = cpom.years
    cache: dict = {}
    objectives = []
    flat = []
    for objective in cpom.objectives.all():
        own = [indicator_dict(user, i, objective, None, years, cache) for i in objective.indicators.all()]
        flat.extend(own)
        actions = []
        for action in objective.actions.all():
            rows = [indicator_dict(user, i, objective, action, years, cache) for i in action.indicators.all()]
            actions.append({"action": action, "programme": programme(action, years), "indicators": rows})
            flat.extend(rows)
        objectives.append({"objective": objective, "indicators": own, "actions": actions})
    counts = {s: 0 for s in Status.values}
    for row in flat:
        for cell in row["years"]:
            if cell["status"]:
                counts[cell["status"]] += 1
    return {"cpom": cpom, "years": years, "objectives": objectives, "indicators": flat, "summary": counts}


def dashboard(user, cpom_id) -> dict:
    """Target vs actual per year for every indicator, with the red/amber/green status."""
    view = overview(user, cpom_tree(user, cpom_id))
    cpom = view["cpom"]
    return {
        "cpom": cpom.pk,
        "title": cpom.title,
        "years": view["years"],
        "summary": view["summary"],
        "indicators": view["indicators"],
    }


# --- display helpers (pages, PDF, Excel) ---------------------------------------------------------


def french_number(value, *, rate: bool = False) -> str:
    """A figure for reading: 0.95 → '95 %' for a rate, 1250.0000 → '1 250', 3.5 → '3,5'."""
    number = decimal_or_none(value)
    if number is None:
        return ""
    places = 1 if rate else 2
    if rate:
        number *= 100
    text = f"{number:,.{places}f}"
    integer, _, decimals = text.partition(".")
    decimals = decimals.rstrip("0")
    text = integer.replace(",", "\u202f") + ("," + decimals if decimals else "")
    return f"{text} %" if rate else text
