"""Read side of quality evaluation, scoped: the professionals (internal roles) of an establishment read
its self-assessments and quality record — those whose memberships cover the establishment as a
whole (on it or on its organisation), not the staff of one of its units; the quality managers
(admin, director, quality referent — Perm.MANAGE_QUALITY) of the establishment write them; partners
see nothing (403), another establishment's users get 404. The framework is reference data every professional reads."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Sum, Value, When

from parcours.access import scoping
from parcours.access.roles import Perm, Role
from parcours.core.errors import Forbidden, NotFound
from parcours.steering.quality.choices import POINTS, TOP, ScoreValue
from parcours.steering.quality.models import (
    ActionPlanItem,
    Criterion,
    EstablishmentQuality,
    Framework,
    Score,
    SelfAssessment,
    Thematic,
)

FOUR = Decimal("0.0001")
TWO = Decimal("0.01")


def require_internal(user) -> None:
    scoping.require(user, Perm.VIEW_RECORDS)


def can_import(user) -> bool:
    """Importing the HAS framework is a group administrator's job."""
    return scoping.sees_everything(user) or Role.ADMIN in scoping.roles_of(user)


def can_manage(user) -> bool:
    return scoping.has_perm_somewhere(user, Perm.MANAGE_QUALITY)


def _id(value, label: str) -> int:
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise NotFound(f"{label} introuvable.") from None
    if not 0 < value < 2**63:
        raise NotFound(f"{label} introuvable.")
    return value


def covered_establishments(user, perm: str = Perm.VIEW_RECORDS) -> QuerySet:
    """The establishments the user's memberships cover as a whole (a membership on it or on its
    organisation, or a group it belongs to): their quality approach is read and managed there; the
    staff of one of its units do not read it."""
    from parcours.directory.models import Establishment

    ids = scoping.establishment_ids_at_level(user, perm)
    return Establishment.objects.all() if ids is None else Establishment.objects.filter(pk__in=ids)


def establishment_for(user, establishment_id, *, write: bool = False):
    """The establishment if in the user's scope (404), for a write 403 without MANAGE_QUALITY there."""
    require_internal(user)
    establishment_id = _id(establishment_id, "Établissement")
    establishment = covered_establishments(user).filter(pk=establishment_id).first()
    if establishment is None:
        raise NotFound("Établissement introuvable.")
    if write and not covered_establishments(user, Perm.MANAGE_QUALITY).filter(pk=establishment_id).exists():
        raise Forbidden(
            "La démarche qualité de cet établissement relève de la direction et du référent qualité."
        )
    return establishment


def frameworks(user) -> QuerySet:
    require_internal(user)
    return Framework.objects.annotate(
        criteria_count=Count("criteria", distinct=True),
        imperatives_count=Count("criteria", filter=Q(criteria__imperative=True), distinct=True),
    ).order_by("-imported_at", "-id")


def framework_for(user, framework_id) -> Framework:
    """A framework with its chapters, thematics and criteria."""
    framework_id = _id(framework_id, "Référentiel")
    framework = (
        frameworks(user)
        .prefetch_related(
            "chapters",
            "thematics",
            Prefetch("criteria", queryset=Criterion.objects.order_by("position", "id")),
        )
        .filter(pk=framework_id)
        .first()
    )
    if framework is None:
        raise NotFound("Référentiel introuvable.")
    return framework


def self_assessments(user, establishment: int | None = None) -> QuerySet:
    """The self-assessments of the establishments in the user's scope."""
    require_internal(user)
    qs = SelfAssessment.objects.filter(
        establishment__in=covered_establishments(user).values("pk")
    ).select_related("establishment", "framework")
    if establishment:
        qs = qs.filter(establishment_id=establishment)
    return qs.order_by("-started_on", "-id")


def self_assessment_for(user, assessment_id, *, write: bool = False) -> SelfAssessment:
    assessment_id = _id(assessment_id, "Autoévaluation")
    assessment = self_assessments(user).filter(pk=assessment_id).first()
    if assessment is None:
        raise NotFound("Autoévaluation introuvable.")
    if write:
        establishment_for(user, assessment.establishment_id, write=True)
    return assessment


def action_for(user, action_id, *, write: bool = False) -> ActionPlanItem:
    action_id = _id(action_id, "Action")
    action = (
        ActionPlanItem.objects.filter(pk=action_id, self_assessment__in=self_assessments(user).values("pk"))
        .select_related("self_assessment", "criterion")
        .first()
    )
    if action is None:
        raise NotFound("Action introuvable.")
    if write:
        establishment_for(user, action.self_assessment.establishment_id, write=True)
    return action


def criterion_of(assessment: SelfAssessment, criterion_id) -> Criterion:
    """A criterion of the assessment's framework (404 otherwise)."""
    criterion_id = _id(criterion_id, "Critère")
    criterion = (
        Criterion.objects.filter(pk=criterion_id, framework_id=assessment.framework_id)
        .select_related("chapter", "thematic")
        .first()
    )
    if criterion is None:
        raise NotFound("Critère introuvable dans ce référentiel.")
    return criterion


def _points():
    return Sum(
        Case(
            *[When(score=value, then=Value(points)) for value, points in POINTS.items()],
            default=Value(0),
            output_field=IntegerField(),
        )
    )


