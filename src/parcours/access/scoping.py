"""The one access-scoping layer. Every selector and API handler goes through these functions.

A user holds memberships (role, scope). A scope is an organisation (with, for a group, all its
member organisations), an establishment or a unit. What a user may see or do is the union of the
scopes of the memberships whose role grants the permission. Objects outside it answer 404.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from parcours.access.roles import OPENED_BY_REFERRALS, Perm, Reach, Role, reaches, roles_with
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
    """Whether one of the user's roles grants the permission, over any reach."""
    if sees_everything(user):
        return True
    return any(reaches(m.role, perm) for m in _memberships(user))


def grants_over_scope(user, perm: str) -> bool:
    """Whether one of the user's roles grants perm over its memberships' scopes (a professional),
    not only over the persons it registered or referred itself (a partner)."""
    return sees_everything(user) or Reach.MEMBERSHIP in _reaches(user, perm)


def _reaches(user, perm: str) -> set[str]:
    """How far the user's memberships grant the permission (Reach values)."""
    return {how for m in _memberships(user) if (how := reaches(m.role, perm))}


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
    """The persons of the user's memberships granting perm (least privilege, L226-2-2 CASF): those
    registered by an establishment of an organisation- or establishment-level scope, and those with a
    stay in a unit of any scope — for a unit-level scope, a stay still running or ended within the
    retention period (RETENTION_YEARS); for knowing the person (OPENED_BY_REFERRALS), also those with
    a referral addressed or a decision taken in a unit of the scope. A unit membership does not open
    the rest of its establishment."""
    from django.conf import settings

    from parcours.admissions.models import Decision, Referral
    from parcours.core.dates import add_years, today
    from parcours.directory.models import Establishment, Unit
    from parcours.pathways.models import Stay

    orgs, ests, units = _scope_ids(user, perm)
    if not (orgs or ests or units):
        return Q(pk__in=[])
    orgs = _with_group_members(orgs)
    q = Q(pk__in=[])
    whole = Q(pk__in=[])  # units of whole organisations or establishments
    if orgs or ests:
        holders = Establishment.objects.filter(Q(organisation_id__in=orgs) | Q(id__in=ests)).values("id")
        q |= Q(home_establishment_id__in=holders)
        whole = Q(unit__establishment__organisation_id__in=orgs) | Q(unit__establishment_id__in=ests)
    stay_q = whole
    if units:
        limit = add_years(today(), -settings.RETENTION_YEARS)
        stay_q |= Q(unit_id__in=units) & (Q(end_date__isnull=True) | Q(end_date__gte=limit))
    q |= Q(Exists(Stay.objects.filter(stay_q, person_id=OuterRef("pk"))))
    if perm not in OPENED_BY_REFERRALS:
        return q
    in_scope = Unit.objects.filter(units_q(user, perm)).values("id")
    q |= Q(Exists(Referral.objects.filter(person_id=OuterRef("pk"), target_units__in=in_scope)))
    q |= Q(Exists(Decision.objects.filter(referral__person_id=OuterRef("pk"), unit_id__in=in_scope)))
    return q


def _own_q(user, reach: str) -> Q:
    """The persons a partner reaches: registered or referred by the user (Reach.OWN); registered by
    the user and not admitted in any unit yet (Reach.OWN_UNADMITTED)."""
    from parcours.admissions.models import Referral
    from parcours.pathways.models import Stay

    if reach == Reach.OWN_UNADMITTED:
        return Q(created_by=user) & ~Q(Exists(Stay.objects.filter(person_id=OuterRef("pk"))))
    return Q(created_by=user) | Q(Exists(Referral.objects.filter(person_id=OuterRef("pk"), referrer=user)))


def persons_visible_to(user, queryset: QuerySet, perm: str = Perm.VIEW_RECORDS) -> QuerySet:
    """Persons a user may see or act on for a permission, as far as each of its roles' grants reach
    (roles.PERMISSIONS): over its memberships' scopes (archived records only for the roles allowed to
    consult archives), or over the persons the user registered or referred itself (the partner)."""
    if not user.is_authenticated:
        return queryset.none()
    if sees_everything(user):
        return queryset
    return queryset.filter(_persons_q(user, perm))


def _persons_q(user, perm: str) -> Q:
    how = _reaches(user, perm)
    q = Q(pk__in=[])
    if Reach.MEMBERSHIP in how:
        q |= Q(archived_at__isnull=True) & _person_scope_q(user, perm)
        q |= Q(archived_at__isnull=False) & _person_scope_q(user, Perm.VIEW_ARCHIVES)
    for reach in how - {Reach.MEMBERSHIP}:
        q |= _own_q(user, reach)
    return q


def _signature(user, perm: str) -> tuple:
    """Two permissions with the same signature reach exactly the same persons for this user."""
    return tuple(reaches(m.role, perm) for m in _memberships(user)), perm in OPENED_BY_REFERRALS


def _same_reach(user, perm: str, base: str) -> bool:
    """Whether perm reaches exactly the persons base reaches for this user (no query needed)."""
    return _signature(user, perm) == _signature(user, base)


