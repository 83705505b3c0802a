"""Writes on CPOMs: the contract, its strategic objectives and actions, the stages of each action's
programme and their yearly progress, the indicators with their targets, and the yearly values of
the manual ones. Every write needs Perm.MANAGE_QUALITY (admin, director, quality) on the CPOM's
organisation, checks its input (years within the CPOM's period, numeric targets, a computed
indicator among the platform's keys over a scope the user sees), runs in a transaction and is
audited."""

from datetime import date

from django.db import transaction
from django.db.models import Max

from parcours.access import scoping
from parcours.access.models import AuditAction
from parcours.access.roles import Perm
from parcours.access.services import audit
from parcours.core.errors import Conflict, Forbidden, Invalid
from parcours.steering.cpom import checks, selectors
from parcours.steering.cpom.choices import COMPUTED_KEYS, Direction, Source
from parcours.steering.cpom.models import (
    Cpom,
    CpomAction,
    CpomIndicator,
    IndicatorValue,
    Stage,
    StrategicObjective,
)

MANAGE = Perm.MANAGE_QUALITY


def _next_position(qs) -> int:
    return (qs.aggregate(m=Max("position"))["m"] or 0) + 1 if qs.exists() else 0


# --- the contract --------------------------------------------------------------------------------


def create_cpom(
    actor,
    *,
    organisation: int,
    title: str,
    authority: str = "",
    start_year: int,
    end_year: int | None = None,
    signatories: list[str] | None = None,
    signed_on: date | None = None,
    establishments: list[int] | None = None,
) -> Cpom:
    """Enter a CPOM: the manager (an organisation the actor manages), the authority, the
    signatories, the period (5 years at most; 5 when only the first year is given) and the
    establishments it covers."""
    from parcours.directory.models import Organisation

    selectors.require_reader(actor)
    scoping.require(actor, MANAGE)
    errors: dict = {}
    org = None
    org_id = organisation if isinstance(organisation, int) and not isinstance(organisation, bool) else None
    if org_id is not None and 0 < org_id < 2**63:
        readable = selectors.read_organisation_ids(actor)
        if readable is None or org_id in readable:
            org = Organisation.objects.filter(pk=org_id).first()
    if org is None:
        errors["organisation"] = "Organisation introuvable."
    title = checks.clean_text(errors, "title", title, required=True, max_length=255)
    authority = checks.clean_text(errors, "authority", authority, max_length=255)
    start, end = checks.clean_period(errors, start_year, end_year)
    people = checks.clean_signatories(errors, signatories)
    found = checks.clean_establishments(errors, actor, establishments, org.pk if org else None)
    checks.raise_if(errors)
    managed = selectors.managed_organisation_ids(actor)
    if managed is not None and org.pk not in managed:
        raise Forbidden()
    with transaction.atomic():
        cpom = Cpom.objects.create(
            organisation=Organisation.objects.get(pk=org.pk),
            title=title,
            authority=authority,
            signatories=people,
            start_year=start,
            end_year=end,
            signed_on=signed_on,
            created_by=actor,
        )
        cpom.establishments.set(found)
        audit(actor, AuditAction.CREATE, cpom, organisation=org.pk, period=f"{start}-{end}")
    return cpom


def _years_in_use(cpom: Cpom) -> set[int]:
    years: set[int] = set()
    for stage in Stage.objects.filter(action__objective__cpom=cpom):
        years |= {int(y) for y in stage.planned_years or []}
        years |= {int(y) for y in (stage.progress or {})}
    for ind in cpom.indicators.all():
        years |= {int(y) for y in ind.targets or {}}
    years |= set(IndicatorValue.objects.filter(indicator__cpom=cpom).values_list("year", flat=True))
    for start, end in CpomAction.objects.filter(objective__cpom=cpom).values_list(
        "calendar_start", "calendar_end"
    ):
        years |= {y for y in (start, end) if y}
    return years


