"""Read side of intake: referral lists, matches of a referral to vacant places, waiting lists."""

import math
from datetime import date

from django.db.models import Prefetch, Q

from parcours.access import scoping
from parcours.admissions.models import Decision, Referral
from parcours.admissions.services import candidate_units, referral_for
from parcours.core.dates import age_at, today
from parcours.directory.models import Commune, Unit
from parcours.pathways.models import Stay
from parcours.pathways.selectors import occupying_q
from parcours.people.models import Relationship


def referrals(user, *, status: str | None = None, unit: int | None = None, emergency: bool | None = None):
    qs = scoping.referrals_visible_to(user, Referral.objects.all())
    if status:
        qs = qs.filter(status=status)
    if unit:
        qs = qs.filter(Q(target_units=unit) | Q(decisions__unit=unit))
    if emergency is not None:
        qs = qs.filter(emergency=emergency)
    return (
        qs.distinct()
        .select_related("person", "organisation")
        .prefetch_related(
            "target_units", Prefetch("decisions", queryset=Decision.objects.select_related("unit"))
        )
        .order_by("-emergency", "received_on", "id")
    )


def distance_km(a, b) -> float | None:
    """Great-circle distance between two communes (haversine), None when a position is unknown."""
    if a is None or b is None or None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(h))


NEAR_KM = 150
LARGE_SEARCH = 300  # a group's or a département's units are all scored; a national search starts near home


def _near_first(units, person, known: set) -> list[int] | None:
    """For a search among hundreds of units (a national view): the ids of the units within about
    NEAR_KM of the person's home (a bounding box on the communes' positions) and of those the child
    or the siblings know; None (all the units) when none of them is near or the home is unknown.
    Keeps the search fast and the proposals close to the family."""
    commune = person.commune
    if commune is None or commune.latitude is None or commune.longitude is None:
        return None
    dlat = NEAR_KM / 111.0
    dlon = NEAR_KM / (111.0 * max(0.2, math.cos(math.radians(commune.latitude))))
    around = Commune.objects.filter(
        latitude__range=(commune.latitude - dlat, commune.latitude + dlat),
        longitude__range=(commune.longitude - dlon, commune.longitude + dlon),
    ).values("code")
    box = Q(establishment__commune_id__in=around)
    near = list(units.filter(box | Q(pk__in=[pk for pk in known if pk])).values_list("pk", flat=True))
    return near or None


def score_unit(unit, person, *, served, sibling_units, sibling_referred, previous, previous_ests, waited):
    """The score of a unit for a person, with its reasons: distance, siblings in the unit or referred
    together, continuity with a previous unit or establishment, territory served, waiting time."""
    score, reasons = 0.0, []
    km = distance_km(person.commune, unit.establishment.commune)
    if km is not None:
        score += max(0.0, 30.0 - km / 5)
        reasons.append(f"à {km:.0f} km du domicile")
    if unit.pk in sibling_units:
        score += 25
        reasons.append("fratrie déjà accueillie dans l'unité")
    elif unit.pk in sibling_referred:
        score += 10
        reasons.append("fratrie orientée ensemble")
    if unit.pk in previous:
        score += 15
        reasons.append("continuité : déjà accueilli dans l'unité")
    elif unit.establishment_id in previous_ests:
        score += 8
        reasons.append("continuité : déjà accueilli dans l'établissement")
    if person.commune_id and person.commune_id in served:
        score += 15
        reasons.append("commune desservie par l'unité")
    if waited:
        score += min(20.0, waited / 10)
        reasons.append(f"en attente depuis {waited} jours")
    return score, reasons


