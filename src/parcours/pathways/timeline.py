"""A person's pathway: referrals, decisions, stays and measures in date order, and the ruptures —
a gap between two stays while a placement measure runs, an exit without solution, a referral
refused by every unit while no other referral is open."""

from datetime import date, timedelta

from django.apps import apps

from parcours.pathways.models import Stay
from parcours.people.choices import PLACEMENT_MEASURES
from parcours.people.models import Measure

RUPTURE_LABELS = {
    "gap_during_placement": "Interruption entre deux accueils alors qu'une mesure de placement court",
    "exit_no_solution": "Sortie sans solution",
    "refused_everywhere": "Orientation refusée partout, sans autre orientation en cours",
}


def ruptures(stays: list, measures: list, referrals: list) -> list[dict]:
    out = []
    placements = [m for m in measures if m.kind in PLACEMENT_MEASURES]
    ordered = sorted(stays, key=lambda s: (s.start_date, s.pk))
    covered_until = None  # last day (exclusive) covered by a stay so far
    for stay in ordered:
        if covered_until is not None and stay.start_date > covered_until:
            gap_start, gap_end = covered_until, stay.start_date
            if any(
                m.start_date < gap_end and (m.end_date is None or m.end_date >= gap_start) for m in placements
            ):
                out.append({"from": gap_start, "to": gap_end, "reason": "gap_during_placement"})
        end = stay.end_date if stay.end_date is not None else date.max
        if stay.end_date is not None and stay.end_date == stay.start_date:
            end = stay.start_date + timedelta(days=1)
        covered_until = end if covered_until is None else max(covered_until, end)
        if stay.exit_reason == "no_solution" and stay.end_date:
            out.append({"from": stay.end_date, "to": stay.end_date, "reason": "exit_no_solution"})
    for referral in referrals:
        if referral.status != "refused":
            continue
        decided = max((d.decided_on for d in referral.decisions.all()), default=referral.received_on)
        others_open = any(
            other.pk != referral.pk
            and other.received_on <= decided
            and other.status in ("received", "under_review", "accepted", "waiting_list")
            for other in referrals
        )
        if not others_open:
            out.append({"from": decided, "to": decided, "reason": "refused_everywhere"})
    for item in out:
        item["label"] = RUPTURE_LABELS[item["reason"]]
    return sorted(out, key=lambda r: (r["from"], r["reason"]))


def pathway(person, user=None) -> dict:
    """The timeline of one person (the caller checks scope and audits), in a bounded number of queries.
    The plans shown are those the user may see (a partner: only the département's PPE)."""
    Referral = apps.get_model("admissions", "Referral")
    stays = list(Stay.objects.filter(person=person).select_related("unit__establishment"))
    measures = list(Measure.objects.filter(person=person))
    referrals = list(Referral.objects.filter(person=person).prefetch_related("decisions__unit"))
    events = []
    for r in referrals:
        kind = "urgente " if r.emergency else ""
        events.append(
            {
                "date": r.received_on,
                "type": "referral",
                "id": r.pk,
                "label": f"Orientation {kind}reçue ({r.modality}, {r.get_status_display().lower()})",
            }
        )
        for d in r.decisions.all():
            events.append(
                {
                    "date": d.decided_on,
                    "type": "decision",
                    "id": d.pk,
                    "label": f"{d.get_decision_display()} — {d.unit.name}"
                    + (f" : {d.reason}" if d.reason else ""),
                }
            )
    for s in stays:
        events.append(
            {
                "date": s.start_date,
                "type": "stay",
                "id": s.pk,
                "label": f"Entrée — {s.unit.name} ({s.unit.establishment.name})",
            }
        )
        if s.end_date:
            events.append(
                {
                    "date": s.end_date,
                    "type": "stay_end",
                    "id": s.pk,
                    "label": f"Sortie — {s.unit.name} : {s.get_exit_reason_display().lower()}",
                }
            )
    for m in measures:
        events.append(
            {"date": m.start_date, "type": "measure", "id": m.pk, "label": f"Mesure : {m.get_kind_display()}"}
        )
        if m.end_date:
            events.append(
                {
                    "date": m.end_date,
                    "type": "measure_end",
                    "id": m.pk,
                    "label": f"Fin de mesure : {m.get_kind_display()}",
                }
            )
    Plan = apps.get_model("plans", "Plan")
    plans = Plan.objects.filter(person=person)
    if user is not None:
        from parcours.access.scoping import plans_visible_to

        plans = plans_visible_to(user, plans)
    for plan in plans.prefetch_related("evaluations"):
        events.append(
            {
                "date": plan.start_date,
                "type": "plan",
                "id": plan.pk,
                "label": f"{plan.get_kind_display()} v{plan.version} ouvert (échéance {plan.due_date:%d/%m/%Y})",
            }
        )
        if plan.signed_on:
            events.append(
                {
                    "date": plan.signed_on,
                    "type": "plan_signed",
                    "id": plan.pk,
                    "label": f"{plan.get_kind_display()} v{plan.version} signé",
                }
            )
        for evaluation in plan.evaluations.all():
            events.append(
                {
                    "date": evaluation.date,
                    "type": "evaluation",
                    "id": evaluation.pk,
                    "label": f"Co-évaluation du {plan.get_kind_display().lower()}",
                }
            )
    order = {
        "measure": 0,
        "referral": 1,
        "decision": 2,
        "stay_end": 3,
        "stay": 4,
        "plan": 5,
        "plan_signed": 6,
        "evaluation": 7,
        "measure_end": 8,
    }
    events.sort(key=lambda e: (e["date"], order[e["type"]], e["id"]))
    return {"person": person.pk, "events": events, "ruptures": ruptures(stays, measures, referrals)}
