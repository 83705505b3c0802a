"""Writes on individual plans: create with the legal deadline, objectives and actions, amendment
(a new version: the signed one is never overwritten), signature, co-evaluation."""

from datetime import date

from django.db import transaction

from parcours.access import scoping
from parcours.access.models import AuditAction
from parcours.access.roles import Perm
from parcours.access.services import audit
from parcours.core.dates import add_months, age_at, today
from parcours.core.errors import Conflict, Invalid, NotFound
from parcours.plans import reference, rules
from parcours.plans.models import (
    DEPARTEMENT_KINDS,
    Action,
    Evaluation,
    EvaluationResult,
    Objective,
    Plan,
    PlanKind,
    PlanStatus,
)

DOMAINS = set(reference.DOMAINS)
PARTICIPANT_ROLES = {"person", "family", "professional", "partner", "legal_representative"}
RESULT_STATUSES = {"achieved", "partly", "not_achieved"}


def plan_for(actor, plan_id, perm: str = Perm.VIEW_RECORDS) -> Plan:
    """The plan if the user may see it (404 otherwise); for a write, 403 unless the person is in the
    user's professional scope with the permission (a partner never writes a plan)."""
    try:
        plan_id = int(plan_id)
    except (TypeError, ValueError):
        raise NotFound("Plan introuvable.") from None
    qs = scoping.plans_visible_to(actor, Plan.objects.select_related("person", "stay__unit"))
    plan = qs.filter(pk=plan_id).first()
    if plan is None:
        raise NotFound("Plan introuvable.")
    if perm != Perm.VIEW_RECORDS:
        _check_writer(actor, plan.person_id, perm)
    return plan


def _check_writer(actor, person_id: int, perm: str = Perm.EDIT_RECORDS):
    """404 when the person is out of sight, 403 unless in the professional scope with the permission."""
    subject = scoping.person_for(actor, person_id, perm)
    if subject.is_archived:
        raise Conflict("Dossier archivé : lecture seule.")
    if subject.merged_into_id:
        raise Conflict(f"Dossier fusionné dans le dossier n° {subject.merged_into_id}.")
    return subject


def _draft(plan: Plan) -> None:
    if plan.status != PlanStatus.DRAFT:
        raise Conflict(
            "Le plan est signé : faites un avenant pour le modifier.",
            [{"field": "plan", "message": plan.status}],
        )


def first_deadline(kind: str, start: date, birth_date: date | None = None) -> date:
    if kind in (PlanKind.DIPC, PlanKind.STAY_CONTRACT):
        return rules.admission_deadlines(start, kind)[0].deadline
    if kind == PlanKind.PERSONALISED_PLAN:
        return rules.personalised_plan_deadline(start).deadline
    if kind == PlanKind.SITUATION_REPORT:
        if birth_date is None:
            return add_months(start, 12)
        return rules.situation_report_deadline(birth_date, start).deadline
    return add_months(start, 3)  # PPE: 3 months after the start of the measure


def review_after(plan: Plan, day: date) -> date:
    """Next review: 12 months; 6 months for the PPE and the rapport de situation of a child under 2."""
    if plan.kind in DEPARTEMENT_KINDS and age_at(plan.person.birth_date, day) < 2:
        return add_months(day, 6)
    return add_months(day, 12)


def create_plan(actor, *, person: int, kind: str, start_date: date, stay: int | None = None) -> Plan:
    """Open a plan with its legal deadline computed from the admission (or, for the PPE, the measure)."""
    subject = _check_writer(actor, person)
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
            due_date=first_deadline(kind, start_date, subject.birth_date),
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
    _draft(plan)
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


def add_action(
    actor, objective_id: int, *, description: str, responsible: str, due_date: date | None = None
) -> Action:
    """One more action (who does what by when) on an objective of a draft plan."""
    objective = Objective.objects.filter(pk=objective_id).first() if str(objective_id).isdecimal() else None
    if objective is None:
        raise NotFound("Objectif introuvable.")
    plan = plan_for(actor, objective.plan_id, Perm.EDIT_RECORDS)
    _draft(plan)
    errors = {}
    if not (description or "").strip():
        errors["description"] = "Décrivez l'action."
    if not (responsible or "").strip():
        errors["responsible"] = "Qui fait l'action ?"
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        action = Action.objects.create(
            objective=objective,
            description=description.strip(),
            responsible=responsible.strip(),
            due_date=due_date,
        )
        audit(
            actor, AuditAction.UPDATE, plan, person=plan.person_id, objective=objective.pk, action=action.pk
        )
    return action


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
            needs=plan.needs,
            partners=plan.partners,
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
    for index, item in enumerate(participants or []):
        if (item.get("role") or "").strip() not in PARTICIPANT_ROLES:
            errors[f"participants[{index}].role"] = (
                "Rôle attendu : " + ", ".join(sorted(PARTICIPANT_ROLES)) + "."
            )
        if not (item.get("name") or "").strip():
            errors[f"participants[{index}].name"] = "Nom du participant obligatoire."
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


