"""Writes on individual plans: create with the legal deadline, objectives and actions, amendment
(a new version: the signed one is never overwritten), signature, co-evaluation."""

from datetime import date

from django.db import transaction

from parcours.access import scoping
from parcours.access.models import AuditAction
from parcours.access.roles import Perm
from parcours.access.services import audit
from parcours.core.dates import add_months, age_at
from parcours.core.errors import Conflict, Invalid, NotFound
from parcours.plans import rules
from parcours.plans.models import Action, Evaluation, EvaluationResult, Objective, Plan, PlanKind, PlanStatus

DOMAINS = {"health", "schooling", "daily_life", "family_ties", "safety", "leisure", "other"}
RESULT_STATUSES = {"achieved", "partly", "not_achieved"}


def plan_for(actor, plan_id, perm: str = Perm.VIEW_RECORDS) -> Plan:
    try:
        plan_id = int(plan_id)
    except (TypeError, ValueError):
        raise NotFound("Plan introuvable.") from None
    plan = Plan.objects.select_related("person", "stay__unit").filter(pk=plan_id).first()
    if plan is None:
        raise NotFound("Plan introuvable.")
    scoping.person_for(actor, plan.person_id, perm)  # 404 out of scope, 403 without the permission
    return plan


def first_deadline(kind: str, start: date) -> date:
    if kind in (PlanKind.DIPC, PlanKind.STAY_CONTRACT):
        return rules.admission_deadlines(start, kind)[0].deadline
    if kind == PlanKind.PERSONALISED_PLAN:
        return rules.personalised_plan_deadline(start).deadline
    return add_months(start, 3)  # PPE: 3 months after the start of the measure


def review_after(plan: Plan, day: date) -> date:
    """Next review: 12 months; 6 months for the PPE of a child under 2."""
    if plan.kind == PlanKind.PPE and age_at(plan.person.birth_date, day) < 2:
        return add_months(day, 6)
    return add_months(day, 12)


def create_plan(actor, *, person: int, kind: str, start_date: date, stay: int | None = None) -> Plan:
    """Open a plan with its legal deadline computed from the admission (or, for the PPE, the measure)."""
    subject = scoping.person_for(actor, person, Perm.EDIT_RECORDS)
    errors = {}
    if kind not in PlanKind.values:
        errors["kind"] = "Type attendu : dipc, stay_contract, personalised_plan ou ppe."
    if start_date is None:
        errors["start_date"] = "Date de départ obligatoire."
    stay_obj = None
    if stay is not None:
        stay_obj = subject.stays.filter(pk=stay).first()
        if stay_obj is None:
            errors["stay"] = "Séjour introuvable pour cette personne."
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        plan = Plan.objects.create(
            person=subject,
            stay=stay_obj,
            kind=kind,
            start_date=start_date,
            due_date=first_deadline(kind, start_date),
            created_by=actor,
        )
        audit(actor, AuditAction.CREATE, plan, person=subject, kind=kind)
    return plan


def add_objective(
    actor,
    plan_id: int,
    *,
    domain: str,
    description: str,
    expected_results: str = "",
    actions: list[dict] | None = None,
) -> Objective:
    """An objective with its expected results and its actions (who does what by when) on a draft."""
    plan = plan_for(actor, plan_id, Perm.EDIT_RECORDS)
    if plan.status != PlanStatus.DRAFT:
        raise Conflict(
            "Le plan est signé : faites un avenant pour le modifier.",
            [{"field": "plan", "message": plan.status}],
        )
    errors = {}
    if domain not in DOMAINS:
        errors["domain"] = "Domaine attendu : " + ", ".join(sorted(DOMAINS)) + "."
    if not (description or "").strip():
        errors["description"] = "Décrivez l'objectif."
    for index, item in enumerate(actions or []):
        if not (item.get("description") or "").strip():
            errors[f"actions[{index}].description"] = "Décrivez l'action."
        if not (item.get("responsible") or "").strip():
            errors[f"actions[{index}].responsible"] = "Qui fait l'action ?"
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        objective = Objective.objects.create(
            plan=plan, domain=domain, description=description.strip(), expected_results=expected_results or ""
        )
        for item in actions or []:
            Action.objects.create(
                objective=objective,
                description=item["description"].strip(),
                responsible=item["responsible"].strip(),
                due_date=item.get("due_date"),
            )
        audit(actor, AuditAction.UPDATE, plan, person=plan.person_id, objective=objective.pk)
    return objective


def sign(actor, plan_id: int, *, date: date, signatories: list[str]) -> Plan:
    """Record the signature (the young person, the holders of parental authority, the establishment)
    and set the next review date by the rule."""
    plan = plan_for(actor, plan_id, Perm.EDIT_RECORDS)
    errors = {}
    if date is None:
        errors["date"] = "Date de signature obligatoire."
    if not signatories or not all((s or "").strip() for s in signatories):
        errors["signatories"] = "Indiquez les signataires."
    if errors:
        raise Invalid(errors)
    if plan.status != PlanStatus.DRAFT:
        raise Conflict("Ce plan est déjà signé.", [{"field": "plan", "message": plan.status}])
    with transaction.atomic():
        plan.status = PlanStatus.SIGNED
        plan.signed_on = date
        plan.signatories = [s.strip() for s in signatories]
        plan.next_review_date = review_after(plan, date)
        plan.save(update_fields=["status", "signed_on", "signatories", "next_review_date"])
        if plan.previous_id:
            Plan.objects.filter(pk=plan.previous_id).update(status=PlanStatus.SUPERSEDED)
        audit(actor, AuditAction.UPDATE, plan, person=plan.person_id, signed_on=date.isoformat())
    return plan