def update_cpom(actor, cpom_id: int, **changes) -> Cpom:
    """Change the title, authority, signatories, signature date, establishments or period (a period
    must still hold every year already used by stages, targets and values)."""
    cpom = selectors.cpom_for(actor, cpom_id, MANAGE)
    errors: dict = {}
    fields = {}
    if "title" in changes:
        fields["title"] = checks.clean_text(errors, "title", changes["title"], required=True, max_length=255)
    if "authority" in changes:
        fields["authority"] = checks.clean_text(errors, "authority", changes["authority"], max_length=255)
    if "signatories" in changes:
        fields["signatories"] = checks.clean_signatories(errors, changes["signatories"])
    if "signed_on" in changes:
        fields["signed_on"] = changes["signed_on"]
    if "start_year" in changes or "end_year" in changes:
        start = changes.get("start_year", cpom.start_year)
        end = changes.get("end_year", cpom.end_year if "start_year" not in changes else None)
        start, end = checks.clean_period(errors, start, end)
        if start is not None and end is not None and "end_year" not in errors:
            outside = sorted(y for y in _years_in_use(cpom) if not start <= y <= end)
            if outside:
                errors["start_year"] = "Années déjà utilisées hors de la nouvelle période : " + ", ".join(
                    str(y) for y in outside
                )
        fields["start_year"], fields["end_year"] = start, end
    found = None
    if "establishments" in changes:
        found = checks.clean_establishments(
            errors, actor, changes["establishments"] or [], cpom.organisation_id
        )
    checks.raise_if(errors)
    with transaction.atomic():
        for name, value in fields.items():
            setattr(cpom, name, value)
        if fields:
            cpom.save(update_fields=list(fields))
        if found is not None:
            cpom.establishments.set(found)
        audit(
            actor,
            AuditAction.UPDATE,
            cpom,
            fields=sorted(set(fields) | ({"establishments"} if found is not None else set())),
        )
    return cpom


# --- objectives and actions ----------------------------------------------------------------------


def _objective_number(errors: dict, value) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if isinstance(value, bool) or not 1 <= number <= 99:
        errors["number"] = "Numéro entre 1 et 99."
        return None
    return number


def add_objective(actor, cpom_id: int, *, title: str, number: int | None = None) -> StrategicObjective:
    """A strategic objective (numbered in order when no number is given)."""
    cpom = selectors.cpom_for(actor, cpom_id, MANAGE)
    errors: dict = {}
    title = checks.clean_text(errors, "title", title, required=True, max_length=500)
    number = _objective_number(errors, number)
    checks.raise_if(errors)
    with transaction.atomic():
        Cpom.objects.select_for_update().filter(pk=cpom.pk).first()
        siblings = cpom.objectives.all()
        if number is None:
            number = (siblings.aggregate(m=Max("number"))["m"] or 0) + 1
        if siblings.filter(number=number).exists():
            raise Conflict("Ce numéro d'objectif existe déjà.", [{"field": "number", "message": str(number)}])
        objective = StrategicObjective.objects.create(
            cpom=cpom, number=number, title=title, position=_next_position(siblings)
        )
        audit(actor, AuditAction.CREATE, objective, cpom=cpom.pk, number=number)
    return objective


def update_objective(actor, objective_id: int, **changes) -> StrategicObjective:
    objective = selectors.objective_for(actor, objective_id, MANAGE)
    errors: dict = {}
    fields = {}
    if "title" in changes:
        fields["title"] = checks.clean_text(errors, "title", changes["title"], required=True, max_length=500)
    if changes.get("number") is not None:
        fields["number"] = _objective_number(errors, changes["number"])
    checks.raise_if(errors)
    with transaction.atomic():
        if (
            "number" in fields
            and StrategicObjective.objects.filter(cpom_id=objective.cpom_id, number=fields["number"])
            .exclude(pk=objective.pk)
            .exists()
        ):
            raise Conflict("Ce numéro d'objectif existe déjà.", [{"field": "number", "message": ""}])
        for name, value in fields.items():
            setattr(objective, name, value)
        if fields:
            objective.save(update_fields=list(fields))
        audit(actor, AuditAction.UPDATE, objective, cpom=objective.cpom_id, fields=sorted(fields))
    return objective


ACTION_TEXTS = ("pilot", "context", "objectives", "means", "implementation", "partners")


