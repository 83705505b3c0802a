"""The permission matrix of the pages (issue 12, "Proof"): every URL pattern of the site (not the
API, not the /gestion/ admin) is classified, and every page that shows or changes personal data —
and every pattern naming an object by an id — has a rule tried as every persona, in and out of
scope, like tests/api/test_permission_matrix.py: the expected status is computed from
roles.PERMISSIONS (tests/api/matrix.outcome) and where the object lies; a refused form changes
nothing; a page a persona may see answers `Cache-Control: no-store`.

A page: 200 when granted (a form posted with valid data: its redirect, 302), 403 when the object is
in sight but the permission is not granted, 404 out of sight (403 when the persona holds the
permission nowhere). A list page shows the object exactly when the persona is granted it.
"""

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from parcours.access.roles import Perm
from parcours.core.dates import today
from tests.api.matrix import PDF, PERSONAS, Objects, Persona, holds, matrix_world, outcome

V_ID = Perm.VIEW_IDENTITY
VR = Perm.VIEW_RECORDS
ER = Perm.EDIT_RECORDS
MQ = Perm.MANAGE_QUALITY
MO = Perm.MANAGE_OFFER
REFERRAL_SIGHT = (Perm.VIEW_RECORDS, Perm.REFER)
DECLARERS = (Perm.EDIT_RECORDS, Perm.MANAGE_QUALITY)
COMMISSION = (Perm.MANAGE_OFFER, Perm.MANAGE_QUALITY)
ORG = "organisation"
CHANGES = {"create", "update", "delete", "merge", "archive"}

# objects with a partner's own version (tests/api/matrix.Objects, place "OWN")
OWN_KINDS = {"person", "person_no_stay", "document", "stay", "referral", "referral_document", "plan"}
OWN_KINDS |= {"signed_plan", "plan_with_items", "home"}


@dataclass(frozen=True)
class Page:
    perm: str | tuple  # the permission(s) the page needs (any of a tuple)
    on: str | None = None  # the kind of tests/api/matrix.Objects the page is about
    see: str | tuple | None = None  # what makes the object visible (default: perm)
    level: str = "any"  # ORG: only organisation-level memberships reach
    see_level: str | None = None
    method: str = "GET"
    data: Callable | None = None  # (obj, ctx) -> the form posted
    query: Callable | None = None  # (obj, ctx) -> query string parameters
    shows: Callable | None = None  # (obj) -> a text the page shows exactly when it is granted
    ok: frozenset | None = None  # success statuses (default: 200 for GET, 302 for POST)
    forbidden: frozenset = frozenset({403})
    reference: bool = False  # the object is named in the form or the query, not the path
    empty: bool = False  # refuses by showing nothing (a list of what the persona may see)
    why: str = ""

    @property
    def success(self) -> set[int]:
        return set(self.ok or ({200} if self.method == "GET" else {302}))


def day(offset=0) -> str:
    return (today() + timedelta(days=offset)).isoformat()