def rights_on(user, person_id: int, perms, *, visible_as: str | None = Perm.VIEW_IDENTITY) -> dict[str, bool]:
    """Which of perms the user holds on one person, in one query (one flag per distinct reach);
    visible_as: a permission the user is known to hold on the person (its equals need no query)."""
    from django.db.models import BooleanField, ExpressionWrapper

    from parcours.people.models import Person

    perms = list(perms)
    if sees_everything(user):
        return dict.fromkeys(perms, True)
    groups: dict[tuple, list[str]] = {}
    for perm in perms:
        groups.setdefault(_signature(user, perm), []).append(perm)
    result, flags = {}, {}
    known = _signature(user, visible_as) if visible_as else None
    for index, (signature, group) in enumerate(groups.items()):
        if signature == known:
            result.update(dict.fromkeys(group, True))
        elif any(signature[0]):
            flags[f"granted_{index}"] = (group, _persons_q(user, group[0]))
        else:
            result.update(dict.fromkeys(group, False))
    if flags:
        annotations = {k: ExpressionWrapper(q, output_field=BooleanField()) for k, (_, q) in flags.items()}
        row = Person.objects.filter(pk=person_id).annotate(**annotations).values(*annotations).first() or {}
        for key, (group, _) in flags.items():
            result.update(dict.fromkeys(group, bool(row.get(key))))
    return result


def person_for(user, person_id, perm: str = Perm.VIEW_RECORDS, *, related=("commune", "home_establishment")):
    """The person if the user may know it (404 otherwise: existence does not leak); 403 when it is
    known but the permission asked is not granted on it. related: the relations loaded with it (the
    API, which answers their ids, needs none)."""
    from parcours.people.models import Person

    try:
        person_id = int(person_id)
    except (TypeError, ValueError):
        raise NotFound("Personne introuvable.") from None
    visible = persons_visible_to(user, Person.objects.all(), Perm.VIEW_IDENTITY)
    check = perm != Perm.VIEW_IDENTITY and not sees_everything(user)
    check = check and not _same_reach(user, perm, Perm.VIEW_IDENTITY)
    if check:  # whether perm is granted, in the same query
        from django.db.models import BooleanField, ExpressionWrapper

        granted = _persons_q(user, perm) if has_perm_somewhere(user, perm) else Q(pk__in=[])
        visible = visible.annotate(perm_granted=ExpressionWrapper(granted, output_field=BooleanField()))
    person = next(iter(visible.filter(pk=person_id).select_related(*related).order_by()[:1]), None)
    if person is None:
        raise NotFound("Personne introuvable.")
    if check and not person.perm_granted:
        raise Forbidden()
    return person


def may(user, person, perm: str) -> bool:
    """Whether the user holds perm on this person (already known to be visible)."""
    return rights_on(user, person.pk, [perm])[perm]


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
    q = Q(pk__in=[])
    if Reach.MEMBERSHIP in _reaches(user, Perm.VIEW_PLANS):
        professional = persons_visible_to(user, Person.objects.all(), Perm.VIEW_RECORDS)
        q |= Q(person__in=professional.values("pk"))
    partner_orgs = own_organisation_ids(user, Perm.VIEW_PLANS)
    if partner_orgs:
        own = Person.objects.filter(_own_q(user, Reach.OWN)).values("pk")
        ppe_authority = Measure.objects.filter(
            person_id=OuterRef("person_id"), authority_id__in=partner_orgs, kind__in=PPE_MEASURES
        )
        q |= Q(kind__in=DEPARTEMENT_KINDS, person__in=own) & Q(Exists(ppe_authority))
    return queryset.filter(q)


def own_organisation_ids(user, perm: str) -> set[int]:
    """The organisations of the memberships granting perm only over the user's own persons (a
    partner's département, MDPH, PJJ…): what it reaches is what its organisation holds or was sent."""
    return {
        m.organisation_id
        for m in _memberships(user)
        if m.organisation_id and reaches(m.role, perm) in (Reach.OWN, Reach.OWN_UNADMITTED)
    }


def reaches_as_professional(user, person, perm: str) -> bool:
    """Whether the user holds perm on this person through its memberships' scopes (the whole part of
    the record), rather than only as a partner over its own persons (the part meant for it). The
    caller already knows the user holds perm on the person."""
    from parcours.people.models import Person

    if sees_everything(user):
        return True
    how = _reaches(user, perm)
    if Reach.MEMBERSHIP not in how:
        return False
    if how == {Reach.MEMBERSHIP}:
        return True
    scope = Q(archived_at__isnull=True) & _person_scope_q(user, perm)
    scope |= Q(archived_at__isnull=False) & _person_scope_q(user, Perm.VIEW_ARCHIVES)
    return Person.objects.filter(scope, pk=person.pk).exists()


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


def referrals_visible_to(
    user, queryset: QuerySet, perm: str = Perm.VIEW_RECORDS, *, sent: bool = True
) -> QuerySet:
    """Referrals a user may see: those it sent (sent=True); for professionals, those addressed to a
    unit of its scope or decided for one, those addressed to an organisation (group) of its scope,
    and, for the group's admins and coordinators, those addressed to every unit. perm: the
    permission the memberships must grant there (EDIT_RECORDS: the referrals a user handles, not
    only those it sees because it holds that permission in another scope)."""
    from parcours.directory.models import Unit

    if not user.is_authenticated:
        return queryset.none()
    if sees_everything(user):
        return queryset
    q = Q(referrer=user) if sent else Q(pk__in=[])
    if grants_over_scope(user, perm):
        unit_ids = Unit.objects.filter(units_q(user, perm)).values("id")
        q |= Q(target_units__in=unit_ids) | Q(decisions__unit__in=unit_ids)
        # addressed to the organisation (or the group) that holds a unit of the user's scope
        holders = Unit.objects.filter(units_q(user, perm)).values("establishment__organisation_id")
        q |= Q(target_units__isnull=True) & (
            Q(organisation_id__in=holders) | Q(organisation__members__in=holders)
        )
        orgs = organisation_ids(user, perm) or set()
        if orgs:
            q |= Q(organisation_id__in=orgs)
        if roles_with(perm) & roles_of(user) & {Role.ADMIN, Role.COORDINATOR}:
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