def _action_fields(errors: dict, changes: dict, cpom: Cpom, *, creating: bool) -> dict:
    fields = {}
    if creating or "number" in changes:
        number = checks.clean_text(errors, "number", changes.get("number"), required=True, max_length=20)
        if number and not checks.ACTION_NUMBER.match(number):
            errors["number"] = "Numéro attendu comme 1, 1.2 ou 2.1.3."
        fields["number"] = number
    if creating or "title" in changes:
        fields["title"] = checks.clean_text(
            errors, "title", changes.get("title"), required=True, max_length=500
        )
    for name in ACTION_TEXTS:
        if creating or name in changes:
            fields[name] = checks.clean_text(
                errors, name, changes.get(name), max_length=500 if name == "pilot" else checks.MAX_TEXT
            )
    for name in ("calendar_start", "calendar_end"):
        if creating or name in changes:
            fields[name] = checks.clean_year(errors, name, changes.get(name), cpom, required=False)
    start, end = fields.get("calendar_start"), fields.get("calendar_end")
    if start and end and end < start:
        errors["calendar_end"] = "La fin précède le début."
    return fields


def add_action(actor, objective_id: int, **data) -> CpomAction:
    """An action of a strategic objective: number (1.1), title, pilot, context, objectives, means,
    implementation, partners, and the calendar (first and last year)."""
    objective = selectors.objective_for(actor, objective_id, MANAGE)
    cpom = objective.cpom
    errors: dict = {}
    unknown = set(data) - {"number", "title", "calendar_start", "calendar_end", *ACTION_TEXTS}
    for name in unknown:
        errors[name] = "Champ inconnu."
    fields = _action_fields(errors, data, cpom, creating=True)
    checks.raise_if(errors)
    with transaction.atomic():
        StrategicObjective.objects.select_for_update().filter(pk=objective.pk).first()
        siblings = objective.actions.all()
        if siblings.filter(number=fields["number"]).exists():
            raise Conflict(
                "Ce numéro d'action existe déjà.", [{"field": "number", "message": fields["number"]}]
            )
        action = CpomAction.objects.create(objective=objective, position=_next_position(siblings), **fields)
        audit(actor, AuditAction.CREATE, action, cpom=cpom.pk, number=action.number)
    return action


def update_action(actor, action_id: int, **changes) -> CpomAction:
    action = selectors.action_for(actor, action_id, MANAGE)
    cpom = action.objective.cpom
    errors: dict = {}
    changes = {k: v for k, v in changes.items() if v is not None}
    fields = _action_fields(errors, changes, cpom, creating=False)
    start = fields.get("calendar_start", action.calendar_start)
    end = fields.get("calendar_end", action.calendar_end)
    if start and end and end < start and "calendar_end" not in errors:
        errors["calendar_end"] = "La fin précède le début."
    checks.raise_if(errors)
    with transaction.atomic():
        if (
            "number" in fields
            and CpomAction.objects.filter(objective_id=action.objective_id, number=fields["number"])
            .exclude(pk=action.pk)
            .exists()
        ):
            raise Conflict(
                "Ce numéro d'action existe déjà.", [{"field": "number", "message": fields["number"]}]
            )
        for name, value in fields.items():
            setattr(action, name, value)
        if fields:
            action.save(update_fields=list(fields))
        audit(actor, AuditAction.UPDATE, action, cpom=cpom.pk, fields=sorted(fields))
    return action


# --- stages --------------------------------------------------------------------------------------


def add_stage(
    actor,
    action_id: int,
    *,
    label: str,
    planned_years: list[int] | None = None,
    expected_results: str = "",
    progress: dict | None = None,
) -> Stage:
    """A stage of the action's programme with the years it is planned for (within the CPOM)."""
    action = selectors.action_for(actor, action_id, MANAGE)
    cpom = action.objective.cpom
    errors: dict = {}
    label = checks.clean_text(errors, "label", label, required=True, max_length=500)
    expected_results = checks.clean_text(errors, "expected_results", expected_results)
    years = checks.clean_years(errors, "planned_years", planned_years, cpom)
    marks = {y: s for y, s in checks.clean_progress(errors, progress, cpom).items() if s}
    checks.raise_if(errors)
    with transaction.atomic():
        stage = Stage.objects.create(
            action=action,
            label=label,
            expected_results=expected_results,
            planned_years=years,
            progress=dict(sorted(marks.items())),
            position=_next_position(action.stages.all()),
        )
        audit(actor, AuditAction.CREATE, stage, cpom=cpom.pk, cpom_action=action.pk, planned_years=years)
    return stage