def upload(name="piece.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


P = Page
POST = "POST"

# Patterns that show no personal data and name no object (the reason is the rule): a new pattern
# must be classified here or get a rule in PAGES.
OTHER_PAGES = {
    "healthz": "liveness check, no data",
    "access:login": "login form",
    "access:logout": "logout (POST)",
    "access:account": "the user's own account and tokens",
    "access:totp_setup": "the user's own second factor",
    "access:totp_verify": "the user's own second factor",
    "directory:offer": "the offer: units, capacities and occupancy counts",
    "directory:partners": "directory of partner organisations",
    "admissions:shared_offer": "the offer shared with partners: counts only",
    "admissions:notifications": "the user's own notifications",
    "quality:framework": "the HAS framework (reference data)",
    "home": "redirects to the board or the offer",
}

PAGES: dict[str, Page | tuple[Page, ...]] = {
    # --- accounts, audit --------------------------------------------------------------------------
    "access:revoke_token": P(Perm.MANAGE_USERS, on="token", level=ORG, method=POST),
    "access:two_factor_policy": P(Perm.MANAGE_USERS),
    "access:audit": P(Perm.VIEW_AUDIT),
    # --- the offer --------------------------------------------------------------------------------
    "directory:unit": P(VR, on="unit"),
    "directory:admission_terms": P(
        MO, on="unit", see=VR, method=POST, data=lambda o, c: {"admission_criteria": "Sur dossier"}
    ),
    # --- persons ----------------------------------------------------------------------------------
    "people:search": P(
        V_ID,
        on="person",
        reference=True,
        query=lambda o, c: {"q": o.name},
        shows=lambda o: f"/personnes/{o.id}/",
        why="the query is echoed in the search box: the link to the record tells what is found",
    ),
    "people:create": P(
        Perm.REGISTER_PERSONS,
        on="home",
        method=POST,
        reference=True,
        data=lambda o, c: {
            "last_name": f"Créé{c.n()}",
            "first_name": "Page",
            "birth_date": day(-4000 - c.n()),
            "sex": "f",
            "home_establishment": o.id or "",
        },
    ),
    "people:record": P(V_ID, on="person", shows=lambda o: o.name),
    "people:add_note": (
        P(
            ER,
            on="person",
            see=V_ID,
            method=POST,
            data=lambda o, c: {"text": "Observation", "confidentiality": "team"},
        ),
        P(
            Perm.CONFIDENTIAL_NOTES,
            on="person",
            see=V_ID,
            method=POST,
            data=lambda o, c: {"text": "Réservée", "confidentiality": "coordinator"},
        ),
    ),
    "people:add_measure": P(
        ER,
        on="person",
        see=V_ID,
        method=POST,
        data=lambda o, c: {"kind": "administrative_care", "start_date": "2025-01-01"},
    ),
    "people:add_relationship": P(
        ER,
        on="person",
        see=V_ID,
        method=POST,
        data=lambda o, c: {"relative": c.fresh("person", o.place).id, "kind": "sibling"},
    ),
    "people:upload_document": P(
        Perm.ADD_DOCUMENTS,
        on="person",
        see=V_ID,
        method=POST,
        data=lambda o, c: {"file": upload(), "kind": "report"},
    ),
    "people:share_document": P(
        ER,
        on="document",
        see=V_ID,
        method=POST,
        data=lambda o, c: {"document": o.document_id, "organisation": c.w.departement.pk},
    ),
    "people:update_identity": P(
        Perm.EDIT_IDENTITY,
        on="person",
        see=V_ID,
        method=POST,
        data=lambda o, c: {
            "last_name": "Matrice",
            "first_name": o.name,
            "birth_date": "2012-05-06",
            "sex": "f",
        },
    ),
    "people:end_stay": P(
        ER,
        on="stay",
        see=V_ID,
        method=POST,
        data=lambda o, c: {"stay": o.stay_id, "end_date": day(), "exit_reason": "return_home"},
    ),
    "people:merge": P(
        Perm.MERGE_RECORDS,
        on="person",
        see=V_ID,
        method=POST,
        data=lambda o, c: {"merged": c.fresh("person_no_stay", o.place).id, "confirm": "on"},
    ),
    "people:export": P(Perm.EXPORT_RECORDS, on="person", see=V_ID),
    "people:download_document": P(Perm.VIEW_DOCUMENTS, on="document"),
    # --- admissions -------------------------------------------------------------------------------
    "admissions:board": P(
        REFERRAL_SIGHT, on="referral", reference=True, shows=lambda o: f"/orientations/{o.id}/"
    ),
    "admissions:new": P(
        Perm.REFER,
        on="person",
        see=V_ID,
        method=POST,
        reference=True,
        data=lambda o, c: {
            "person": o.id,
            "modality": "residential",
            "public": "child_protection",
            "wished_date": day(10),
            "reason": "Placement",
        },
    ),
    "admissions:referral": P(REFERRAL_SIGHT, on="referral"),
    "admissions:decide": P(
        ER,
        on="referral",
        see=REFERRAL_SIGHT,
        method=POST,
        data=lambda o, c: {"unit": o.unit, "decision": "accepted", "reason": ""},
    ),
    "admissions:admit": P(
        ER,
        on="referral",
        see=REFERRAL_SIGHT,
        method=POST,
        data=lambda o, c: {"unit": o.unit, "start_date": day()},
        forbidden=frozenset({403, 404}),
        why="its sender knows the referral, not the unit it names",
    ),
    "admissions:attach": P(
        Perm.ADD_DOCUMENTS,
        on="referral",
        see=REFERRAL_SIGHT,
        method=POST,
        data=lambda o, c: {"file": upload("decision.pdf"), "kind": "judgement"},
    ),
    "admissions:document": P(REFERRAL_SIGHT, on="referral_document"),
    "admissions:ask_information": P(
        ER,
        on="referral",
        see=REFERRAL_SIGHT,
        method=POST,
        data=lambda o, c: {"message": "Le jugement manque."},
    ),
    "admissions:waiting_list": P(VR, on="unit"),
    "admissions:allocation": P(
        VR, on="organisation", level=ORG, query=lambda o, c: {"organisation": o.id}, reference=True
    ),
    "admissions:sessions": P(VR, empty=True),
    "admissions:session": (
        P(VR, on="session", level=ORG),
        P(
            ER,
            on="session_and_referral",
            see=VR,
            level=ORG,
            method=POST,
            data=lambda o, c: {"referral": o.referral},
        ),
    ),
    "admissions:pathway": P(VR, on="person", see=V_ID, shows=lambda o: o.name),
    # --- plans ------------------------------------------------------------------------------------
    "plans:dashboard": P(Perm.VIEW_PLANS, on="plan", reference=True, shows=lambda o: o.name),
    "plans:person_plans": P(Perm.VIEW_PLANS, on="person", see=V_ID),
    "plans:plan": P(Perm.VIEW_PLANS, on="plan", shows=lambda o: o.name),
    "plans:document": P(Perm.VIEW_PLANS, on="plan"),
    "plans:expression": P(
        ER,
        on="plan",
        see=Perm.VIEW_PLANS,
        method=POST,
        data=lambda o, c: {"person_expression": "Je voudrais", "family_expression": ""},
    ),
    "plans:add_need": P(
        ER,
        on="plan",
        see=Perm.VIEW_PLANS,
        method=POST,
        data=lambda o, c: {"domain": "health", "serafin": "", "description": "Suivi dentaire"},
    ),
    "plans:remove_need": P(ER, on="plan_with_items", see=Perm.VIEW_PLANS, method=POST),
    "plans:add_partner": P(
        ER, on="plan", see=Perm.VIEW_PLANS, method=POST, data=lambda o, c: {"name": "CMP", "role": "Soins"}
    ),
    "plans:remove_partner": P(ER, on="plan_with_items", see=Perm.VIEW_PLANS, method=POST),
    "plans:add_objective": P(
        ER,
        on="plan",
        see=Perm.VIEW_PLANS,
        method=POST,
        data=lambda o, c: {"domain": "health", "description": "Bilan de santé"},
    ),
    "plans:remove_objective": P(ER, on="plan", see=Perm.VIEW_PLANS, method=POST),
    "plans:sign": P(
        ER,
        on="plan",
        see=Perm.VIEW_PLANS,
        method=POST,
        data=lambda o, c: {"date": "2025-02-01", "signatories": "Le jeune\nLa directrice"},
    ),
    "plans:amend": P(ER, on="signed_plan", see=Perm.VIEW_PLANS, method=POST),
    "plans:evaluation": (
        P(ER, on="signed_plan", see=Perm.VIEW_PLANS),
        P(
            ER,
            on="signed_plan",
            see=Perm.VIEW_PLANS,
            method=POST,
            data=lambda o, c: {
                "date": "2025-06-01",
                "participant_0_name": "Le jeune",
                "participant_0_role": "person",
                f"result_{o.objective_id}": "partly",
            },
        ),
    ),
    # --- assessment grids: drafts at organisation level, published versions for who fills them ------
    "assessments:grids": P(VR, empty=True),
    "assessments:grid": (P(VR, on="published_grid"), P(VR, on="grid", level=ORG)),
    "assessments:add_section": P(
        MO, on="grid", see=VR, level=ORG, method=POST, data=lambda o, c: {"title": "Santé"}
    ),
    "assessments:remove_section": P(MO, on="grid", see=VR, level=ORG, method=POST),
    "assessments:add_question": P(
        MO,
        on="grid",
        see=VR,
        level=ORG,
        method=POST,
        data=lambda o, c: {"section": o.section_id, "label": "Suivi", "kind": "text"},
    ),
    "assessments:remove_question": P(MO, on="grid", see=VR, level=ORG, method=POST),
    "assessments:publish": P(MO, on="grid", see=VR, level=ORG, method=POST),
    "assessments:new_version": P(MO, on="published_grid", see=VR, see_level="any", level=ORG, method=POST),
    "assessments:fill": P(
        ER,
        on="published_grid",
        see=V_ID,
        query=lambda o, c: {"personne": o.person_id},
        forbidden=frozenset({403}),
    ),
    "assessments:assessment": P(VR, on="assessment"),
    # --- indicators, reports ----------------------------------------------------------------------
    "steering:dashboard": P(VR, on="unit", reference=True, query=lambda o, c: {"perimetre": f"unit:{o.id}"}),
    "steering:drilldown": P(
        VR,
        on="person",
        see=VR,
        reference=True,
        query=lambda o, c: {
            "perimetre": f"unit:{c.objects.unit_of(o.place).pk}",
            "indicateur": "active_caseload",
        },
        shows=lambda o: f"/personnes/{o.id}/",
    ),
    "steering:reports": P(VR, empty=True, why="the user's own reports"),
    "steering:report": P(VR, on="report"),
    "steering:report_file": P(VR, on="report"),
    # --- adverse events ---------------------------------------------------------------------------
    "incidents:register": P(VR),
    "incidents:register_csv": P(VR),
    "incidents:declare": P(DECLARERS),
    "incidents:incident": P(VR, on="incident"),
    "incidents:eig_form": P(VR, on="incident"),
    "incidents:add_person": P(
        ER,
        on="incident",
        see=VR,
        method=POST,
        data=lambda o, c: {"person": c.fresh("person", o.place).id, "role": "witness"},
    ),
    "incidents:remove_person": P(ER, on="incident", see=VR, method=POST),
    "incidents:classify": P(
        MQ, on="incident", see=VR, method=POST, data=lambda o, c: {"category": "violence", "serious": ""}
    ),
    "incidents:report": P(
        MQ, on="incident_to_report", see=VR, method=POST, data=lambda o, c: {"reported_on": day()}
    ),
    "incidents:analysis": P(
        MQ, on="incident_classified", see=VR, method=POST, data=lambda o, c: {"causes": "Sous-effectif."}
    ),
    "incidents:add_action": P(
        MQ,
        on="incident_analysed",
        see=VR,
        method=POST,
        data=lambda o, c: {"description": "Former l'équipe", "owner": "Direction", "due_date": day(60)},
    ),
    "incidents:action_done": P(
        MQ, on="incident_analysed", see=VR, method=POST, data=lambda o, c: {"done_on": ""}
    ),
    "incidents:close": P(
        MQ, on="incident_analysed", see=VR, method=POST, data=lambda o, c: {"reason": "Actions engagées"}
    ),
    # --- meetings ---------------------------------------------------------------------------------
    "meetings:list": P(VR),
    "meetings:meeting": P(VR, on="meeting_named", shows=lambda o: o.named_name),
    "meetings:edit": P(
        DECLARERS,
        on="meeting",
        see=VR,
        method=POST,
        data=lambda o, c: {
            "kind": "case_review",
            "title": "Synthèse",
            "date": "2025-03-14",
            "duration_minutes": 60,
            "status": "planned",
        },
    ),
    "meetings:add_participant": P(
        DECLARERS,
        on="meeting",
        see=VR,
        method=POST,
        data=lambda o, c: {"name": "M. Invité", "profession": "Éducateur"},
    ),
    "meetings:remove_participant": P(DECLARERS, on="meeting", see=VR, method=POST),
    "meetings:attendance": P(
        DECLARERS,
        on="meeting",
        see=VR,
        method=POST,
        data=lambda o, c: {f"presence_{o.participant_id}": "present"},
    ),
    "meetings:minutes": P(
        DECLARERS, on="meeting", see=VR, method=POST, data=lambda o, c: {"minutes": "Relevé."}
    ),
    "meetings:add_person": P(
        ER, on="meeting", see=VR, method=POST, data=lambda o, c: {"person": o.person_id}
    ),
    "meetings:remove_person": P(ER, on="meeting_named", see=VR, method=POST),
    "meetings:requests": P(VR),
    "meetings:request": P(VR, on="practice_request"),
    "meetings:close_request": P(COMMISSION, on="practice_request", see=VR, method=POST),
    "meetings:accept_proposal": P(COMMISSION, on="practice_request", see=VR, method=POST),
    # --- quality ----------------------------------------------------------------------------------
    "quality:overview": P(VR),
    "quality:establishment": P(MQ, on="establishment", see=VR, why="the quality record's form"),
    "quality:self_assessment": P(VR, on="self_assessment"),
    "quality:assessment_status": P(
        MQ, on="self_assessment", see=VR, method=POST, data=lambda o, c: {"status": "completed"}
    ),
    "quality:export": P(VR, on="self_assessment"),
    "quality:score": P(MQ, on="self_assessment", see=VR),
    "quality:action_status": P(
        MQ, on="self_assessment", see=VR, method=POST, data=lambda o, c: {"status": "done"}
    ),
    # --- CPOM: an organisation's contract, at organisation level ----------------------------------
    "cpom:list": P(VR),
    "cpom:cpom": P(VR, on="cpom", level=ORG),
    "cpom:add_objective": P(
        MQ, on="cpom", see=VR, level=ORG, method=POST, data=lambda o, c: {"objective-title": "Parcours"}
    ),
    "cpom:add_action": P(
        MQ,
        on="cpom",
        see=VR,
        level=ORG,
        method=POST,
        data=lambda o, c: {
            "action-objective": o.objective_id,
            "action-number": "1.2",
            "action-title": "Accueil",
        },
    ),
    "cpom:add_stage": P(
        MQ,
        on="cpom",
        see=VR,
        level=ORG,
        method=POST,
        data=lambda o, c: {
            "stage-action": o.action_id,
            "stage-label": "Plaquette",
            "stage-planned_years": "2024",
        },
    ),
    "cpom:stage_progress": P(
        MQ,
        on="cpom",
        see=VR,
        level=ORG,
        method=POST,
        data=lambda o, c: {
            "progress-stage": o.stage_id,
            "progress-year": "2024",
            "progress-progress": "done",
        },
    ),
    "cpom:add_indicator": P(
        MQ,
        on="cpom",
        see=VR,
        level=ORG,
        method=POST,
        data=lambda o, c: {
            "indicator-parent": f"action:{o.action_id}",
            "indicator-label": "Rencontres",
            "indicator-source": "manual",
        },
    ),
    "cpom:record_value": P(
        MQ,
        on="cpom",
        see=VR,
        level=ORG,
        method=POST,
        data=lambda o, c: {"value-indicator": o.indicator_id, "value-year": "2024", "value-value": "5"},
    ),
    "cpom:document": P(VR, on="cpom", level=ORG),
    "cpom:export": P(VR, on="cpom", level=ORG),
}


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            yield from _walk(
                pattern.url_patterns,
                prefix + str(pattern.pattern),
                f"{namespace}:{ns}".strip(":") if ns else namespace,
            )
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield prefix + str(pattern.pattern), name


@functools.cache
def site_patterns() -> tuple[tuple[str, str], ...]:
    """(route, name) of every page pattern: the URL resolver, without the API, the admin, static."""
    return tuple(
        (route, name)
        for route, name in _walk(get_resolver().url_patterns)
        if not route.startswith(("api/", "gestion/", "static/", "bench/"))
    )


def variants(name: str) -> tuple[Page, ...]:
    rules = PAGES[name]
    return rules if isinstance(rules, tuple) else (rules,)


def test_every_page_is_classified():
    """A new page pattern needs a rule in PAGES (or, showing no personal data and naming no object, a
    reason in OTHER_PAGES); one naming an object by an id always needs a rule."""
    unnamed = [route for route, name in site_patterns() if not name]
    assert not unnamed, f"page patterns without a name: {unnamed}"
    names = {name for _, name in site_patterns()}
    missing = sorted(names - set(PAGES) - set(OTHER_PAGES))
    assert not missing, f"page patterns without a rule: {missing}"
    with_ids = sorted(name for route, name in site_patterns() if "<int:" in route and name not in PAGES)
    assert not with_ids, f"patterns naming an object without a rule in PAGES: {with_ids}"
    stale = sorted((set(PAGES) | set(OTHER_PAGES)) - names)
    assert not stale, f"rules for patterns that no longer exist: {stale}"
    assert not set(PAGES) & set(OTHER_PAGES)


def test_every_rule_names_its_object():
    """A pattern with ids has a rule about an object that fills them."""
    for route, name in site_patterns():
        params = re.findall(r"<(?:\w+:)?(\w+)>", route)
        for page in variants(name) if name in PAGES else ():
            assert not params or page.on, (name, params)


# --- running ----------------------------------------------------------------------------------------


class Ctx:
    def __init__(self, world):
        self.w = world
        self.objects = Objects(world)
        self.users = {p.name: getattr(world, p.name) for p in PERSONAS}
        self.clients = {}
        for name, user in self.users.items():
            client = Client()
            client.force_login(user)
            self.clients[name] = client

    def n(self) -> int:
        return self.objects.n()

    def fresh(self, kind, place):
        return self.objects.get(kind, place, fresh=True)


def places_for(persona: Persona, page: Page) -> list[tuple[str, bool]]:
    if page.on is None:
        return [(None, True)]
    if page.on == "framework":
        return [("ANY", True)]
    if persona.name == "partner":
        own = [("OWN", True)] if page.on in OWN_KINDS else []
        if page.on in ("person", "home"):
            own.append(("NEW", True))
        return [*own, ("E1", False)]
    if persona.name == "outsider":
        return [("E2", True), ("E1", False)]
    if persona.name == "mixed":
        return [("E1", True), ("E2", True)]
    return [("E1", True), ("E2", False)]


def _changes_by(user) -> int:
    from parcours.access.models import AuditEvent

    return AuditEvent.objects.filter(actor=user, action__in=CHANGES).count()


def _url(name: str, route: str, obj) -> str:
    params = re.findall(r"<(?:\w+:)?(\w+)>", route)
    values = {}
    for param in params:
        values[param] = 0 if param == "index" else getattr(obj, param)
    return reverse(name, kwargs=values)


# always tried; the other E1 roles only where the table treats them differently from those already
# tried (the API matrix tries every role on every operation)
ALWAYS = ("admin", "quality", "partner", "outsider", "group_quality", "mixed")


def personas_for(page: Page) -> list[Persona]:
    """One persona per distinct expectation on this page (role × places × statuses)."""
    ordered = sorted(PERSONAS, key=lambda p: p.name not in ALWAYS)
    kept, seen = [], set()
    for persona in ordered:
        vector = tuple(
            (place, frozenset(_want(page, persona, place))) for place, _ in places_for(persona, page)
        )
        if persona.name in ALWAYS or vector not in seen:
            kept.append(persona)
            seen.add(vector)
    return kept


def run(ctx: Ctx, name: str, page: Page) -> list[str]:
    route = dict((n, r) for r, n in site_patterns())[name]
    write = page.method == POST
    problems = []
    cases = [(p, place, inside) for p in personas_for(page) for place, inside in places_for(p, page)]
    cases.sort(key=lambda c: bool(page.success & _want(page, c[0], c[1])))
    granted_somewhere = False
    for persona, place, inside in cases:
        obj = None
        want = _want(page, persona, place)
        if page.on:
            # a granted write on an object of its own; a refused one changes nothing (checked below)
            obj = ctx.objects.get(page.on, place, fresh=write and bool(page.success & want))
            obj.place = place
        granted_somewhere |= bool(page.success & want)
        url = _url(name, route, obj)
        client = ctx.clients[persona.name]
        user = ctx.users[persona.name]
        before = _changes_by(user)
        query = page.query(obj, ctx) if page.query else {}
        if write:
            data = page.data(obj, ctx) if page.data else {}
            if query:
                from urllib.parse import urlencode

                url += "?" + urlencode(query)
            response = client.post(url, data)
        else:
            response = client.get(url, query)
        where = f"{persona.name:15} {'in ' if inside else 'out'} {place or '-':4}"
        status = response.status_code
        if page.shows and page.reference and not write and status == 200:
            # a list or a search: it answers, and shows the object exactly when it is granted
            granted = holds(persona, page.see or page.perm, place, level=page.see_level or page.level)
            shown = page.shows(obj) in response.content.decode("utf-8", "replace")
            if shown != granted:
                problems.append(f"{where} shows it: {shown}, expected {granted}")
        elif status not in want:
            location = response.get("Location", "")
            problems.append(
                f"{where} got {status}{' → ' + location if location else ''}, expected {sorted(want)}"
            )
        if write and not (page.success & want) and _changes_by(user) != before:
            problems.append(f"{where} should have been refused and changed something ({status})")
        if status == 200 and not write and "no-store" not in response.get("Cache-Control", ""):
            problems.append(f"{where} answered without Cache-Control: no-store")
        shown_here = page.shows and status == 200 and not page.reference and page.success & want
        if shown_here and page.shows(obj) not in response.content.decode("utf-8", "replace"):
            problems.append(f"{where} does not show what it is about")
    if not granted_somewhere:
        problems.append("no persona is granted it: the rule or the table leaves its success untested")
    return problems


def _want(page: Page, persona: Persona, place) -> set[int]:
    want = outcome(
        persona,
        None if place == "ANY" else place,
        perm=page.perm,
        see=page.see,
        level=page.level,
        see_level=page.see_level,
        success=page.success,
        forbidden=page.forbidden,
        reference=page.reference,
    )
    if page.reference and page.method == "GET" and page.shows:
        want = want | {200}  # a list or a search refuses by showing nothing
    if page.empty and not page.success & want:
        want = want | {200}
    if page.reference and page.method == POST:
        want = want | {200}  # a choice out of the form's (scoped) choices: the form again, with the error
    return want


@pytest.fixture
def ctx(db, settings, request):
    return Ctx(matrix_world(settings, request))


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_permission_matrix(ctx, name):
    report = []
    for page in variants(name):
        problems = run(ctx, name, page)
        if problems:
            report.append(f"{name} {page.method} on {page.on}{' — ' + page.why if page.why else ''}")
            report += problems
    assert not report, "\n".join(report)
