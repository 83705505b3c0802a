"""The CPOM 2024–2028 of the seed document (the association Accueil Millau Ségur with the
Conseil départemental de l'Aveyron) entered through the services: its 4 strategic objectives, 9
actions with every field, the stages of each 'programmation prévisionnelle' with their planned
years, and its 46 indicators with targets. The indicators the platform computes (occupancy of the
residential services, emergency admissions against the département's requests, young people
supported and lengths of stay, ethics committee meetings, practice-analysis sessions) are bound to
the scope given; the others are entered by hand, with values for the past years. Adverse events,
which the seed sets as an objective of the quality action without an indicator of its own, are
followed at the level of the first strategic objective (no target).

The targets and yearly values are demo figures: the seed document states none."""

import json
from datetime import date
from pathlib import Path

from parcours.steering.cpom import services
from parcours.steering.cpom.choices import Progress, Source

SEED = Path(__file__).parent / "data" / "cpom_accueil_millau_segur.json"


def seed_data() -> dict:
    """The seed CPOM as data: objectives → actions (fields, stages, indicators)."""
    return json.loads(SEED.read_text(encoding="utf-8"))


def _demo_progress(planned_years: list[int], this_year: int) -> dict:
    """Past planned years done, the current one in progress (a demo follow-up)."""
    marks = {}
    for year in planned_years:
        if year < this_year:
            marks[str(year)] = Progress.DONE
        elif year == this_year:
            marks[str(year)] = Progress.IN_PROGRESS
    return marks


def _indicator(user, scope: str, target: dict, spec: dict):
    fields = {
        "label": spec["label"],
        "unit": spec.get("unit", ""),
        "source": spec["source"],
        "direction": spec.get("direction", ""),
        "targets": spec.get("targets", {}),
    }
    if spec["source"] == Source.COMPUTED:
        fields.update(key=spec["key"], related_keys=spec.get("related_keys", []), scope=scope)
    indicator = services.add_indicator(user, **target, **fields)
    for year, entry in spec.get("values", {}).items():
        if not isinstance(entry, dict):
            entry = {"value": entry, "comment": ""}
        services.record_value(user, indicator.pk, int(year), value=entry["value"], comment=entry["comment"])
    return indicator


def demo_cpom(
    organisation, establishments: list, scope_for_occupancy: str, user, *, today: date | None = None
):
    """Enter the whole seed CPOM for the organisation (the manager) and its establishments, binding
    the computed indicators to scope_for_occupancy (e.g. "establishment:ID"), as the user (who must
    manage the organisation: admin, director or quality). Returns the Cpom."""
    from parcours.core.dates import today as current_day

    this_year = (today or current_day()).year
    data = seed_data()
    cpom = services.create_cpom(
        user,
        organisation=organisation.pk,
        title=data["title"],
        authority=data["authority"],
        start_year=data["start_year"],
        end_year=data["end_year"],
        signatories=data["signatories"],
        signed_on=date.fromisoformat(data["signed_on"]),
        establishments=[e.pk for e in establishments],
    )
    for spec in data["objectives"]:
        objective = services.add_objective(user, cpom.pk, number=spec["number"], title=spec["title"])
        for ind in spec.get("indicators", []):
            _indicator(user, scope_for_occupancy, {"objective": objective.pk}, ind)
        for act in spec["actions"]:
            action = services.add_action(
                user,
                objective.pk,
                number=act["number"],
                title=act["title"],
                pilot=act["pilot"],
                context=act["context"],
                objectives=act["objectives"],
                means=act["means"],
                implementation=act["implementation"],
                partners=act["partners"],
                calendar_start=act["calendar_start"],
                calendar_end=act["calendar_end"],
            )
            for stage in act["stages"]:
                services.add_stage(
                    user,
                    action.pk,
                    label=stage["label"],
                    planned_years=stage["planned_years"],
                    progress=_demo_progress(stage["planned_years"], this_year),
                )
            for ind in act["indicators"]:
                _indicator(user, scope_for_occupancy, {"action": action.pk}, ind)
    return cpom