def update_stage(
    actor,
    stage_id: int,
    *,
    label: str | None = None,
    expected_results: str | None = None,
    planned_years: list[int] | None = None,
    progress: dict | None = None,
) -> Stage:
    """Record the progress of a stage year by year ({"2025": "done"}; null removes a year's mark)
    and, when given, change its label, expected results or planned years."""
    stage = selectors.stage_for(actor, stage_id, MANAGE)
    cpom = stage.action.objective.cpom
    errors: dict = {}
    fields = {}
    if label is not None:
        fields["label"] = checks.clean_text(errors, "label", label, required=True, max_length=500)
    if expected_results is not None:
        fields["expected_results"] = checks.clean_text(errors, "expected_results", expected_results)
    if planned_years is not None:
        fields["planned_years"] = checks.clean_years(errors, "planned_years", planned_years, cpom)
    marks = checks.clean_progress(errors, progress, cpom)
    checks.raise_if(errors)
    with transaction.atomic():
        stage = Stage.objects.select_for_update().get(pk=stage.pk)
        if progress is not None:
            merged = dict(stage.progress or {})
            for year, mark in marks.items():
                if mark:
                    merged[year] = mark
                else:
                    merged.pop(year, None)
            fields["progress"] = dict(sorted(merged.items()))
        for name, value in fields.items():
            setattr(stage, name, value)
        if fields:
            stage.save(update_fields=list(fields))
        audit(
            actor,
            AuditAction.UPDATE,
            stage,
            cpom=cpom.pk,
            fields=sorted(fields),
            progress={k: v for k, v in marks.items()},
        )
    return stage


# --- indicators ----------------------------------------------------------------------------------


INDICATOR_FIELDS = ("label", "unit", "source", "key", "related_keys", "scope", "direction", "targets")


def _indicator_fields(errors: dict, actor, data: dict, cpom: Cpom, current: CpomIndicator | None) -> dict:
    """Check an indicator's fields, the current ones filling what a partial update leaves out."""

    def pick(name, default):
        if name in data and data[name] is not None:
            return data[name]
        return getattr(current, name) if current is not None else default

    fields = {}
    fields["label"] = checks.clean_text(errors, "label", pick("label", ""), required=True, max_length=500)
    fields["unit"] = checks.clean_text(errors, "unit", pick("unit", ""), max_length=100)
    source = pick("source", Source.MANUAL) or Source.MANUAL
    if source not in Source.values:
        errors["source"] = "Source attendue : manual ou computed."
    fields["source"] = source
    direction = pick("direction", "") or ""
    if direction not in ("", *Direction.values):
        errors["direction"] = "Sens attendu : at_least ou at_most."
    fields["direction"] = direction
    key = pick("key", "") or ""
    related = pick("related_keys", []) or []
    scope = pick("scope", "") or ""
    if source == Source.COMPUTED:
        if key not in COMPUTED_KEYS:
            errors["key"] = "Indicateur calculé attendu : " + ", ".join(COMPUTED_KEYS) + "."
        if not isinstance(related, (list, tuple)) or any(k not in COMPUTED_KEYS for k in related):
            errors["related_keys"] = "Indicateurs calculés attendus : " + ", ".join(COMPUTED_KEYS) + "."
            related = []
        if "scope" in data or current is None or current.source != Source.COMPUTED or not scope:
            scope = checks.clean_scope(errors, actor, scope, cpom)
    else:
        if key:
            errors["key"] = "Seulement pour un indicateur calculé (source computed)."
        if scope:
            errors["scope"] = "Seulement pour un indicateur calculé (source computed)."
        if related:
            errors["related_keys"] = "Seulement pour un indicateur calculé (source computed)."
        key, scope, related = "", "", []
    fields["key"], fields["scope"] = key, scope
    fields["related_keys"] = list(dict.fromkeys(related))
    if "targets" in data and data["targets"] is not None:
        fields["targets"] = checks.clean_targets(errors, data["targets"], cpom, key)
    elif current is None:
        fields["targets"] = {}
    elif key != current.key:
        fields["targets"] = checks.clean_targets(errors, current.targets, cpom, key)
    return fields


