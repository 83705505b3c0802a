"""The one access-scoping layer. Every selector and API handler goes through these functions.

A user holds memberships (role, scope). A scope is an organisation (with, for a group, all its
member organisations), an establishment or a unit. What a user may see or do is the union of the
scopes of the memberships whose role grants the permission. Objects outside it answer 404.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from parcours.access.roles import Perm, Role, roles_with
from parcours.core.errors import Forbidden, NotFound


def _memberships(user) -> list:
    cached = getattr(user, "_parcours_memberships", None)
    if cached is None:
        cached = list(user.memberships.all()) if user.is_authenticated else []
        user._parcours_memberships = cached
    return cached


def forget(user) -> None:
    """Drop the cached memberships (after a membership change)."""
    if hasattr(user, "_parcours_memberships"):
        del user._parcours_memberships


def sees_everything(user) -> bool:
    return bool(user.is_authenticated and user.is_superuser)


def roles_of(user) -> set[str]:
    return {m.role for m in _memberships(user)}


def is_partner_only(user) -> bool:
    roles = roles_of(user)
    return bool(roles) and roles <= {Role.PARTNER} and not sees_everything(user)


def has_perm_somewhere(user, perm: str) -> bool:
    if sees_everything(user):
        return True
    allowed = roles_with(perm)
    return any(m.role in allowed for m in _memberships(user))


def _scope_ids(user, perm: str) -> tuple[set[int], set[int], set[int]]:
    allowed = roles_with(perm)
    orgs, ests, units = set(), set(), set()
    for m in _memberships(user):
        if m.role not in allowed:
            continue
        if m.organisation_id:
            orgs.add(m.organisation_id)
        elif m.establishment_id:
            ests.add(m.establishment_id)
        elif m.unit_id:
            units.add(m.unit_id)
    return orgs, ests, units


def _with_group_members(org_ids: set[int]) -> set[int]:
    """A group's scope covers its member organisations (and their members, transitively)."""
    from parcours.directory.models import Organisation

    result, frontier = set(org_ids), set(org_ids)
    while frontier:
        members = set(
            Organisation.member_of.through.objects.filter(to_organisation_id__in=frontier).values_list(
                "from_organisation_id", flat=True
            )
        )
        frontier = members - result
        result |= frontier
    return result


def organisation_ids(user, perm: str = Perm.VIEW_RECORDS) -> set[int] | None:
    """Organisations fully in scope (None: all of them)."""
    if sees_everything(user):
        return None
    orgs, _, _ = _scope_ids(user, perm)
    return _with_group_members(orgs)


def units_q(user, perm: str = Perm.VIEW_RECORDS, prefix: str = "") -> Q:
    """A Q object selecting units in scope; prefix is the path to the unit (e.g. 'unit__')."""
    if sees_everything(user):
        return Q()
    orgs, ests, units = _scope_ids(user, perm)
    orgs = _with_group_members(orgs)
    q = Q(pk__in=[])
    if orgs:
        q |= Q(**{f"{prefix}establishment__organisation_id__in": orgs})
    if ests:
        q |= Q(**{f"{prefix}establishment_id__in": ests})
    if units:
        q |= Q(**{f"{prefix}{'id' if not prefix else 'id'}__in": units})
    return q


def units_visible_to(user, perm: str = Perm.VIEW_RECORDS) -> QuerySet:
    from parcours.directory.models import Unit

    return Unit.objects.filter(units_q(user, perm))


def establishments_visible_to(user, perm: str = Perm.VIEW_RECORDS) -> QuerySet:
    """Establishments in scope: whole establishments, and those holding a unit in scope."""
    from parcours.directory.models import Establishment

    if sees_everything(user):
        return Establishment.objects.all()
    orgs, ests, units = _scope_ids(user, perm)
    orgs = _with_group_members(orgs)
    return Establishment.objects.filter(
        Q(organisation_id__in=orgs) | Q(id__in=ests) | Q(units__id__in=units)
    ).distinct()