def matches(
    user,
    referral_id: int,
    on: date | None = None,
    *,
    vacancies: dict | None = None,
    within: set[int] | None = None,
) -> list[dict]:
    """Units whose modality, public, age range (age on the date) and sex fit the referral and that
    have a vacant place on that date, ranked by a score whose reasons are given: distance, siblings
    in the unit or referred together, continuity with a previous unit, territory served, waiting time."""
    referral = referral_for(user, referral_id)
    # an emergency referral looks for a place tonight
    day = on or (today() if referral.emergency else referral.wished_date)
    person = referral.person
    age = age_at(person.birth_date, day)
    units = (
        candidate_units(referral)
        .filter(modality=referral.modality, public=referral.public, age_min__lte=age, age_max__gt=age)
        .filter(sex__in=["any", person.sex])
        .select_related("establishment__commune")
    )
    siblings = list(
        Relationship.objects.filter(person=person, kind="sibling").values_list("relative_id", flat=True)
    )
    sibling_units = set(
        Stay.objects.filter(occupying_q(day), person_id__in=siblings).values_list("unit_id", flat=True)
    )
    sibling_referred = set(
        Referral.objects.filter(
            person_id__in=siblings, status__in=["received", "under_review", "accepted", "waiting_list"]
        ).values_list("target_units", flat=True)
    )
    previous = set(Stay.objects.filter(person=person, start_date__lt=day).values_list("unit_id", flat=True))
    current = set(Stay.objects.filter(occupying_q(day), person=person).values_list("unit_id", flat=True))
    previous_ests = set(Unit.objects.filter(pk__in=previous).values_list("establishment_id", flat=True))
    waited = max(0, (today() - referral.received_on).days)
    results = []
    if within is not None:
        units = units.filter(pk__in=within)
    else:
        # the candidates' ids once: the queries below then work on a plain list of units
        ids = list(units.values_list("pk", flat=True))
        if len(ids) > LARGE_SEARCH:
            ids = _near_first(units, person, previous | sibling_units | sibling_referred) or ids
        units = Unit.objects.filter(pk__in=ids).select_related("establishment__commune")
    if vacancies is None:
        from parcours.pathways.selectors import vacancies_on

        computed = vacancies_on(units, day, exclude_referral=referral.pk)
        # only the units with a vacant place are loaded and scored
        units = units.filter(pk__in=[pk for pk, v in computed.items() if v["vacant"] >= 1])
    units = list(units)
    # the units serving the person's commune (not every served commune of every unit)
    serving = set(
        Unit.communes_served.through.objects.filter(
            unit_id__in=[u.pk for u in units], commune_id=person.commune_id
        ).values_list("unit_id", flat=True)
    )
    for unit in units:
        if vacancies is not None:
            vacancy = {"vacant": vacancies.get(unit.pk, 0)}
        else:
            vacancy = computed.get(unit.pk, {"vacant": 0})
        if vacancy["vacant"] < 1 or unit.pk in current:
            continue
        score, reasons = score_unit(
            unit,
            person,
            served={person.commune_id} if unit.pk in serving else set(),
            sibling_units=sibling_units,
            sibling_referred=sibling_referred,
            previous=previous,
            previous_ests=previous_ests,
            waited=waited,
        )
        results.append(
            {
                "unit": unit.pk,
                "unit_name": unit.name,
                "score": round(score, 2),
                "vacant": vacancy["vacant"],
                "reasons": reasons,
            }
        )
    return sorted(results, key=lambda r: (-r["score"], r["unit"]))


def waiting_list(user, unit_id: int) -> list[dict]:
    """Referrals waiting for a unit (accepted or on its waiting list, not yet admitted), emergency
    first, then by date of the decision, with rank and days waited."""
    unit = scoping.unit_for(user, unit_id)
    decisions = (
        Decision.objects.filter(
            unit=unit,
            decision__in=["accepted", "waiting_list"],
            referral__status__in=["accepted", "waiting_list"],
        )
        .select_related("referral__person")
        .order_by("-referral__emergency", "decided_on", "id")
    )
    day = today()
    return [
        {
            "rank": rank,
            "referral": d.referral_id,
            "person": d.referral.person_id,
            "decision": d.decision,
            "emergency": d.referral.emergency,
            "decided_on": d.decided_on,
            "waiting_days": (day - d.decided_on).days,
        }
        for rank, d in enumerate(decisions, start=1)
    ]


OPEN_FOR_ALLOCATION = ["received", "under_review", "accepted", "waiting_list"]