def amend(actor, plan_id: int) -> Plan:
    """A new draft version copying the signed plan's objectives and actions; the signed one stays."""
    plan = plan_for(actor, plan_id, Perm.EDIT_RECORDS)
    if plan.status != PlanStatus.SIGNED:
        raise Conflict(
            "Seul un plan signé fait l'objet d'un avenant.", [{"field": "plan", "message": plan.status}]
        )
    if Plan.objects.filter(previous=plan).exists():
        raise Conflict("Un avenant est déjà en cours pour ce plan.")
    with transaction.atomic():
        draft = Plan.objects.create(
            person=plan.person,
            stay=plan.stay,
            kind=plan.kind,
            version=plan.version + 1,
            previous=plan,
            start_date=plan.start_date,
            due_date=plan.next_review_date or plan.due_date,
            person_expression=plan.person_expression,
            family_expression=plan.family_expression,
            created_by=actor,
        )
        for objective in plan.objectives.prefetch_related("actions"):
            copy = Objective.objects.create(
                plan=draft,
                domain=objective.domain,
                description=objective.description,
                expected_results=objective.expected_results,
            )
            Action.objects.bulk_create(
                Action(
                    objective=copy, description=a.description, responsible=a.responsible, due_date=a.due_date
                )
                for a in objective.actions.all()
            )
        audit(actor, AuditAction.CREATE, draft, person=plan.person_id, amends=plan.pk)
    return draft


def evaluate(actor, plan_id: int, *, date: date, participants: list[dict], results: list[dict]) -> Evaluation:
    """Co-evaluation, objective by objective, with the person and the family among the participants;
    the plan's next review date moves accordingly."""
    plan = plan_for(actor, plan_id, Perm.EDIT_RECORDS)
    errors = {}
    roles = {(p.get("role") or "").strip() for p in participants or []}
    if not roles & {"person", "family"}:
        errors["participants"] = (
            "La personne ou sa famille doivent participer à la co-évaluation (rôle person ou family)."
        )
    objectives = set(plan.objectives.values_list("pk", flat=True))
    for index, item in enumerate(results or []):
        if item.get("objective") not in objectives:
            errors[f"results[{index}].objective"] = "Objectif inconnu pour ce plan."
        if item.get("status") not in RESULT_STATUSES:
            errors[f"results[{index}].status"] = "achieved, partly ou not_achieved."
    if not results:
        errors["results"] = "Évaluez au moins un objectif."
    if date is None:
        errors["date"] = "Date obligatoire."
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        evaluation = Evaluation.objects.create(
            plan=plan, date=date, participants=participants, created_by=actor
        )
        EvaluationResult.objects.bulk_create(
            EvaluationResult(
                evaluation=evaluation,
                objective_id=r["objective"],
                status=r["status"],
                comment=r.get("comment", ""),
            )
            for r in results
        )
        plan.next_review_date = review_after(plan, date)
        plan.save(update_fields=["next_review_date"])
        audit(actor, AuditAction.CREATE, evaluation, person=plan.person_id, plan=plan.pk)
    return evaluation


def ensure_required_plans(stay, actor=None) -> list[Plan]:
    """On admission, open the plans the law requires, with their deadlines: the DIPC or the contrat
    de séjour (by modality, emergency and judicial measure), the first projet personnalisé, and for a
    minor under a child-protection measure the PPE (owned by the département, 3 months after the
    measure started). Plans already open for the stay are not duplicated."""
    from parcours.people.models import Measure

    person = stay.person
    minor = age_at(person.birth_date, stay.start_date) < 18
    active = Measure.objects.filter(person=person, start_date__lte=stay.start_date).exclude(
        end_date__lt=stay.start_date
    )
    judicial_minor = minor and active.filter(kind__in=rules.JUDICIAL_MEASURES).exists()
    document = rules.admission_document(
        stay.unit.modality, expected_days=None, judicial_minor=judicial_minor, emergency=stay.emergency
    )
    wanted = [(document, stay.start_date), (PlanKind.PERSONALISED_PLAN, stay.start_date)]
    ppe_measure = active.filter(kind__in=rules.PPE_MEASURES).order_by("start_date").first() if minor else None
    if ppe_measure is not None and not Plan.objects.filter(person=person, kind=PlanKind.PPE).exists():
        wanted.append((PlanKind.PPE, ppe_measure.start_date))
    created = []
    for kind, start in wanted:
        if kind != PlanKind.PPE and Plan.objects.filter(stay=stay, kind=kind).exists():
            continue
        plan = Plan.objects.create(
            person=person,
            stay=stay if kind != PlanKind.PPE else None,
            kind=kind,
            start_date=start,
            due_date=first_deadline(kind, start),
            created_by=actor,
        )
        created.append(plan)
    return created