def organisations_visible_to(user, perm: str = Perm.VIEW_RECORDS) -> QuerySet:
    """Organisations in scope, those holding an establishment in scope, and the groups they belong to."""
    from parcours.directory.models import Organisation

    if sees_everything(user):
        return Organisation.objects.all()
    holding = establishments_visible_to(user, perm).values("organisation_id")
    orgs = organisation_ids(user, perm) or set()
    base = Q(id__in=orgs) | Q(id__in=holding)
    return Organisation.objects.filter(base | Q(members__in=Organisation.objects.filter(base))).distinct()


def _person_scope_q(user, perm: str) -> Q:
    from parcours.pathways.models import Stay

    orgs, ests, units = _scope_ids(user, perm)
    if not (orgs or ests or units):
        return Q(pk__in=[])
    unit_filter = units_q(user, perm, prefix="unit__")
    est_ids = establishments_visible_to(user, perm).values("id")
    stays = Stay.objects.filter(unit_filter, person_id=OuterRef("pk"))
    return Q(home_establishment_id__in=est_ids) | Q(Exists(stays))


def persons_visible_to(
    user, queryset: QuerySet, perm: str = Perm.VIEW_RECORDS, *, include_own: bool = True
) -> QuerySet:
    """Persons a user may see for a permission: registered by an establishment in scope or with a
    stay (past or present) in a unit in scope. Archived records only for the roles allowed to
    consult archives. A partner sees only the persons it registered itself or referred
    (include_own=False leaves them out: the professionals' scope only)."""
    if not user.is_authenticated:
        return queryset.none()
    if sees_everything(user):
        return queryset
    active = Q(archived_at__isnull=True) & _person_scope_q(user, perm)
    archived = Q(archived_at__isnull=False) & _person_scope_q(user, Perm.VIEW_ARCHIVES)
    own = Q(pk__in=[])
    if include_own and Role.PARTNER in roles_of(user):
        from parcours.admissions.models import Referral

        own = Q(created_by=user) | Q(Exists(Referral.objects.filter(person_id=OuterRef("pk"), referrer=user)))
    return queryset.filter(active | archived | own)


def person_for(user, person_id, perm: str = Perm.VIEW_RECORDS, *, related=("commune", "home_establishment")):
    """The person if visible to the user (404 otherwise); 403 when visible but perm is not granted.
    related: the relations loaded with it (the API, which answers their ids, needs none)."""
    from parcours.people.models import Person

    try:
        person_id = int(person_id)
    except (TypeError, ValueError):
        raise NotFound("Personne introuvable.") from None
    visible = persons_visible_to(user, Person.objects.all(), Perm.VIEW_RECORDS)
    person = next(iter(visible.filter(pk=person_id).select_related(*related).order_by()[:1]), None)
    if person is None:
        raise NotFound("Personne introuvable.")
    if (
        perm != Perm.VIEW_RECORDS
        and not persons_visible_to(user, Person.objects.filter(pk=person_id), perm).exists()
    ):
        raise Forbidden()
    return person


def plans_visible_to(user, queryset: QuerySet) -> QuerySet:
    """Individual plans a user may see: those of the persons in its professional scope. A partner
    sees only the PPE — the département's own document — and the rapport de situation sent to it, of a
    child it registered or referred, and only when its organisation is the authority of one of the
    child's measures calling for a PPE; never the establishment's DIPC, contrat de séjour or projet
    personnalisé (DOMAIN.md: shared secrecy is limited to what is strictly necessary)."""
    from parcours.people.models import Measure, Person
    from parcours.plans.models import DEPARTEMENT_KINDS
    from parcours.plans.rules import PPE_MEASURES

    if not user.is_authenticated:
        return queryset.none()
    if sees_everything(user):
        return queryset
    professional = persons_visible_to(user, Person.objects.all(), include_own=False)
    q = Q(person__in=professional.values("pk"))
    partner_orgs = {
        m.organisation_id for m in _memberships(user) if m.role == Role.PARTNER and m.organisation_id
    }
    if partner_orgs:
        own = persons_visible_to(user, Person.objects.all()).values("pk")
        ppe_authority = Measure.objects.filter(
            person_id=OuterRef("person_id"), authority_id__in=partner_orgs, kind__in=PPE_MEASURES
        )
        q |= Q(kind__in=DEPARTEMENT_KINDS, person__in=own) & Q(Exists(ppe_authority))
    return queryset.filter(q)