def allocation(user, scope: str, on: date) -> dict:
    """Proposed assignment of the waiting referrals to the vacant places of an organisation (with its
    group's members) on a date: most children placed first, then the highest total score. Solved as
    an assignment problem (SciPy's linear_sum_assignment) over referrals × vacant places. Only for
    the users whose memberships cover the organisation as a whole (404 otherwise)."""
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    from parcours.access.scoping import _with_group_members
    from parcours.access.services import parse_scope
    from parcours.core.errors import Invalid, NotFound

    kind, org = parse_scope(scope)
    if kind != "organisation":
        raise Invalid({"scope": "La proposition se fait pour une organisation : organisation:ID."})
    # the group's allocation weighs every unit and waiting referral of the organisation: it needs a
    # membership covering the organisation as a whole (on it, or on a group it belongs to)
    if not scoping.covers_organisation(user, org.pk):
        raise NotFound("Organisation introuvable.")
    orgs = _with_group_members({org.pk})
    units = list(scoping.units_visible_to(user).filter(establishment__organisation_id__in=orgs))
    from parcours.pathways.selectors import vacancies_on

    vacancies = {
        pk: v["vacant"]
        for pk, v in vacancies_on(Unit.objects.filter(pk__in=[u.pk for u in units]), on).items()
    }
    slots = [unit_id for unit_id, n in sorted(vacancies.items()) for _ in range(max(0, n))]
    waiting = list(
        referrals(user).filter(status__in=OPEN_FOR_ALLOCATION).order_by("-emergency", "received_on", "id")
    )
    options = batch_options(waiting, units, vacancies, on)
    candidates = [r.pk for r in waiting if r.pk in options]
    unplaced = [r.pk for r in waiting if r.pk not in options]
    if not candidates or not slots:
        return {"on": on, "assignments": [], "unplaced": [r.pk for r in waiting]}
    top = max(max(o.values()) for o in options.values()) + 1
    big = top * (len(candidates) + 1)  # one more child placed always outweighs any score difference
    weights = np.zeros((len(candidates), len(slots)))
    for i, referral_id in enumerate(candidates):
        for j, unit_id in enumerate(slots):
            if unit_id in options[referral_id]:
                weights[i, j] = big + options[referral_id][unit_id]
    rows, cols = linear_sum_assignment(weights, maximize=True)
    assignments = []
    placed = set()
    for i, j in zip(rows, cols, strict=True):
        if weights[i, j] > 0:
            assignments.append(
                {"referral": candidates[i], "unit": slots[j], "score": options[candidates[i]][slots[j]]}
            )
            placed.add(candidates[i])
    unplaced += [r for r in candidates if r not in placed]
    return {
        "on": on,
        "assignments": sorted(assignments, key=lambda a: a["referral"]),
        "unplaced": sorted(unplaced),
    }


