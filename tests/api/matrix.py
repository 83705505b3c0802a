"""The personas and fixture objects of the permission matrices (API and pages).

Every persona holds one membership; what it may do with an object is COMPUTED from roles.PERMISSIONS
and from where the object lies with respect to that membership (`relation`), never typed per role:
change the table and the expectations change with it.

Places of a fixture object:
- "E1": in establishment E1 (unit U1, association `assoc`, member of the group `group`): in scope of the
  group admin and of the E1 personas, out of scope of the outsider (E2) and of the partner;
- "E2": in establishment E2 (unit U2, association `other_assoc`, member of `group2`): in scope of the
  outsider only;
- "OWN": about a child the partner registered and referred to U1 itself, admitted in U1 (a measure of
  its département, a PPE): the partner's own (Reach.OWN);
- "NEW": a child the partner registered and referred, not admitted anywhere (Reach.OWN and
  Reach.OWN_UNADMITTED).
"""

import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace

from django.utils import timezone

from parcours.access.roles import PERMISSIONS, Reach, Role
from parcours.core.dates import today
from tests.conftest import make_user

PDF = b"%PDF-1.4 matrice"


SCOPES = ("group", "e1", "e2", "departement")


@dataclass(frozen=True)
class Persona:
    """A user and its memberships: (role, scope) with scope one of SCOPES."""

    name: str
    memberships: tuple[tuple[str, str], ...]

    @property
    def roles(self) -> set[str]:
        return {role for role, _ in self.memberships}


def one(name, role, scope) -> Persona:
    return Persona(name, ((role, scope),))


PERSONAS = [
    one("admin", Role.ADMIN, "group"),
    one("director", Role.DIRECTOR, "e1"),
    one("head_of_service", Role.HEAD_OF_SERVICE, "e1"),
    one("coordinator", Role.COORDINATOR, "e1"),
    one("educator", Role.EDUCATOR, "e1"),
    one("psychologist", Role.PSYCHOLOGIST, "e1"),
    one("secretary", Role.SECRETARY, "e1"),
    one("quality", Role.QUALITY, "e1"),
    one("partner", Role.PARTNER, "departement"),
    one("outsider", Role.EDUCATOR, "e2"),
    # a read-only role at organisation level: the 403s of the organisation's own objects (its CPOM,
    # grids, commission), which only organisation-level memberships reach
    one("group_quality", Role.QUALITY, "group"),
    # two memberships: read-only on E1, writing on E2 — a right held in one scope opens nothing in
    # the other (a check of "the permission somewhere" instead of "over this object" shows here)
    Persona("mixed", ((Role.QUALITY, "e1"), (Role.EDUCATOR, "e2"))),
]
BY_NAME = {p.name: p for p in PERSONAS}

# which places a membership's scope covers
COVERS = {"group": {"E1", "OWN"}, "e1": {"E1", "OWN"}, "e2": {"E2"}, "departement": set()}


def relation(role: str, scope: str, place: str) -> set[str]:
    """How one membership reaches an object of that place (Reach values)."""
    rel = set()
    if place in COVERS[scope]:
        rel.add(Reach.MEMBERSHIP)
    if role == Role.PARTNER and place in ("OWN", "NEW"):
        rel.add(Reach.OWN)
        if place == "NEW":
            rel.add(Reach.OWN_UNADMITTED)
    return rel


def grants(persona: Persona, perm: str, place: str | None, *, level: str = "any") -> bool:
    """Whether roles.PERMISSIONS grants perm to the persona over an object of that place (place None:
    anywhere), through one of its memberships. level "organisation": only an organisation-level
    membership reaches (steering objects of an organisation as a whole, user accounts)."""
    for role, scope in persona.memberships:
        reach = PERMISSIONS[perm].get(str(role))
        if reach is None:
            continue
        if reach == Reach.MEMBERSHIP and level == "organisation" and scope not in ("group", "departement"):
            continue
        if place is None or reach in relation(role, scope, place):
            return True
    return False


def holds(persona: Persona, perms, place: str | None, *, level: str = "any") -> bool:
    """Any of perms (a tuple is an alternative)."""
    perms = (perms,) if isinstance(perms, str) else perms
    return any(grants(persona, p, place, level=level) for p in perms)


