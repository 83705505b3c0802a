"""Read side of assessment grids: the grids a user may use or design, the assessments a user may
read (through the persons and referrals of the scoping layer), the export of a grid's answers."""

from django.db.models import Prefetch, Q, QuerySet

from parcours.access import scoping
from parcours.access.models import AuditAction
from parcours.access.roles import Perm
from parcours.access.services import audit
from parcours.assessments import rules
from parcours.assessments.models import Assessment, AssessmentStatus, Grid, GridStatus, Section
from parcours.core.errors import Forbidden, NotFound


def with_structure(queryset: QuerySet) -> QuerySet:
    """Grids with their sections and questions in three queries."""
    return queryset.select_related("organisation", "next_version").prefetch_related(
        Prefetch("sections", queryset=Section.objects.prefetch_related(Prefetch("questions")))
    )


def grids_visible_to(user) -> QuerySet:
    """Grids are their organisation's: those owned by an organisation the user's memberships cover as
    a whole (a membership on it or on a group it belongs to), in every state. The published versions
    — the blank forms professionals fill — are also open to the professionals of the organisation's
    establishments and units (and of the groups it belongs to), who fill them for the persons of their
    scope; its drafts and retired versions are not."""
    if not scoping.has_perm_somewhere(user, Perm.VIEW_RECORDS):
        return Grid.objects.none()
    owned = scoping.organisation_ids_at_org_level(user)
    if owned is None:
        return Grid.objects.all()
    reached = scoping.organisations_visible_to(user).values("id")
    return Grid.objects.filter(
        Q(organisation_id__in=owned) | Q(status=GridStatus.PUBLISHED, organisation__in=reached)
    )


def design_organisations(user) -> QuerySet:
    """Organisations whose grids the user may design: those covered by an organisation-level
    MANAGE_OFFER membership (admin, director, head of service on the organisation or on a group with
    its members). A director of one establishment does not design its organisation's grids."""
    from parcours.directory.models import Organisation

    orgs = scoping.organisation_ids_at_org_level(user, Perm.MANAGE_OFFER)
    return Organisation.objects.all() if orgs is None else Organisation.objects.filter(pk__in=orgs)


def can_design(user, grid: Grid) -> bool:
    return design_organisations(user).filter(pk=grid.organisation_id).exists()


def grid_for(user, grid_id, *, design: bool = False) -> Grid:
    """A visible grid with its structure (404 otherwise); with design=True, 403 unless the user may
    design the grids of its organisation."""
    try:
        grid_id = int(grid_id)
    except (TypeError, ValueError):
        raise NotFound("Grille introuvable.") from None
    grid = with_structure(grids_visible_to(user)).filter(pk=grid_id).first()
    if grid is None:
        raise NotFound("Grille introuvable.")
    if design and not can_design(user, grid):
        raise Forbidden(
            "Les grilles de cette organisation sont conçues par ses administrateurs, directeurs et chefs de service."
        )
    return grid


def grids(user, *, status: str | None = None, organisation: int | None = None) -> QuerySet:
    qs = grids_visible_to(user).select_related("organisation", "next_version")
    if status:
        qs = qs.filter(status=status)
    if organisation:
        qs = qs.filter(organisation_id=organisation)
    return qs.order_by("organisation__name", "name", "-version")


def assessments_visible_to(user) -> QuerySet:
    """Assessments of the persons and referrals a professional may see. A partner sees none: it
    follows the status of its referrals, not the professionals' assessments."""
    if not scoping.has_perm_somewhere(user, Perm.VIEW_RECORDS):
        return Assessment.objects.none()
    from parcours.admissions.models import Referral
    from parcours.people.models import Person

    if scoping.sees_everything(user):
        return Assessment.objects.all()
    persons = scoping.persons_visible_to(user, Person.objects.all()).values("pk")
    referrals = scoping.referrals_visible_to(user, Referral.objects.all()).values("pk")
    return Assessment.objects.filter(Q(person__in=persons) | Q(referral__in=referrals))