def batch_options(waiting: list, units: list, vacancies: dict, on: date) -> dict[int, dict[int, float]]:
    """The scores of every waiting referral for every unit with a vacant place that fits it (the same
    rules and score as matches), read in a fixed number of queries whatever the number of referrals:
    the units' data once, the persons' siblings, stays and referrals in bulk."""
    from parcours.people.models import Person

    unit_by_id = {
        u.pk: u
        for u in Unit.objects.filter(pk__in=[u.pk for u in units if vacancies.get(u.pk, 0) >= 1])
        .select_related("establishment__commune")
        .prefetch_related("communes_served")
    }
    served = {pk: {c.pk for c in u.communes_served.all()} for pk, u in unit_by_id.items()}
    person_ids = {r.person_id for r in waiting}
    persons = {p.pk: p for p in Person.objects.filter(pk__in=person_ids).select_related("commune")}
    siblings: dict[int, set] = {}
    for pid, rel in Relationship.objects.filter(person_id__in=person_ids, kind="sibling").values_list(
        "person_id", "relative_id"
    ):
        siblings.setdefault(pid, set()).add(rel)
    relatives = set().union(*siblings.values()) if siblings else set()
    occupying: dict[int, set] = {}
    for pid, unit_id in Stay.objects.filter(
        occupying_q(on), person_id__in=person_ids | relatives
    ).values_list("person_id", "unit_id"):
        occupying.setdefault(pid, set()).add(unit_id)
    referred: dict[int, set] = {}
    for pid, unit_id in Referral.objects.filter(
        person_id__in=relatives, status__in=["received", "under_review", "accepted", "waiting_list"]
    ).values_list("person_id", "target_units"):
        referred.setdefault(pid, set()).add(unit_id)
    previous: dict[int, set] = {}
    for pid, unit_id, est_id in Stay.objects.filter(person_id__in=person_ids, start_date__lt=on).values_list(
        "person_id", "unit_id", "unit__establishment_id"
    ):
        previous.setdefault(pid, set()).add((unit_id, est_id))
    targets: dict[int, set] = {}
    for rid, unit_id in Referral.target_units.through.objects.filter(
        referral_id__in=[r.pk for r in waiting]
    ).values_list("referral_id", "unit_id"):
        targets.setdefault(rid, set()).add(unit_id)
    org_units: dict[int, set] = {}
    for org_id in {r.organisation_id for r in waiting if r.organisation_id and r.pk not in targets}:
        from parcours.access.scoping import _with_group_members

        orgs = _with_group_members({org_id})
        org_units[org_id] = {pk for pk, u in unit_by_id.items() if u.establishment.organisation_id in orgs}
    options = {}
    for referral in waiting:
        person = persons[referral.person_id]
        age = age_at(person.birth_date, on)
        if referral.pk in targets:
            candidates = targets[referral.pk]
        elif referral.organisation_id:
            candidates = org_units[referral.organisation_id]
        else:
            candidates = set(unit_by_id)
        sib = siblings.get(person.pk, set())
        sibling_units = set().union(*(occupying.get(r, set()) for r in sib)) if sib else set()
        sibling_referred = set().union(*(referred.get(r, set()) for r in sib)) if sib else set()
        prev = previous.get(person.pk, set())
        waited = max(0, (today() - referral.received_on).days)
        found = {}
        for unit_id in candidates:
            unit = unit_by_id.get(unit_id)
            if (
                unit is None
                or unit.modality != referral.modality
                or unit.public != referral.public
                or not unit.age_min <= age < unit.age_max
                or unit.sex not in ("any", person.sex)
                or unit_id in occupying.get(person.pk, set())
            ):
                continue
            score, _ = score_unit(
                unit,
                person,
                served=served[unit_id],
                sibling_units=sibling_units,
                sibling_referred=sibling_referred,
                previous={u for u, _ in prev},
                previous_ests={e for _, e in prev},
                waited=waited,
            )
            found[unit_id] = round(score, 2)
        if found:
            options[referral.pk] = found
    return options


def shared_offer(day: date):
    """The offer shared with partners: every unit with its public, ages, modality, territory,
    admission criteria and procedure, and today's vacancies — counts only, no personal data."""
    from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    from parcours.directory.selectors import capacity_subquery
    from parcours.pathways.selectors import occupied_subquery

    held = Coalesce(
        Subquery(
            Decision.objects.filter(
                unit_id=OuterRef("pk"), decision="accepted", decided_on__lte=day, referral__status="accepted"
            )
            .order_by()
            .values("unit_id")
            .annotate(n=Count("id"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )
    units = (
        Unit.objects.filter(opened_on__lte=day)
        .exclude(closed_on__lte=day)
        .select_related("establishment__organisation", "establishment__commune")
        .prefetch_related("communes_served")
        .annotate(
            capacity_today=capacity_subquery(day), occupied_today=occupied_subquery(day), held_today=held
        )
        .order_by("establishment__organisation__name", "establishment__name", "name")
    )
    rows = []
    for u in units:
        capacity = u.capacity_today or 0
        rows.append(
            {
                "unit": u.pk,
                "name": u.name,
                "establishment": u.establishment.name,
                "organisation": u.establishment.organisation.name,
                "commune": u.establishment.commune.name,
                "modality": u.modality,
                "modality_label": u.get_modality_display(),
                "public": u.public,
                "public_label": u.get_public_display(),
                "age_min": u.age_min,
                "age_max": u.age_max,
                "sex": u.sex,
                "territory": [c.name for c in u.communes_served.all()],
                "admission_criteria": u.admission_criteria,
                "admission_procedure": u.admission_procedure,
                "capacity": capacity,
                "vacant": max(0, capacity - u.occupied_today - u.held_today),
            }
        )
    return rows