def update_plan(actor, plan_id: int, **fields) -> Plan:
    """Edit a draft: the person's and the family's expression in their own words, the needs assessed
    by domain (tagged with SERAFIN-PH codes for the disability public), the partners involved."""
    plan = plan_for(actor, plan_id, Perm.EDIT_RECORDS)
    _draft(plan)
    allowed = {"person_expression", "family_expression", "needs", "partners"}
    errors = {name: "Champ non modifiable." for name in set(fields) - allowed}
    for name in ("person_expression", "family_expression"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
            if len(fields[name]) > 20000:
                errors[name] = "Texte trop long (20 000 caractères au plus)."
    for index, need in enumerate(fields.get("needs") or []):
        if need.get("domain") not in DOMAINS:
            errors[f"needs[{index}].domain"] = "Domaine attendu : " + ", ".join(sorted(DOMAINS)) + "."
        code = (need.get("serafin") or "").strip()
        if code and code not in reference.NEED_CODES:
            errors[f"needs[{index}].serafin"] = f"Code de besoin SERAFIN-PH inconnu : {code}."
        if not (need.get("description") or "").strip():
            errors[f"needs[{index}].description"] = "Décrivez le besoin."
    for index, partner in enumerate(fields.get("partners") or []):
        if not (partner.get("name") or "").strip():
            errors[f"partners[{index}].name"] = "Nom du partenaire obligatoire."
    if errors:
        raise Invalid(errors)
    if "needs" in fields:
        fields["needs"] = [
            {
                "domain": n["domain"],
                "serafin": (n.get("serafin") or "").strip(),
                "description": n["description"].strip(),
            }
            for n in fields["needs"]
        ]
    if "partners" in fields:
        fields["partners"] = [
            {"name": p["name"].strip(), "role": (p.get("role") or "").strip()} for p in fields["partners"]
        ]
    changed = sorted(k for k, v in fields.items() if getattr(plan, k) != v)
    with transaction.atomic():
        for name in changed:
            setattr(plan, name, fields[name])
        if changed:
            plan.save(update_fields=changed)
            audit(actor, AuditAction.UPDATE, plan, person=plan.person_id, fields=changed)
    return plan


LIST_FIELDS = {"needs", "partners"}


def add_item(actor, plan_id: int, field: str, item: dict) -> Plan:
    """One more need or partner on a draft (validated like update_plan)."""
    if field not in LIST_FIELDS:
        raise Invalid({field: "Champ non modifiable."})
    plan = plan_for(actor, plan_id, Perm.EDIT_RECORDS)
    return update_plan(actor, plan.pk, **{field: [*getattr(plan, field), item]})


def remove_item(actor, plan_id: int, field: str, index: int) -> Plan:
    """Take a need or a partner out of a draft (404 for an index that is not there)."""
    if field not in LIST_FIELDS:
        raise Invalid({field: "Champ non modifiable."})
    plan = plan_for(actor, plan_id, Perm.EDIT_RECORDS)
    items = getattr(plan, field)
    if not 0 <= index < len(items):
        raise NotFound("Élément introuvable.")
    return update_plan(actor, plan.pk, **{field: items[:index] + items[index + 1 :]})


def remove_objective(actor, objective_id: int) -> Plan:
    """Take an objective (and its actions) out of a draft plan."""
    objective = Objective.objects.filter(pk=objective_id).first() if str(objective_id).isdecimal() else None
    if objective is None:
        raise NotFound("Objectif introuvable.")
    plan = plan_for(actor, objective.plan_id, Perm.EDIT_RECORDS)
    _draft(plan)
    with transaction.atomic():
        objective.delete()
        audit(actor, AuditAction.UPDATE, plan, person=plan.person_id, removed_objective=objective_id)
    return plan


def _admission_day0(stay, measures) -> tuple[str, date]:
    """Which admission document the stay needs and from which day its deadline runs: a DIPC for a
    minor placed by a judge (the court order's date drives it when it comes after the admission)."""
    minor = age_at(stay.person.birth_date, stay.start_date) < 18
    judicial = sorted(
        m.start_date
        for m in measures
        if m.kind in rules.JUDICIAL_MEASURES and (m.end_date is None or m.end_date >= stay.start_date)
    )
    judicial_minor = minor and bool(judicial) and (stay.end_date is None or judicial[0] <= stay.end_date)
    document = rules.admission_document(
        stay.unit.modality, expected_days=None, judicial_minor=judicial_minor, emergency=stay.emergency
    )
    day0 = stay.start_date
    if judicial_minor and document == PlanKind.DIPC and not stay.emergency:
        day0 = max(stay.start_date, judicial[0])
    return document, day0


def _ppe_start(person, measures, as_of: date) -> date | None:
    """Start of the measure the PPE follows: the earliest PPE-calling measure still running (or the
    latest one), for a minor."""
    if age_at(person.birth_date, as_of) >= 18:
        return None
    ppe = [m for m in measures if m.kind in rules.PPE_MEASURES]
    running = [m.start_date for m in ppe if m.end_date is None or m.end_date >= as_of]
    if running:
        return min(running)
    return max((m.start_date for m in ppe), default=None)


def ensure_required_plans(stay, actor=None) -> list[Plan]:
    """On admission, open the plans the law requires, with their deadlines: the DIPC or the contrat
    de séjour (by modality, emergency and judicial measure), the first projet personnalisé, and for a
    minor under a child-protection measure the PPE (owned by the département, 3 months after the
    measure started). Plans already open for the stay are not duplicated."""
    person = stay.person
    measures = [m for m in person.measures.all() if m.start_date <= stay.start_date]
    minor = age_at(person.birth_date, stay.start_date) < 18
    document, day0 = _admission_day0(stay, measures)
    wanted = [(document, day0), (PlanKind.PERSONALISED_PLAN, stay.start_date)]
    ppe_start = _ppe_start(person, measures, stay.start_date) if minor else None
    if ppe_start is not None:
        held = set(
            Plan.objects.filter(person=person, kind__in=DEPARTEMENT_KINDS).values_list("kind", flat=True)
        )
        wanted += [
            (kind, ppe_start) for kind in (PlanKind.PPE, PlanKind.SITUATION_REPORT) if kind not in held
        ]
    created = []
    for kind, start in wanted:
        if kind not in DEPARTEMENT_KINDS and Plan.objects.filter(stay=stay, kind=kind).exists():
            continue
        plan = Plan.objects.create(
            person=person,
            stay=stay if kind not in DEPARTEMENT_KINDS else None,
            kind=kind,
            start_date=start,
            due_date=first_deadline(kind, start, person.birth_date),
            created_by=actor,
        )
        created.append(plan)
    return created


def follow_measures(person, actor=None) -> list[Plan]:
    """A measure changed (e.g. an administrative placement becomes judicial): recompute the deadlines
    that depend on it. For each open stay, a draft contrat de séjour becomes a DIPC for a minor now
    placed by a judge (and back), its deadline running from the court order; the PPE follows the
    start of the measure, and opens if a measure now calls for one. Signed documents are kept as they
    are (a change after signature goes through an amendment). Returns the plans changed or opened."""
    from parcours.pathways.models import Stay

    measures = list(person.measures.all())
    touched = []
    for stay in Stay.objects.filter(person=person, end_date__isnull=True).select_related("unit", "person"):
        document, day0 = _admission_day0(stay, measures)
        drafts = Plan.objects.filter(
            stay=stay,
            kind__in=[PlanKind.DIPC, PlanKind.STAY_CONTRACT],
            status=PlanStatus.DRAFT,
            previous__isnull=True,
        )
        for plan in drafts:
            due = first_deadline(document, day0)
            if (plan.kind, plan.start_date, plan.due_date) != (document, day0, due):
                before = {"kind": plan.kind, "due_date": plan.due_date.isoformat()}
                plan.kind, plan.start_date, plan.due_date = document, day0, due
                plan.save(update_fields=["kind", "start_date", "due_date"])
                audit(actor, AuditAction.UPDATE, plan, person=person, reason="measure change", before=before)
                touched.append(plan)
    start = _ppe_start(person, measures, today())
    if start is None:
        return touched
    open_stay = Stay.objects.filter(person=person, end_date__isnull=True).exists()
    for kind in (PlanKind.PPE, PlanKind.SITUATION_REPORT):
        due = first_deadline(kind, start, person.birth_date)
        if not Plan.objects.filter(person=person, kind=kind).exists():
            if open_stay:
                plan = Plan.objects.create(person=person, kind=kind, start_date=start, due_date=due)
                audit(actor, AuditAction.CREATE, plan, person=person, reason="measure change")
                touched.append(plan)
            continue
        for plan in Plan.objects.filter(person=person, kind=kind, status=PlanStatus.DRAFT, previous=None):
            if (plan.start_date, plan.due_date) != (start, due):
                before = {"due_date": plan.due_date.isoformat()}
                plan.start_date, plan.due_date = start, due
                plan.save(update_fields=["start_date", "due_date"])
                audit(actor, AuditAction.UPDATE, plan, person=person, reason="measure change", before=before)
                touched.append(plan)
    return touched