def add_indicator(actor, *, action: int | None = None, objective: int | None = None, **data) -> CpomIndicator:
    """An indicator of an action (or of a strategic objective): label, unit, source — 'manual'
    (a value entered each year) or 'computed' (a platform key over a scope) —, comparison direction
    and targets per year."""
    if (action is None) == (objective is None):
        raise Invalid({"action": "Indiquez l'action ou l'objectif stratégique de l'indicateur."})
    if action is not None:
        parent_action = selectors.action_for(actor, action, MANAGE)
        parent_objective = None
        cpom = parent_action.objective.cpom
        siblings = parent_action.indicators.all()
    else:
        parent_action = None
        parent_objective = selectors.objective_for(actor, objective, MANAGE)
        cpom = parent_objective.cpom
        siblings = parent_objective.indicators.all()
    errors: dict = {}
    for name in set(data) - set(INDICATOR_FIELDS):
        errors[name] = "Champ inconnu."
    fields = _indicator_fields(errors, actor, data, cpom, None)
    checks.raise_if(errors)
    with transaction.atomic():
        indicator = CpomIndicator.objects.create(
            cpom=cpom,
            action=parent_action,
            objective=parent_objective,
            position=_next_position(siblings),
            **fields,
        )
        audit(
            actor,
            AuditAction.CREATE,
            indicator,
            cpom=cpom.pk,
            source=indicator.source,
            key=indicator.key,
            scope=indicator.scope,
        )
    return indicator


def update_indicator(actor, indicator_id: int, **changes) -> CpomIndicator:
    """Change an indicator (its targets most often). A manual indicator with values entered keeps
    its source."""
    indicator = selectors.indicator_for(actor, indicator_id, MANAGE)
    cpom = indicator.cpom
    errors: dict = {}
    for name in set(changes) - set(INDICATOR_FIELDS):
        errors[name] = "Champ inconnu."
    fields = _indicator_fields(errors, actor, changes, cpom, indicator)
    checks.raise_if(errors)
    if fields["source"] != indicator.source and indicator.values.exists():
        raise Conflict(
            "Des valeurs ont été saisies pour cet indicateur : sa source ne change pas.",
            [{"field": "source", "message": indicator.source}],
        )
    with transaction.atomic():
        for name, value in fields.items():
            setattr(indicator, name, value)
        indicator.save(update_fields=list(fields))
        audit(
            actor,
            AuditAction.UPDATE,
            indicator,
            cpom=cpom.pk,
            fields=sorted(k for k in changes if k in fields),
        )
    return indicator


def record_value(actor, indicator_id: int, year: int, *, value, comment: str = "") -> IndicatorValue:
    """Enter (or correct) the actual of a manual indicator for a year of the CPOM."""
    indicator = selectors.indicator_for(actor, indicator_id, MANAGE)
    cpom = indicator.cpom
    errors: dict = {}
    year = checks.clean_year(errors, "year", year, cpom)
    number = checks.clean_number(errors, "value", value)
    comment = checks.clean_text(errors, "comment", comment, max_length=2000)
    checks.raise_if(errors)
    if indicator.source != Source.MANUAL:
        raise Conflict(
            "Indicateur calculé : sa valeur vient de la plateforme.",
            [{"field": "source", "message": indicator.source}],
        )
    with transaction.atomic():
        entry, created = IndicatorValue.objects.update_or_create(
            indicator=indicator,
            year=year,
            defaults={"value": number, "comment": comment, "entered_by": actor},
        )
        audit(
            actor,
            AuditAction.CREATE if created else AuditAction.UPDATE,
            entry,
            cpom=cpom.pk,
            indicator=indicator.pk,
            year=year,
            value=str(number),
        )
    return entry