def _ratio(part: int, whole: int, quantum: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(quantum, rounding=ROUND_HALF_UP)


def results(assessment: SelfAssessment) -> dict:
    """Results by thematic, and overall: criteria, scored, NC, average score over the criteria
    scored 1–4 ("optimisé" counts 4, NC left out; 2 decimals), imperatives applicable (not NC),
    imperatives at 4 or optimised and their share (4 decimals; unscored imperatives count as not
    at 4). Three aggregate queries."""
    criteria = {
        row["thematic_id"]: row
        for row in Criterion.objects.filter(framework_id=assessment.framework_id)
        .values("thematic_id")
        .annotate(criteria=Count("id"), imperatives=Count("id", filter=Q(imperative=True)))
        .order_by()
    }
    scores = {
        row["criterion__thematic_id"]: row
        for row in Score.objects.filter(self_assessment=assessment)
        .values("criterion__thematic_id")
        .annotate(
            scored=Count("id"),
            nc=Count("id", filter=Q(score=ScoreValue.NC)),
            optimised=Count("id", filter=Q(score=ScoreValue.OPTIMISED)),
            points=_points(),
            imperatives_top=Count("id", filter=Q(criterion__imperative=True, score__in=TOP)),
            imperatives_nc=Count("id", filter=Q(criterion__imperative=True, score=ScoreValue.NC)),
        )
        .order_by()
    }
    rows = []
    total = dict.fromkeys(
        (
            "criteria",
            "imperatives",
            "scored",
            "nc",
            "optimised",
            "points",
            "imperatives_top",
            "imperatives_nc",
        ),
        0,
    )
    for thematic in Thematic.objects.filter(framework_id=assessment.framework_id).order_by("number"):
        c = criteria.get(thematic.pk, {})
        s = scores.get(thematic.pk, {})
        counts = {
            "criteria": c.get("criteria", 0),
            "imperatives": c.get("imperatives", 0),
            "scored": s.get("scored", 0),
            "nc": s.get("nc", 0),
            "optimised": s.get("optimised", 0),
            "points": s.get("points") or 0,
            "imperatives_top": s.get("imperatives_top", 0),
            "imperatives_nc": s.get("imperatives_nc", 0),
        }
        for key, value in counts.items():
            total[key] += value
        rows.append(
            {"thematic": thematic.pk, "number": thematic.number, "name": thematic.name, **_figures(counts)}
        )
    return {"self_assessment": assessment.pk, "thematics": rows, "overall": _figures(total)}


def _figures(c: dict) -> dict:
    rated = c["scored"] - c["nc"]
    applicable = c["imperatives"] - c["imperatives_nc"]
    return {
        "criteria": c["criteria"],
        "scored": c["scored"],
        "to_score": c["criteria"] - c["scored"],
        "nc": c["nc"],
        "optimised": c["optimised"],
        "average_score": _ratio(c["points"], rated, TWO),
        "imperatives": c["imperatives"],
        "imperatives_applicable": applicable,
        "imperatives_at_4": c["imperatives_top"],
        "imperatives_at_4_share": _ratio(c["imperatives_top"], applicable, FOUR),
    }


def criteria_with_scores(assessment: SelfAssessment, thematic: int | None = None) -> list[tuple]:
    """[(criterion, score or None)] of the framework, in its order (optionally one thematic)."""
    qs = Criterion.objects.filter(framework_id=assessment.framework_id).select_related("chapter", "thematic")
    if thematic:
        qs = qs.filter(thematic_id=thematic)
    scores = {s.criterion_id: s for s in Score.objects.filter(self_assessment=assessment)}
    return [(c, scores.get(c.pk)) for c in qs.order_by("position", "id")]


def actions(assessment: SelfAssessment) -> QuerySet:
    return assessment.actions.select_related("criterion").order_by("due_date", "id")


def establishments(user) -> list[dict]:
    """The establishments of the user's scope with their quality record and self-assessments."""
    require_internal(user)
    managed = set(covered_establishments(user, Perm.MANAGE_QUALITY).values_list("pk", flat=True))
    rows = []
    qs = covered_establishments(user).select_related("organisation").order_by("name")
    ests = list(qs)
    records = {
        q.establishment_id: q
        for q in EstablishmentQuality.objects.filter(establishment__in=[e.pk for e in ests]).select_related(
            "quality_referent"
        )
    }
    for est in ests:
        rows.append({"establishment": est, "quality": records.get(est.pk), "can_manage": est.pk in managed})
    return rows


def quality_record(establishment) -> EstablishmentQuality | None:
    return (
        EstablishmentQuality.objects.filter(establishment=establishment)
        .select_related("quality_referent")
        .first()
    )


def colleagues(establishment) -> QuerySet:
    """The professionals (internal roles) of the establishment, of its units or its organisation."""
    from parcours.access.models import Membership, User
    from parcours.access.roles import INTERNAL

    where = (
        Q(establishment_id=establishment.pk)
        | Q(unit__establishment_id=establishment.pk)
        | Q(organisation_id=establishment.organisation_id)
    )
    members = Membership.objects.filter(where, role__in=[str(r) for r in INTERNAL]).values("user_id")
    return User.objects.filter(pk__in=members, is_active=True).order_by("last_name", "first_name")


def managed_establishments(user) -> QuerySet:
    return covered_establishments(user, Perm.MANAGE_QUALITY).order_by("name")