def assessments(
    user,
    *,
    person: int | None = None,
    referral: int | None = None,
    grid: int | None = None,
    status: str | None = None,
) -> QuerySet:
    """The assessments the user may read, for one person or referral (404 when out of scope)."""
    qs = assessments_visible_to(user)
    if person is not None:
        subject = scoping.person_for(user, person)
        qs = qs.filter(person=subject)
    if referral is not None:
        qs = qs.filter(referral=referral_visible(user, referral))
    if grid is not None:
        qs = qs.filter(grid_id=grid)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("grid", "referral").order_by("-updated_at", "-id")


def referral_visible(user, referral_id):
    """A referral the user (a professional) may see, or 404."""
    from parcours.admissions.models import Referral

    try:
        referral_id = int(referral_id)
    except (TypeError, ValueError):
        raise NotFound("Orientation introuvable.") from None
    if not scoping.has_perm_somewhere(user, Perm.VIEW_RECORDS):
        raise NotFound("Orientation introuvable.")
    referral = (
        scoping.referrals_visible_to(user, Referral.objects.all())
        .filter(pk=referral_id)
        .select_related("person")
        .first()
    )
    if referral is None:
        raise NotFound("Orientation introuvable.")
    return referral


def assessment_for(user, assessment_id) -> Assessment:
    """A readable assessment with its grid's structure, or 404."""
    try:
        assessment_id = int(assessment_id)
    except (TypeError, ValueError):
        raise NotFound("Évaluation introuvable.") from None
    item = (
        assessments_visible_to(user)
        .select_related("grid__organisation", "referral", "person")
        .filter(pk=assessment_id)
        .first()
    )
    if item is None:
        raise NotFound("Évaluation introuvable.")
    return item


def open_assessment(user, assessment_id, *, section: str = "assessment") -> Assessment:
    """An assessment for display: readable or 404, and the read is audited on the person's record."""
    item = assessment_for(user, assessment_id)
    audit(user, AuditAction.VIEW, item, person=item.subject_person_id, section=section, grid=item.grid_id)
    return item


def structure_of(grid: Grid) -> dict:
    """A grid's structure for the rules, prefetching when the grid was not loaded with it."""
    if not getattr(grid, "_prefetched_objects_cache", {}).get("sections"):
        grid = with_structure(Grid.objects.filter(pk=grid.pk)).get()
    return grid.structure()


def export_rows(user, grid: Grid) -> tuple[list[str], list[list], list[Assessment]]:
    """The completed assessments of this grid version the user may read: a header (identifiers, then
    one column per question key) and one row per assessment, multiple choices joined by ', '."""
    questions = rules.questions_of(structure_of(grid))
    items = list(
        assessments_visible_to(user)
        .filter(grid=grid, status=AssessmentStatus.COMPLETED)
        .select_related("referral", "filled_by")
        .order_by("completed_at", "id")
    )
    header = ["evaluation", "personne", "orientation", "terminee_le", "remplie_par"] + [
        q["key"] for q in questions
    ]
    rows = []
    for item in items:
        row = [
            item.pk,
            item.subject_person_id,
            item.referral_id or "",
            item.completed_at.date().isoformat() if item.completed_at else "",
            item.filled_by.username if item.filled_by else "",
        ]
        for question in questions:
            value = item.answers.get(question["key"])
            if isinstance(value, list):
                value = ", ".join(str(v) for v in value)
            row.append("" if value is None else value)
        rows.append(row)
    return header, rows, items


def versions_of(grid: Grid) -> list[Grid]:
    """Every version of the grid's lineage, oldest first (a short chain, walked both ways)."""
    chain = [grid]
    current = grid
    while current.previous_id:
        current = Grid.objects.get(pk=current.previous_id)
        chain.insert(0, current)
    current = grid
    while True:
        following = Grid.objects.filter(previous=current).first()
        if following is None:
            break
        chain.append(following)
        current = following
    return chain