def outcome(
    persona: Persona,
    place: str | None,
    *,
    perm,
    see=None,
    level: str = "any",
    see_level: str | None = None,
    success: set[int],
    forbidden=frozenset({403}),
    reference: bool = False,
) -> set[int]:
    """The statuses a persona may get for an operation needing perm on an object of that place:
    - out of its sight (see, by default perm): 404 — or 403 when it holds perm nowhere (a refusal that
      does not depend on the object leaks nothing); a reference in a form or body (reference=True)
      may also answer 403 or 422 naming the field;
    - in sight, perm not granted over it: forbidden (403);
    - granted: success.
    place None: an operation on no particular object, granted when perm is held anywhere."""
    if place is None:
        return set(success) if holds(persona, perm, None, level=level) else {403, 404}
    visible = holds(persona, see or perm, place, level=see_level or level)
    if visible and holds(persona, perm, place, level=level):
        return set(success)
    if visible:
        return set(forbidden)
    if reference:
        return {403, 404, 422}
    return {404} if holds(persona, perm, None, level=level) else {403, 404}


# --- the fixture objects ------------------------------------------------------------------------


class Objects:
    """Builds the objects an operation is about, at a place, on demand (cached for reads, fresh for
    writes). Everything is built as a superuser (`root`) or as the partner for its own objects."""

    def __init__(self, world):
        self.w = world
        self._cache = {}
        self._seq = itertools.count(1)

    def get(self, kind: str, place: str, *, fresh: bool = False):
        if fresh:
            return getattr(self, kind)(place)
        key = (kind, place)
        if key not in self._cache:
            self._cache[key] = getattr(self, kind)(place)
        return self._cache[key]

    def n(self) -> int:
        return next(self._seq)

    # -- places
    def unit_of(self, place):
        return self.w.u2 if place == "E2" else self.w.u1

    def est_of(self, place):
        return self.w.e2 if place == "E2" else self.w.e1

    def org_of(self, place):
        return self.w.other_assoc if place == "E2" else self.w.assoc

    def group_of(self, place):
        return self.w.group2 if place == "E2" else self.w.group

    # -- persons
    def _new_person(self, place, *, stay=True, first="Enfant"):
        from parcours.admissions.models import Referral
        from parcours.pathways.models import Stay
        from parcours.people.models import Measure, Person

        w = self.w
        own = place in ("OWN", "NEW")
        person = Person.objects.create(
            first_name=f"{first}{self.n()}",
            last_name="Matrice",
            birth_date=date(2012, 5, 6),
            sex="f",
            commune=w.millau,
            home_establishment=None if own else self.est_of(place),
            created_by=w.partner if own else w.root,
        )
        if own:
            referral = Referral.objects.create(
                person=person,
                referrer=w.partner,
                modality="residential",
                public="child_protection",
                wished_date=date(2025, 1, 6),
                reason="Placement",
                received_on=date(2025, 1, 2),
            )
            referral.target_units.add(w.u1)
            Measure.objects.create(
                person=person,
                kind="judicial_placement",
                start_date=date(2024, 12, 1),
                authority=w.departement,
            )
        if stay and place != "NEW":
            Stay.objects.create(person=person, unit=self.unit_of(place), start_date=date(2024, 9, 1))
        return person

    def person(self, place):
        p = self._new_person(place)
        return SimpleNamespace(id=p.pk, person_id=p.pk, name=p.first_name)

    def home(self, place):
        """Where a new record is registered: the establishment, or nowhere for the partner's own."""
        return SimpleNamespace(id=None if place in ("OWN", "NEW") else self.est_of(place).pk)

    def person_no_stay(self, place):
        """Registered by the establishment (E1/E2), not staying anywhere: free to be admitted."""
        p = self._new_person(place, stay=False)
        return SimpleNamespace(id=p.pk, person_id=p.pk, name=p.first_name)

    def measure(self, place):
        from parcours.people.models import Measure

        p = self._new_person(place)
        m = Measure.objects.filter(person=p).first() or Measure.objects.create(
            person=p, kind="administrative_care", start_date=date(2024, 10, 1)
        )
        return SimpleNamespace(id=m.pk, measure_id=m.pk, person_id=p.pk)

    def document(self, place):
        from parcours.people import services as people

        p = self._new_person(place)
        by = self.w.partner if place in ("OWN", "NEW") else self.w.root
        doc = people.upload_document(by, p.pk, filename="bilan.pdf", data=PDF, kind="report")
        return SimpleNamespace(id=doc.pk, document_id=doc.pk, person_id=p.pk)

    def stay(self, place):
        p = self._new_person(place)
        s = p.stays.get()
        return SimpleNamespace(id=s.pk, stay_id=s.pk, person_id=p.pk, unit_id=s.unit_id)

    # -- referrals
    def _referral(self, place, **extra):
        from parcours.admissions.models import Referral

        if place in ("OWN", "NEW"):
            p = self._new_person("NEW")  # referred by the partner, not admitted yet (free to admit)
            r = Referral.objects.get(person=p)
            for field, value in extra.items():
                setattr(r, field, value)
            r.save()
            return r
        p = self._new_person(place, stay=False)
        values = dict(
            person=p,
            referrer=self.w.root,
            modality="residential",
            public="child_protection",
            emergency=True,
            wished_date=date(2025, 1, 6),
            reason="Orientation",
            received_on=date(2025, 1, 2),
        )
        values.update(extra)
        r = Referral.objects.create(**values)
        r.target_units.add(self.unit_of(place))
        return r

    def referral(self, place):
        r = self._referral(place, emergency=True)
        return SimpleNamespace(
            id=r.pk,
            referral_id=r.pk,
            person_id=r.person_id,
            unit=self.unit_of(place).pk,
            name=r.person.first_name,
        )

    def inclusion_referral(self, place):
        r = self._referral(place, public="inclusion")
        return SimpleNamespace(id=r.pk, referral_id=r.pk, person_id=r.person_id)

    def referral_document(self, place):
        from parcours.admissions import services as admissions

        r = self._referral(place)
        by = self.w.partner if place in ("OWN", "NEW") else self.w.root
        doc = admissions.attach_document(by, r.pk, filename="jugement.pdf", data=PDF, kind="judgement")
        return SimpleNamespace(id=r.pk, referral_id=r.pk, document_id=doc.pk)

    def session(self, place):
        from parcours.admissions.models import CommissionSession

        s = CommissionSession.objects.create(date=date(2025, 2, 3), organisation=self.group_of(place))
        return SimpleNamespace(id=s.pk, session_id=s.pk)

    def session_and_referral(self, place):
        out = self.session(place)
        out.referral = self.referral(place).id
        return out

    # -- plans
    def _plan(self, place, *, signed=False, items=False):
        from parcours.plans.models import Objective, Plan

        p = self._new_person(place)
        kind = "ppe" if place in ("OWN", "NEW") else "personalised_plan"
        plan = Plan.objects.create(
            person=p,
            kind=kind,
            start_date=date(2025, 1, 6),
            due_date=date(2025, 7, 6),
            created_by=self.w.root,
        )
        objective = Objective.objects.create(plan=plan, domain="health", description="Suivi médical")
        if items:
            plan.needs = [{"domain": "health", "serafin": "", "description": "Suivi dentaire"}]
            plan.partners = [{"name": "CMP", "role": "Soins"}]
            plan.save()
        if signed:
            plan.status = "signed"
            plan.signed_on = date(2025, 2, 1)
            plan.signatories = ["Le jeune", "La directrice"]
            plan.next_review_date = date(2026, 2, 1)
            plan.save()
        return SimpleNamespace(
            id=plan.pk, plan_id=plan.pk, objective_id=objective.pk, person_id=p.pk, name=p.first_name
        )

    def plan(self, place):
        return self._plan(place)

    def signed_plan(self, place):
        return self._plan(place, signed=True)

    def plan_with_items(self, place):
        """A draft with a need and a partner (index 0 of each)."""
        return self._plan(place, items=True)

    # -- the offer, users
    def unit(self, place):
        u = self.unit_of(place)
        return SimpleNamespace(id=u.pk, unit_id=u.pk)

    def establishment(self, place):
        e = self.est_of(place)
        return SimpleNamespace(id=e.pk, establishment_id=e.pk)

    def organisation(self, place):
        o = self.org_of(place)
        return SimpleNamespace(id=o.pk, organisation_id=o.pk)

    def group(self, place):
        g = self.group_of(place)
        return SimpleNamespace(id=g.pk)

    def user(self, place):
        """A colleague's account at the place (not a persona)."""
        u = make_user(f"agent{self.n()}", Role.EDUCATOR, self.est_of(place))
        return SimpleNamespace(id=u.pk, user=u)

    def token(self, place):
        from parcours.access.models import ApiToken
        from parcours.access.services import issue_token

        u = self.user(place).user
        issue_token(u)
        t = ApiToken.objects.filter(user=u).get()
        return SimpleNamespace(id=t.pk, token_id=t.pk)

    def audit_event(self, place):
        from parcours.access.models import AuditAction, AuditEvent
        from parcours.access.services import audit

        p = self._new_person(place)
        audit(self.w.root, AuditAction.VIEW, p, person=p, section="matrix")
        event = AuditEvent.objects.filter(person_id=p.pk).latest("id")
        return SimpleNamespace(id=event.pk, person_id=p.pk)

    # -- assessment grids
    def _grid(self, place, *, publish=False):
        from parcours.assessments import services

        root = self.w.root
        grid = services.create_grid(root, organisation=self.org_of(place).pk, name=f"Grille {self.n()}")
        section = services.add_section(root, grid.pk, title="Situation")
        question = services.add_question(
            root, grid.pk, section=section.pk, label="Observations", kind="text", key="observations"
        )
        extra = services.add_question(
            root, grid.pk, section=section.pk, label="Autre", kind="text", key="autre"
        )
        if publish:
            services.publish(root, grid.pk)
        return SimpleNamespace(
            id=grid.pk, grid_id=grid.pk, section_id=section.pk, question_id=question.pk, extra_id=extra.pk
        )

    def grid(self, place):
        return self._grid(place)

    def published_grid(self, place):
        out = self._grid(place, publish=True)
        out.person_id = self._new_person(place).pk
        return out

    def referral_grid(self, place):
        """A published grid and a referral to fill it for."""
        out = self._grid(place, publish=True)
        out.referral_id = self._referral(place).pk
        return out

    def referral_assessment(self, place):
        from parcours.assessments import services

        grid = self._grid(place, publish=True)
        referral = self._referral(place)
        a = services.start_assessment(
            self.w.root, grid=grid.grid_id, referral=referral.pk, answers={"observations": "x"}
        )
        return SimpleNamespace(id=a.pk, assessment_id=a.pk, grid_id=grid.grid_id, referral_id=referral.pk)

    def assessment(self, place):
        from parcours.assessments import services

        grid = self._grid(place, publish=True)
        p = self._new_person(place)
        a = services.start_assessment(
            self.w.root, grid=grid.grid_id, person=p.pk, answers={"observations": "x"}
        )
        return SimpleNamespace(id=a.pk, assessment_id=a.pk, grid_id=grid.grid_id, person_id=p.pk)

    # -- steering
    def report(self, place):
        from parcours.steering.models import ActivityReport, ReportStatus

        u = self.unit_of(place)
        r = ActivityReport.objects.create(
            scope=f"unit:{u.pk}",
            label=u.name,
            year=2024,
            requested_by=self.w.root,
            status=ReportStatus.DONE,
            pdf=PDF,
            xlsx=b"PK",
        )
        return SimpleNamespace(id=r.pk, report_id=r.pk, fmt="pdf")

    def incident(self, place):
        from parcours.steering.incidents import services

        incident = services.declare(
            self.w.root,
            establishment=self.est_of(place).pk,
            unit=self.unit_of(place).pk,
            occurred_at=timezone.now() - timedelta(days=3),
            description="Altercation dans le couloir.",
        )
        p = self._new_person(place)
        services.add_person(self.w.root, incident.pk, p.pk, "victim")
        return SimpleNamespace(
            id=incident.pk, incident_id=incident.pk, person_id=p.pk, unit=self.unit_of(place).pk
        )

    def incident_to_report(self, place):
        """A serious event (EIG), classified, to be reported to the authority."""
        from parcours.steering.incidents import services

        out = self.incident(place)
        services.classify(self.w.root, out.incident_id, category="violence", serious=True)
        return out

    def incident_classified(self, place):
        from parcours.steering.incidents import services

        out = self.incident(place)
        services.classify(self.w.root, out.incident_id, category="violence", serious=False)
        return out

    def incident_analysed(self, place):
        from parcours.steering.incidents import services

        out = self.incident_classified(place)
        services.analyse(self.w.root, out.incident_id, causes="Encadrement insuffisant.")
        action = services.add_corrective_action(
            self.w.root,
            out.incident_id,
            description="Former l'équipe",
            owner="Direction",
            due_date=today() + timedelta(days=30),
        )
        out.action_id = action.pk
        return out

    def meeting(self, place):
        from parcours.steering.meetings import services

        m = services.create_meeting(
            self.w.root, kind="case_review", date=date(2025, 3, 14), establishment=self.est_of(place).pk
        )
        participant = services.add_participant(
            self.w.root, m.pk, name="Mme Invitée", profession="Psychologue"
        )
        named = self._new_person(place)
        services.add_person(self.w.root, m.pk, named.pk)
        p = self._new_person(place)
        return SimpleNamespace(
            id=m.pk,
            meeting_id=m.pk,
            participant_id=participant.pk,
            person_id=p.pk,
            named_id=named.pk,
            named_name=named.first_name,
        )

    def meeting_named(self, place):
        out = self.meeting(place)
        out.person_id = out.named_id
        return out

    def practice_request(self, place):
        from parcours.steering.meetings import services

        req = services.create_request(
            self.w.root,
            establishment=self.est_of(place).pk,
            professions="éducateurs",
            group_size=10,
            session_duration_minutes=120,
            period_start=date(2025, 9, 1),
            period_end=date(2025, 12, 31),
            frequency="monthly",
            sessions_planned=2,
        )
        proposal = services.add_proposal(self.w.root, req.pk, facilitator_name="Mme Morel", sessions_count=2)
        return SimpleNamespace(id=req.pk, request_id=req.pk, proposal_id=proposal.pk)

    def framework(self, place=None):
        from parcours.steering.quality.models import Framework
        from parcours.steering.quality.sample import workbook_bytes
        from parcours.steering.quality.services import import_framework

        framework = Framework.objects.order_by("id").first()
        if framework is None:
            framework = import_framework(self.w.root, workbook_bytes(), "referentiel.xlsx", version="2022")
        return SimpleNamespace(
            id=framework.pk, framework_id=framework.pk, criterion_id=framework.criteria.first().pk
        )

    def self_assessment(self, place):
        from parcours.steering.quality import services

        fw = self.get("framework", "ANY")
        self.close_self_assessments(place)
        a = services.start_self_assessment(self.w.root, establishment=self.est_of(place).pk, framework=fw.id)
        action = services.add_action(self.w.root, a.pk, action="Former l'équipe", owner="Direction")
        return SimpleNamespace(
            id=a.pk,
            assessment_id=a.pk,
            criterion_id=fw.criterion_id,
            action_id=action.pk,
            framework_id=fw.id,
            establishment_id=self.est_of(place).pk,
        )

    def close_self_assessments(self, place):
        """One self-assessment in progress per establishment: the earlier ones of the matrix are done."""
        from parcours.steering.quality.models import SelfAssessment

        SelfAssessment.objects.filter(establishment=self.est_of(place)).update(status="completed")

    def cpom(self, place):
        from parcours.steering.cpom import services

        root = self.w.root
        cpom = services.create_cpom(
            root, organisation=self.org_of(place).pk, title=f"CPOM {self.n()}", start_year=2024
        )
        objective = services.add_objective(root, cpom.pk, title="Qualité")
        action = services.add_action(root, objective.pk, number="1.1", title="Lisibilité")
        stage = services.add_stage(root, action.pk, label="Site internet", planned_years=[2024])
        indicator = services.add_indicator(root, action=action.pk, label="Rencontres", targets={"2024": 6})
        return SimpleNamespace(
            id=cpom.pk,
            cpom_id=cpom.pk,
            objective_id=objective.pk,
            action_id=action.pk,
            stage_id=stage.pk,
            indicator_id=indicator.pk,
            year=2024,
        )

    def notification(self, place):
        from parcours.admissions.models import Notification

        u = self.user(place).user
        n = Notification.objects.create(user=u, text="Pour un collègue")
        return SimpleNamespace(id=n.pk, notification_id=n.pk)