def unit_for(user, unit_id, perm: str = Perm.VIEW_RECORDS, *, lock: bool = False):
    """The unit if in scope (404 otherwise), 403 when in scope but perm is not granted."""
    from parcours.directory.models import Unit

    try:
        unit_id = int(unit_id)
    except (TypeError, ValueError):
        raise NotFound("Unité introuvable.") from None
    if not units_visible_to(user).filter(pk=unit_id).exists():
        raise NotFound("Unité introuvable.")
    if perm != Perm.VIEW_RECORDS and not units_visible_to(user, perm).filter(pk=unit_id).exists():
        raise Forbidden()
    qs = Unit.objects.select_related("establishment__organisation")
    if lock:
        qs = qs.select_for_update(of=("self",))
    return qs.get(pk=unit_id)


def require(user, perm: str) -> None:
    """403 unless the user holds the permission in at least one scope."""
    if not has_perm_somewhere(user, perm):
        raise Forbidden()


def referrals_visible_to(user, queryset: QuerySet) -> QuerySet:
    """Referrals a user may see: those it sent; for professionals, those addressed to a unit of its
    scope or decided for one, those addressed to an organisation (group) of its scope, and, for the
    group's admins and coordinators, those addressed to every unit."""
    from parcours.directory.models import Unit

    if not user.is_authenticated:
        return queryset.none()
    if sees_everything(user):
        return queryset
    q = Q(referrer=user)
    if has_perm_somewhere(user, Perm.VIEW_RECORDS):
        unit_ids = Unit.objects.filter(units_q(user)).values("id")
        q |= Q(target_units__in=unit_ids) | Q(decisions__unit__in=unit_ids)
        # addressed to the organisation (or the group) that holds a unit of the user's scope
        holders = Unit.objects.filter(units_q(user)).values("establishment__organisation_id")
        q |= Q(target_units__isnull=True) & (
            Q(organisation_id__in=holders) | Q(organisation__members__in=holders)
        )
        orgs = organisation_ids(user) or set()
        if orgs:
            q |= Q(organisation_id__in=orgs)
        if roles_of(user) & {Role.ADMIN, Role.COORDINATOR}:
            q |= Q(organisation__isnull=True, target_units__isnull=True)
    return queryset.filter(q).distinct()


# --- organisation-level objects: steering and user management ------------------------------------
# An object held by an organisation as a whole (a CPOM, an organisation-wide meeting or activity
# report, an assessment grid, the group allocation, a user account) is the business of those whose
# membership covers the whole organisation: a membership on it, or on a group it belongs to. A unit
# or establishment membership reaches its own figures and registers, not its organisation's.


def organisation_ids_at_org_level(user, perm: str = Perm.VIEW_RECORDS) -> set[int] | None:
    """Organisations covered by an organisation-level membership granting perm (over its scope): the
    membership's organisation and, for a group, its member organisations (transitively). None:
    every organisation (superuser). Establishment and unit memberships cover none."""
    if sees_everything(user):
        return None
    allowed = roles_with(perm)
    direct = {m.organisation_id for m in _memberships(user) if m.organisation_id and m.role in allowed}
    return _with_group_members(direct) if direct else set()


def establishment_ids_at_level(user, perm: str = Perm.VIEW_RECORDS) -> set[int] | None:
    """Establishments covered as a whole by a membership granting perm: establishment-level
    memberships and the establishments of the organisations covered at organisation level. None:
    every establishment (superuser). A unit membership covers none."""
    from parcours.directory.models import Establishment

    orgs = organisation_ids_at_org_level(user, perm)
    if orgs is None:
        return None
    allowed = roles_with(perm)
    ests = {m.establishment_id for m in _memberships(user) if m.establishment_id and m.role in allowed}
    if orgs:
        ests |= set(Establishment.objects.filter(organisation_id__in=orgs).values_list("id", flat=True))
    return ests


def covers_organisation(user, organisation_id, perm: str = Perm.VIEW_RECORDS) -> bool:
    """Whether an organisation-level membership granting perm covers this organisation."""
    orgs = organisation_ids_at_org_level(user, perm)
    return orgs is None or organisation_id in orgs