def build_personas(world):
    """The world's personas plus the E1 roles it lacks, a superuser to build the objects, a second
    group holding E2's association, and room in U1 and U2 for the admissions the matrix makes."""
    from parcours.access.models import Membership
    from parcours.directory.models import Organisation, UnitCapacity

    world.head_of_service = make_user("chef_e1", Role.HEAD_OF_SERVICE, world.e1)
    world.coordinator = make_user("coord_e1", Role.COORDINATOR, world.e1)
    world.psychologist = make_user("psy_e1", Role.PSYCHOLOGIST, world.e1)
    world.secretary = make_user("secr_e1", Role.SECRETARY, world.e1)
    world.root = make_user("root_matrice", is_superuser=True, is_staff=True)
    world.group_quality = make_user("qualite_groupe", Role.QUALITY, world.group)
    world.mixed = make_user("qualite_e1_educ_e2", Role.QUALITY, world.e1)
    Membership.objects.create(user=world.mixed, role=Role.EDUCATOR, establishment=world.e2)
    world.group2 = Organisation.objects.create(name="Autre groupement", kind="group")
    world.other_assoc.member_of.add(world.group2)
    UnitCapacity.objects.filter(unit__in=[world.u1, world.u2]).update(capacity=500)
    return world


def matrix_world(settings, request):
    """The world of both permission matrices: the personas built, activity reports queued rather than
    built (the matrices are about who may do what), a clean cache."""
    from django.core.cache import cache

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default", "reports"]}
    }
    cache.clear()
    world = request.getfixturevalue("world")
    build_personas(world)
    return world
