"""The permission matrix of the API: every operation of the OpenAPI document × every role × in and
out of scope (issue 12, "Proof").

RULES names, for each operation ("METHOD /path" as the OpenAPI document writes it under /api/v1), the
permission it needs (a roles.Perm value, several for an alternative, or a marker: AUTH for what every
signed-in user may call, SELF for what is only its owner's, ADMIN_ROLE for a role check), what the
operation is about (a fixture object of tests/api/matrix.py, in the path, the body, the query, or
listed) and a valid body. The outcome each persona should get is COMPUTED from roles.PERMISSIONS and
where the object lies with respect to its membership (matrix.relation):

- the object out of the persona's sight (`see`, by default the permission itself): 404 — or, when the
  persona holds the permission nowhere, 403 or 404 (a refusal that does not depend on the object
  leaks nothing); a reference in a body may also answer 422 ("introuvable", naming the field);
- in sight but the permission not granted over it: 403;
- granted: the operation's 2xx, for EVERY such persona (writes on fresh objects, so each persona
  really performs it);
- listed objects: the list answers 200 and holds the object exactly when the persona is granted it.

A denied write changes nothing (no create/update/delete event in the audit log); every 200 is
marked `Cache-Control: no-store`. An operation of the OpenAPI document without a rule fails
test_every_operation_has_a_rule: a new endpoint needs one.
"""

import csv
import functools
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from parcours.access.roles import Perm, Role
from parcours.core.dates import today
from tests.api.matrix import PDF, PERSONAS, Objects, Persona, holds, matrix_world, outcome

AUTH = "authenticated"  # every signed-in user, whatever its roles
PUBLIC = "public"  # no authentication (the token exchange)
SELF = "self"  # only the owner of the object (its own notifications)
ADMIN_ROLE = "admin_role"  # a check of the admin role itself, not of a permission of the table
MARKERS = {AUTH, PUBLIC, SELF, ADMIN_ROLE}
ORG = "organisation"

PATH, BODY, QUERY, LIST = "path", "body", "query", "list"

V_ID = Perm.VIEW_IDENTITY
VR = Perm.VIEW_RECORDS
ER = Perm.EDIT_RECORDS
REFERRAL_SIGHT = (Perm.VIEW_RECORDS, Perm.REFER)  # the units examining it, or its sender (REFER, own)
DECLARERS = (Perm.EDIT_RECORDS, Perm.MANAGE_QUALITY)  # incidents and meetings: who records them
COMMISSION = (Perm.MANAGE_OFFER, Perm.MANAGE_QUALITY)  # practice-analysis requests

# objects that exist in a partner's own version (matrix.Objects: place "OWN"; persons also "NEW")
OWN_KINDS = {
    "person",
    "person_no_stay",
    "measure",
    "document",
    "stay",
    "referral",
    "inclusion_referral",
    "referral_document",
    "plan",
    "signed_plan",
    "home",
}
GLOBAL_KINDS = {"framework"}  # reference data, in nobody's scope


@dataclass(frozen=True)
class Rule:
    perm: str | tuple  # permission(s) the operation needs (any of a tuple), or a marker
    on: str | None = None  # the kind of matrix.Objects the operation is about
    see: str | tuple | None = None  # what makes that object visible (default: perm)
    via: str = PATH  # where the object is named: path, body, query, or listed by the operation
    level: str = "any"  # ORG: only an organisation-level membership reaches
    see_level: str | None = None  # the level of `see` when it differs from the permission's
    body: Callable | None = None  # (obj, ctx) -> JSON body
    files: Callable | None = None  # (obj, ctx) -> multipart form
    query: Callable | None = None  # (obj, ctx) -> query parameters
    ids: Callable | None = None  # listed ids of a response (default: "id" of the items)
    forbidden: frozenset = frozenset({403})  # what "in sight, not granted" answers
    own: Callable | None = None  # (ctx, user) -> an object of the persona's own, always reachable
    prepare: Callable | None = None  # (obj, ctx) -> None, before each call (a state the write needs)
    why: str = ""


def _items(data):
    if isinstance(data, dict) and "items" in data:
        return data["items"]
    return data if isinstance(data, list) else []


def ids_of(key="id"):
    return lambda response: {item.get(key) for item in _items(response.json())}


def csv_ids(column=0):
    def read(response):
        text = response.content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text), delimiter=";"))[1:]
        return {int(r[column]) for r in rows if r and r[column].strip().isdigit()}

    return read


def day(offset=0) -> str:
    return (today() + timedelta(days=offset)).isoformat()


def upload(name="piece.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


R = Rule
RULES: dict[str, Rule | tuple[Rule, ...]] = {
    # --- users, tokens, audit ---------------------------------------------------------------------
    "POST /auth/token": R(PUBLIC),
    "GET /tokens": R(AUTH),
    "DELETE /tokens/{token_id}": R(
        Perm.MANAGE_USERS, on="token", level=ORG, own=lambda c, u: c.own_token(u), why="own tokens: always"
    ),
    "GET /me": R(AUTH),
    "GET /users": R(Perm.MANAGE_USERS, on="user", via=LIST, level=ORG, query=lambda o, c: {"limit": 500}),
    "POST /users": R(
        Perm.MANAGE_USERS,
        on="establishment",
        via=BODY,
        level=ORG,
        body=lambda o, c: {
            "username": f"nouveau{c.n()}",
            "password": "motdepasse-solide-42",
            "memberships": [{"role": "educator", "scope": f"establishment:{o.id}"}],
        },
    ),
    "GET /audit": R(Perm.VIEW_AUDIT, on="audit_event", via=LIST, query=lambda o, c: {"person": o.person_id}),
    # --- the offer ------------------------------------------------------------------------------------
    "GET /organisations": R(VR, on="organisation", via=LIST, query=lambda o, c: {"limit": 500}),
    "POST /organisations": R(
        Perm.MANAGE_OFFER,
        on="group",
        via=BODY,
        level=ORG,
        body=lambda o, c: {"name": f"Association {c.n()}", "kind": "association", "member_of": [o.id]},
    ),
    "GET /establishments": R(VR, on="establishment", via=LIST, query=lambda o, c: {"limit": 500}),
    "POST /establishments": R(
        Perm.MANAGE_OFFER,
        on="organisation",
        via=BODY,
        level=ORG,
        body=lambda o, c: {"organisation": o.id, "name": f"MECS {c.n()}", "commune": "12145"},
    ),
    "GET /units": R(VR, on="unit", via=LIST, query=lambda o, c: {"limit": 500}),
    "POST /units": R(
        Perm.MANAGE_OFFER,
        on="establishment",
        via=BODY,
        body=lambda o, c: {
            "establishment": o.id,
            "name": f"Unité {c.n()}",
            "modality": "residential",
            "public": "child_protection",
            "capacity": 4,
        },
    ),
    "GET /units/{unit_id}": R(VR, on="unit"),
    "POST /units/{unit_id}/capacity": R(
        Perm.MANAGE_OFFER,
        on="unit",
        see=VR,
        body=lambda o, c: {"capacity": 500, "valid_from": day(-300 + c.n())},
    ),
    "GET /units/{unit_id}/vacancy": R(VR, on="unit"),
    "PUT /units/{unit_id}/communes": R(
        Perm.MANAGE_OFFER, on="unit", see=VR, body=lambda o, c: {"communes": ["12145"]}
    ),
    "POST /units/{unit_id}/antennas": R(
        Perm.MANAGE_OFFER,
        on="unit",
        see=VR,
        body=lambda o, c: {"name": f"Antenne {c.n()}", "commune": "12145"},
    ),
    "GET /partners": R(VR),
    "POST /partners": R(Perm.MANAGE_OFFER, body=lambda o, c: {"name": f"Collège {c.n()}", "kind": "school"}),
    "GET /communes": R(AUTH),
    "PATCH /units/{unit_id}/admission": R(
        Perm.MANAGE_OFFER, on="unit", see=VR, body=lambda o, c: {"admission_criteria": "Sur dossier"}
    ),
    # --- persons ----------------------------------------------------------------------------------
    "GET /persons": R(V_ID, on="person", via=LIST, query=lambda o, c: {"search": o.name}),
    "POST /persons": R(
        Perm.REGISTER_PERSONS,
        on="home",
        via=BODY,
        body=lambda o, c: {
            "first_name": "Nouveau",
            "last_name": f"Enregistré{c.n()}",
            "birth_date": day(-4000 - c.n()),
            "sex": "m",
            **({"home_establishment": o.id} if o.id else {}),
        },
    ),
    "GET /persons/{person_id}": R(V_ID, on="person"),
    "PATCH /persons/{person_id}": R(
        Perm.EDIT_IDENTITY, on="person", see=V_ID, body=lambda o, c: {"phone": "0600000000"}
    ),
    "GET /persons/{person_id}/relationships": R(VR, on="person", see=V_ID),
    "POST /persons/{person_id}/relationships": R(
        ER,
        on="person",
        see=V_ID,
        body=lambda o, c: {"relative": c.fresh("person", o.place).id, "kind": "sibling"},
    ),
    "GET /persons/{person_id}/measures": R(Perm.VIEW_MEASURES, on="person", see=V_ID),
    "POST /persons/{person_id}/measures": R(
        ER,
        on="person",
        see=V_ID,
        body=lambda o, c: {"kind": "administrative_care", "start_date": "2025-01-01"},
    ),
    "PATCH /measures/{measure_id}": R(ER, on="measure", see=V_ID, body=lambda o, c: {"reference": "REF-1"}),
    "GET /persons/{person_id}/notes": R(Perm.VIEW_NOTES, on="person", see=V_ID),
    "POST /persons/{person_id}/notes": (
        R(ER, on="person", see=V_ID, body=lambda o, c: {"text": "Observation"}),
        R(
            Perm.CONFIDENTIAL_NOTES,
            on="person",
            see=V_ID,
            body=lambda o, c: {"text": "Réservée", "confidentiality": "coordinator"},
            why="a note reserved to the coordination",
        ),
    ),
    "GET /persons/{person_id}/documents": R(Perm.VIEW_DOCUMENTS, on="person", see=V_ID),
    "POST /persons/{person_id}/documents": R(
        Perm.ADD_DOCUMENTS, on="person", see=V_ID, files=lambda o, c: {"file": upload(), "kind": "report"}
    ),
    "GET /documents/{document_id}/content": R(Perm.VIEW_DOCUMENTS, on="document"),
    "POST /documents/{document_id}/shares": R(
        ER, on="document", see=Perm.VIEW_DOCUMENTS, body=lambda o, c: {"organisation": c.w.departement.pk}
    ),
    "GET /persons/{person_id}/history": R(VR, on="person", see=V_ID),
    "POST /persons/{person_id}/merge": R(
        Perm.MERGE_RECORDS,
        on="person",
        see=V_ID,
        body=lambda o, c: {"merged": c.fresh("person_no_stay", o.place).id},
    ),
    "GET /persons/{person_id}/export": R(Perm.EXPORT_RECORDS, on="person", see=V_ID),
    # --- stays, pathway ---------------------------------------------------------------------------
    "GET /stays": R(VR, on="stay", via=LIST, query=lambda o, c: {"person": o.person_id}),
    "POST /stays": R(
        ER,
        on="person_no_stay",
        see=V_ID,
        via=BODY,
        body=lambda o, c: {"person": o.id, "unit": c.objects.unit_of(o.place).pk, "start_date": day()},
    ),
    "GET /stays/{stay_id}": R(VR, on="stay"),
    "POST /stays/{stay_id}/end": R(
        ER, on="stay", see=VR, body=lambda o, c: {"end_date": day(), "exit_reason": "return_home"}
    ),
    "GET /persons/{person_id}/assignments": R(VR, on="person", see=V_ID),
    "POST /persons/{person_id}/assignments": R(
        ER,
        on="person",
        see=V_ID,
        body=lambda o, c: {"professional": c.colleague(o.place).pk, "role": "referent", "start_date": day()},
    ),
    "GET /persons/{person_id}/pathway": R(VR, on="person", see=V_ID),
    # --- admissions -------------------------------------------------------------------------------
    "POST /referrals": R(
        Perm.REFER,
        on="person",
        see=V_ID,
        via=BODY,
        body=lambda o, c: {
            "person": o.id,
            "modality": "residential",
            "public": "child_protection",
            "wished_date": day(10),
            "reason": "Placement",
            "target_units": [c.objects.unit_of(o.place).pk],
        },
    ),
    "GET /referrals": R(REFERRAL_SIGHT, on="referral", via=LIST, query=lambda o, c: {"limit": 500}),
    "GET /referrals/{referral_id}": R(REFERRAL_SIGHT, on="referral"),
    "GET /referrals/{referral_id}/matches": R(VR, on="referral", see=REFERRAL_SIGHT),
    "POST /referrals/{referral_id}/decisions": R(
        ER, on="referral", see=REFERRAL_SIGHT, body=lambda o, c: {"unit": o.unit, "decision": "accepted"}
    ),
    "POST /referrals/{referral_id}/admit": R(
        ER,
        on="referral",
        see=REFERRAL_SIGHT,
        body=lambda o, c: {"unit": o.unit, "start_date": day()},
        forbidden=frozenset({403, 404}),
        why="its sender knows the referral, not the unit it names: 404 for the unit is no leak",
    ),
    "POST /referrals/{referral_id}/withdraw": R(
        (ER, Perm.REFER), on="referral", see=REFERRAL_SIGHT, body=lambda o, c: {"reason": "Autre solution"}
    ),
    "GET /units/{unit_id}/waiting-list": R(VR, on="unit"),
    "GET /commission-sessions": R(VR, on="session", via=LIST, level=ORG),
    "POST /commission-sessions": R(
        ER, on="group", via=BODY, level=ORG, body=lambda o, c: {"date": day(7), "organisation": o.id}
    ),
    "POST /commission-sessions/{session_id}/referrals": R(
        ER, on="session_and_referral", see=VR, level=ORG, body=lambda o, c: {"referral": o.referral}
    ),
    "GET /allocation": R(
        VR, on="organisation", via=QUERY, level=ORG, query=lambda o, c: {"scope": f"organisation:{o.id}"}
    ),
    "GET /offer": R(AUTH),
    "GET /offer.csv": R(AUTH),
    "POST /referrals/{referral_id}/documents": R(
        Perm.ADD_DOCUMENTS,
        on="referral",
        see=REFERRAL_SIGHT,
        files=lambda o, c: {"file": upload("decision.pdf"), "kind": "judgement"},
    ),
    "GET /referrals/{referral_id}/documents": R(REFERRAL_SIGHT, on="referral"),
    "GET /referrals/{referral_id}/documents/{document_id}/content": R(REFERRAL_SIGHT, on="referral_document"),
    "GET /commission-sessions/{session_id}/minutes.pdf": R(VR, on="session", level=ORG),
    "POST /referrals/{referral_id}/outcome": R(
        ER, on="inclusion_referral", see=REFERRAL_SIGHT, body=lambda o, c: {"outcome": "social"}
    ),
    "GET /referrals.csv": R(REFERRAL_SIGHT, on="referral", via=LIST, ids=csv_ids(0)),
    "GET /notifications": R(AUTH),
    "POST /notifications/{notification_id}/read": R(
        SELF, on="notification", own=lambda c, u: c.own_notification(u)
    ),
    "POST /referrals/{referral_id}/information-request": R(
        ER, on="referral", see=REFERRAL_SIGHT, body=lambda o, c: {"message": "Le jugement manque."}
    ),
    # --- plans ------------------------------------------------------------------------------------
    "GET /plans": R(Perm.VIEW_PLANS, on="plan", via=LIST, query=lambda o, c: {"person": o.person_id}),
    "POST /plans": R(
        ER,
        on="person",
        see=V_ID,
        via=BODY,
        body=lambda o, c: {"person": o.id, "kind": "personalised_plan", "start_date": "2025-01-06"},
    ),
    "GET /plans/due": R(
        Perm.VIEW_PLANS, on="plan", via=LIST, ids=ids_of("plan"), query=lambda o, c: {"before": "2026-12-31"}
    ),
    "GET /plans/{plan_id}": R(Perm.VIEW_PLANS, on="plan"),
    "PATCH /plans/{plan_id}": R(
        ER, on="plan", see=Perm.VIEW_PLANS, body=lambda o, c: {"person_expression": "Je voudrais"}
    ),
    "GET /plans/{plan_id}/document.pdf": R(Perm.VIEW_PLANS, on="plan"),
    "DELETE /objectives/{objective_id}": R(ER, on="plan", see=Perm.VIEW_PLANS),
    "GET /reference/serafin-ph": R(AUTH),
    "POST /plans/{plan_id}/objectives": R(
        ER, on="plan", see=Perm.VIEW_PLANS, body=lambda o, c: {"domain": "health", "description": "Bilan"}
    ),
    "POST /plans/{plan_id}/sign": R(
        ER,
        on="plan",
        see=Perm.VIEW_PLANS,
        body=lambda o, c: {"date": "2025-02-01", "signatories": ["Le jeune", "La directrice"]},
    ),
    "POST /plans/{plan_id}/amend": R(ER, on="signed_plan", see=Perm.VIEW_PLANS),
    "POST /plans/{plan_id}/evaluations": R(
        ER,
        on="signed_plan",
        see=Perm.VIEW_PLANS,
        body=lambda o, c: {
            "date": "2025-06-01",
            "participants": [{"name": "Le jeune", "role": "person"}],
            "results": [{"objective": o.objective_id, "status": "partly", "comment": ""}],
        },
    ),
    # --- assessment grids -------------------------------------------------------------------------
    # a grid is its organisation's: its drafts are designed and seen at organisation level only; the
    # published versions are open to the professionals who fill them in the organisation's units
    "GET /grids": R(VR, on="grid", via=LIST, level=ORG, query=lambda o, c: {"limit": 500}),
    "POST /grids": R(
        Perm.MANAGE_OFFER,
        on="organisation",
        via=BODY,
        level=ORG,
        body=lambda o, c: {"organisation": o.id, "name": "Grille"},
    ),
    "GET /grids/{grid_id}": R(VR, on="published_grid"),
    "POST /grids/{grid_id}/sections": R(
        Perm.MANAGE_OFFER, on="grid", see=VR, level=ORG, body=lambda o, c: {"title": "Santé"}
    ),
    "DELETE /grids/{grid_id}/sections/{section_id}": R(Perm.MANAGE_OFFER, on="grid", see=VR, level=ORG),
    "POST /grids/{grid_id}/questions": R(
        Perm.MANAGE_OFFER,
        on="grid",
        see=VR,
        level=ORG,
        body=lambda o, c: {"section": o.section_id, "label": "Suivi", "kind": "text"},
    ),
    "DELETE /grids/{grid_id}/questions/{question_id}": R(Perm.MANAGE_OFFER, on="grid", see=VR, level=ORG),
    "POST /grids/{grid_id}/publish": R(Perm.MANAGE_OFFER, on="grid", see=VR, level=ORG),
    "POST /grids/{grid_id}/versions": R(
        Perm.MANAGE_OFFER, on="published_grid", see=VR, see_level="any", level=ORG
    ),
    "GET /grids/{grid_id}/export.csv": R(VR, on="published_grid"),
    "GET /assessments": R(VR, on="assessment", via=LIST, query=lambda o, c: {"grid": o.grid_id}),
    "POST /assessments": (
        R(
            ER,
            on="published_grid",
            see=V_ID,
            via=BODY,
            body=lambda o, c: {"grid": o.grid_id, "person": o.person_id, "answers": {"observations": "RAS"}},
        ),
        R(
            ER,
            on="referral_grid",
            see=VR,
            via=BODY,
            body=lambda o, c: {
                "grid": o.grid_id,
                "referral": o.referral_id,
                "answers": {"observations": "RAS"},
            },
            why="for a referral: a professional who handles it (its sender follows its status only)",
        ),
    ),
    "GET /assessments/{assessment_id}": R(VR, on="assessment"),
    "PATCH /assessments/{assessment_id}": (
        R(ER, on="assessment", see=VR, body=lambda o, c: {"answers": {"observations": "Mieux"}}),
        R(ER, on="referral_assessment", see=VR, body=lambda o, c: {"answers": {"observations": "Mieux"}}),
    ),
    # --- indicators, activity reports -------------------------------------------------------------
    "GET /indicators": R(VR, on="unit", via=QUERY, query=lambda o, c: {"scope": f"unit:{o.id}"}),
    "GET /indicators/trend": R(VR, on="unit", via=QUERY, query=lambda o, c: {"scope": f"unit:{o.id}"}),
    "GET /indicators/units": R(VR, on="unit", via=QUERY, query=lambda o, c: {"scope": f"unit:{o.id}"}),
    "GET /indicators/drilldown": R(
        VR, on="unit", via=QUERY, query=lambda o, c: {"scope": f"unit:{o.id}", "figure": "active_caseload"}
    ),
    "POST /activity-reports": R(
        VR, on="unit", via=BODY, body=lambda o, c: {"scope": f"unit:{o.id}", "year": today().year - 1}
    ),
    "GET /activity-reports/{report_id}": R(VR, on="report"),
    "GET /activity-reports/{report_id}/report.{fmt}": R(VR, on="report"),
    # --- adverse events ---------------------------------------------------------------------------
    "GET /incidents": R(VR, on="incident", via=LIST, query=lambda o, c: {"limit": 500}),
    "POST /incidents": R(
        DECLARERS,
        on="unit",
        via=BODY,
        body=lambda o, c: {
            "establishment": c.objects.est_of(o.place).pk,
            "unit": o.id,
            "occurred_at": (today() - timedelta(days=2)).isoformat() + "T10:00:00",
            "description": "Chute dans l'escalier.",
        },
    ),
    "GET /incidents/figures": R(VR, query=lambda o, c: {"from": "2025-01-01", "to": "2025-12-31"}),
    "GET /incidents.csv": R(VR, on="incident", via=LIST, ids=csv_ids(0)),
    "GET /incidents/{incident_id}": R(VR, on="incident"),
    "PATCH /incidents/{incident_id}": R(
        DECLARERS, on="incident", see=VR, body=lambda o, c: {"place": "Cour"}
    ),
    "POST /incidents/{incident_id}/persons": R(
        ER,
        on="incident",
        see=VR,
        body=lambda o, c: {"person": c.fresh("person", o.place).id, "role": "witness"},
        why="linking a person writes on its record (EDIT_RECORDS), over DECLARERS on the event",
    ),
    "DELETE /incidents/{incident_id}/persons/{person_id}": R(ER, on="incident", see=VR),
    "POST /incidents/{incident_id}/classify": R(
        Perm.MANAGE_QUALITY,
        on="incident",
        see=VR,
        body=lambda o, c: {"category": "violence", "serious": False},
    ),
    "POST /incidents/{incident_id}/report": R(
        Perm.MANAGE_QUALITY, on="incident_to_report", see=VR, body=lambda o, c: {"reported_on": day()}
    ),
    "POST /incidents/{incident_id}/analysis": R(
        Perm.MANAGE_QUALITY, on="incident_classified", see=VR, body=lambda o, c: {"causes": "Sous-effectif."}
    ),
    "POST /incidents/{incident_id}/actions": R(
        Perm.MANAGE_QUALITY,
        on="incident_analysed",
        see=VR,
        body=lambda o, c: {"description": "Former l'équipe", "owner": "Direction", "due_date": day(60)},
    ),
    "POST /incidents/{incident_id}/actions/{action_id}/done": R(
        Perm.MANAGE_QUALITY, on="incident_analysed", see=VR, body=lambda o, c: {}
    ),
    "POST /incidents/{incident_id}/close": R(
        Perm.MANAGE_QUALITY, on="incident_analysed", see=VR, body=lambda o, c: {"reason": "Actions engagées"}
    ),
    "GET /incidents/{incident_id}/eig.pdf": R(VR, on="incident"),
    # --- meetings ---------------------------------------------------------------------------------
    "GET /meetings/figures": R(VR, query=lambda o, c: {"from": "2025-01-01", "to": "2025-12-31"}),
    "GET /meetings": R(VR, on="meeting", via=LIST, query=lambda o, c: {"limit": 500}),
    "POST /meetings": R(
        DECLARERS,
        on="establishment",
        via=BODY,
        body=lambda o, c: {"kind": "training", "date": "2025-03-14", "establishment": o.id},
    ),
    "GET /meetings/{meeting_id}": R(VR, on="meeting"),
    "PATCH /meetings/{meeting_id}": R(
        DECLARERS, on="meeting", see=VR, body=lambda o, c: {"title": "Synthèse"}
    ),
    "POST /meetings/{meeting_id}/participants": R(
        DECLARERS, on="meeting", see=VR, body=lambda o, c: {"name": "M. Invité", "profession": "Éducateur"}
    ),
    "DELETE /meetings/{meeting_id}/participants/{participant_id}": R(DECLARERS, on="meeting", see=VR),
    "POST /meetings/{meeting_id}/persons/{person_id}": R(
        ER, on="meeting", see=VR, why="naming a person writes on its record (EDIT_RECORDS)"
    ),
    "DELETE /meetings/{meeting_id}/persons/{person_id}": R(ER, on="meeting_named", see=VR),
    "GET /practice-analysis-requests": R(
        VR, on="practice_request", via=LIST, query=lambda o, c: {"limit": 500}
    ),
    "POST /practice-analysis-requests": R(
        COMMISSION,
        on="establishment",
        via=BODY,
        body=lambda o, c: {
            "establishment": o.id,
            "professions": "éducateurs",
            "group_size": 10,
            "session_duration_minutes": 120,
            "period_start": "2025-09-01",
            "period_end": "2025-12-31",
        },
    ),
    "GET /practice-analysis-requests/{request_id}": R(VR, on="practice_request"),
    "POST /practice-analysis-requests/{request_id}/proposals": R(
        COMMISSION,
        on="practice_request",
        see=VR,
        body=lambda o, c: {"facilitator_name": "M. Durand", "sessions_count": 2},
    ),
    "POST /practice-analysis-requests/{request_id}/close": R(COMMISSION, on="practice_request", see=VR),
    "POST /proposals/{proposal_id}/accept": R(COMMISSION, on="practice_request", see=VR),
    # --- quality: HAS framework, self-assessments -------------------------------------------------
    "POST /quality/frameworks/import": R(
        ADMIN_ROLE,
        files=lambda o, c: {"file": c.framework_file(), "version": f"v{c.n()}"},
        why="a role check (Role.ADMIN), not a permission of the table",
    ),
    "GET /quality/frameworks": R(VR),
    "GET /quality/frameworks/{framework_id}": R(VR, on="framework"),
    "GET /quality/self-assessments": R(VR, on="self_assessment", via=LIST),
    "POST /quality/self-assessments": R(
        Perm.MANAGE_QUALITY,
        on="establishment",
        via=BODY,
        body=lambda o, c: {"establishment": o.id, "framework": c.objects.get("framework", "ANY").id},
        prepare=lambda o, c: c.objects.close_self_assessments(o.place),
    ),
    "GET /quality/self-assessments/{assessment_id}": R(VR, on="self_assessment"),
    "PATCH /quality/self-assessments/{assessment_id}": R(
        Perm.MANAGE_QUALITY, on="self_assessment", see=VR, body=lambda o, c: {"title": "Autoévaluation 2025"}
    ),
    "PUT /quality/self-assessments/{assessment_id}/scores/{criterion_id}": R(
        Perm.MANAGE_QUALITY, on="self_assessment", see=VR, body=lambda o, c: {"score": "3", "evidence": "PV"}
    ),
    "GET /quality/self-assessments/{assessment_id}/scores": R(VR, on="self_assessment"),
    "GET /quality/self-assessments/{assessment_id}/results": R(VR, on="self_assessment"),
    "GET /quality/self-assessments/{assessment_id}/actions": R(VR, on="self_assessment"),
    "POST /quality/self-assessments/{assessment_id}/actions": R(
        Perm.MANAGE_QUALITY,
        on="self_assessment",
        see=VR,
        body=lambda o, c: {"action": "Réviser le livret", "owner": "Direction"},
    ),
    "PATCH /quality/actions/{action_id}": R(
        Perm.MANAGE_QUALITY, on="self_assessment", see=VR, body=lambda o, c: {"owner": "Cheffe de service"}
    ),
    "GET /quality/self-assessments/{assessment_id}/export.xlsx": R(VR, on="self_assessment"),
    "GET /quality/establishments": R(VR, on="establishment", via=LIST, ids=ids_of("establishment")),
    "PUT /quality/establishments/{establishment_id}": R(
        Perm.MANAGE_QUALITY, on="establishment", see=VR, body=lambda o, c: {"evaluation_body": "Organisme X"}
    ),
    # --- CPOM: an organisation's contract, read and written at organisation level -------------------------------------------------------------------------------------
    "GET /cpoms": R(VR, on="cpom", level=ORG, via=LIST),
    "POST /cpoms": R(
        Perm.MANAGE_QUALITY,
        on="organisation",
        via=BODY,
        level=ORG,
        body=lambda o, c: {"organisation": o.id, "title": f"CPOM {c.n()}", "start_year": 2024},
    ),
    "GET /cpom-indicator-keys": R(VR),
    "GET /cpoms/{cpom_id}": R(VR, on="cpom", level=ORG),
    "PATCH /cpoms/{cpom_id}": R(
        Perm.MANAGE_QUALITY, on="cpom", level=ORG, see=VR, body=lambda o, c: {"title": "CPOM 2024"}
    ),
    "POST /cpoms/{cpom_id}/objectives": R(
        Perm.MANAGE_QUALITY, on="cpom", level=ORG, see=VR, body=lambda o, c: {"title": "Parcours"}
    ),
    "PATCH /cpom-objectives/{objective_id}": R(
        Perm.MANAGE_QUALITY, on="cpom", level=ORG, see=VR, body=lambda o, c: {"title": "Qualité de vie"}
    ),
    "POST /cpom-objectives/{objective_id}/actions": R(
        Perm.MANAGE_QUALITY,
        on="cpom",
        level=ORG,
        see=VR,
        body=lambda o, c: {"number": "1.2", "title": "Accueil"},
    ),
    "POST /cpom-objectives/{objective_id}/indicators": R(
        Perm.MANAGE_QUALITY, on="cpom", level=ORG, see=VR, body=lambda o, c: {"label": "Taux de réponse"}
    ),
    "PATCH /cpom-actions/{action_id}": R(
        Perm.MANAGE_QUALITY,
        on="cpom",
        level=ORG,
        see=VR,
        body=lambda o, c: {"title": "Lisibilité de l'offre"},
    ),
    "GET /cpom-actions/{action_id}/programme": R(VR, on="cpom", level=ORG),
    "POST /cpom-actions/{action_id}/stages": R(
        Perm.MANAGE_QUALITY, on="cpom", level=ORG, see=VR, body=lambda o, c: {"label": "Plaquette"}
    ),
    "PATCH /cpom-stages/{stage_id}": R(
        Perm.MANAGE_QUALITY, on="cpom", level=ORG, see=VR, body=lambda o, c: {"label": "Site"}
    ),
    "POST /cpom-actions/{action_id}/indicators": R(
        Perm.MANAGE_QUALITY, on="cpom", level=ORG, see=VR, body=lambda o, c: {"label": "Rencontres"}
    ),
    "PATCH /cpom-indicators/{indicator_id}": R(
        Perm.MANAGE_QUALITY,
        on="cpom",
        level=ORG,
        see=VR,
        body=lambda o, c: {"label": "Rencontres extérieures"},
    ),
    "PUT /cpom-indicators/{indicator_id}/values/{year}": R(
        Perm.MANAGE_QUALITY, on="cpom", level=ORG, see=VR, body=lambda o, c: {"value": 5}
    ),
    "GET /cpoms/{cpom_id}/dashboard": R(VR, on="cpom", level=ORG),
    "GET /cpoms/{cpom_id}/export.xlsx": R(VR, on="cpom", level=ORG),
    "GET /cpoms/{cpom_id}/document.pdf": R(VR, on="cpom", level=ORG),
}


@functools.cache
def _schema() -> dict:
    from parcours.api.api import api

    return api.get_openapi_schema()


@functools.cache
def operations() -> tuple[str, ...]:
    """Every operation of the OpenAPI document, as "METHOD /path" under /api/v1."""
    schema = _schema()
    out = []
    for path, operations in schema["paths"].items():
        for method in operations:
            out.append(f"{method.upper()} {path.removeprefix('/api/v1')}")
    return tuple(out)


def _success(key: str) -> int:
    method, path = key.split(" ", 1)
    responses = _schema()["paths"]["/api/v1" + path][method.lower()]["responses"]
    return min(int(code) for code in responses if str(code).startswith("2"))


WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
CHANGES = {"create", "update", "delete", "merge", "archive"}


def test_every_operation_has_a_rule():
    """A new endpoint fails here until the matrix knows what it needs; a rule for an endpoint that
    is gone fails too."""
    missing = sorted(set(operations()) - set(RULES))
    stale = sorted(set(RULES) - set(operations()))
    assert not missing, f"operations without a rule in RULES: {missing}"
    assert not stale, f"rules for operations that no longer exist: {stale}"


def variants(key: str) -> tuple[Rule, ...]:
    """The rules of an operation: one, or several objects it may be about (a person or a referral…)."""
    rules = RULES[key]
    return rules if isinstance(rules, tuple) else (rules,)


def test_rules_name_real_permissions():
    from parcours.access.roles import PERMISSIONS

    for key in RULES:
        for rule in variants(key):
            for perm in (rule.perm,) if isinstance(rule.perm, str) else rule.perm:
                assert perm in MARKERS or perm in PERMISSIONS, (key, perm)
            for perm in (rule.see,) if isinstance(rule.see, str) else rule.see or ():
                assert perm in PERMISSIONS, (key, perm)


# --- running one operation ------------------------------------------------------------------------


class Ctx:
    def __init__(self, world):
        from parcours.access.services import issue_token

        self.w = world
        self.objects = Objects(world)
        self.client = Client()
        self.users = {p.name: getattr(world, p.name) for p in PERSONAS}
        self.tokens = {name: _token(issue_token, user) for name, user in self.users.items()}

    def n(self) -> int:
        return self.objects.n()

    def fresh(self, kind, place):
        return self.objects.get(kind, place, fresh=True)

    def colleague(self, place):
        return self.w.outsider if place == "E2" else self.w.educator

    def own_token(self, user):
        from types import SimpleNamespace

        from parcours.access.models import ApiToken
        from parcours.access.services import issue_token

        _token(issue_token, user)
        token = ApiToken.objects.filter(user=user).latest("id")
        return SimpleNamespace(id=token.pk, token_id=token.pk)

    def own_notification(self, user):
        from types import SimpleNamespace

        from parcours.admissions.models import Notification

        note = Notification.objects.create(user=user, text="Pour vous")
        return SimpleNamespace(id=note.pk, notification_id=note.pk)

    def framework_file(self):
        from parcours.steering.quality.sample import workbook_bytes

        return SimpleUploadedFile("referentiel.xlsx", workbook_bytes())

    def call(self, persona: Persona | None, method: str, path: str, *, body=None, files=None, query=None):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.tokens[persona.name]}"} if persona else {}
        url = "/api/v1" + path
        if query:
            from urllib.parse import urlencode

            url += "?" + urlencode(query)
        if files is not None:
            return self.client.post(url, files, **headers)
        if method == "GET":
            return self.client.get(url, **headers)
        if method == "DELETE":
            return self.client.delete(url, **headers)
        payload = json.dumps(body if body is not None else {})
        return getattr(self.client, method.lower())(url, payload, content_type="application/json", **headers)


def _token(issue_token, user) -> str:
    """A token as the login would give it (the second factor verified, where the signature knows it)."""
    try:
        return issue_token(user, "matrice", otp_verified=True)
    except TypeError:
        return issue_token(user, "matrice")


def places_for(persona: Persona, rule: Rule) -> list[tuple[str, bool]]:
    """(place, in scope) of the objects the persona is tried on."""
    if rule.on in GLOBAL_KINDS:
        return [("ANY", True)]
    if persona.name == "partner":
        own = [("OWN", True)] if rule.on in OWN_KINDS else []
        if rule.on in ("person", "home"):
            own.append(("NEW", True))
        return [*own, ("E1", False)]
    if persona.name == "outsider":
        return [("E2", True), ("E1", False)]
    if persona.name == "mixed":
        return [("E1", True), ("E2", True)]
    return [("E1", True), ("E2", False)]


def expected(rule: Rule, persona: Persona, place: str | None, success: int) -> set[int]:
    """The statuses the persona may get, computed from roles.PERMISSIONS (matrix.outcome)."""
    if rule.perm == AUTH:
        return {success}
    if rule.perm == SELF:
        return {404}  # somebody else's
    if rule.perm == ADMIN_ROLE:
        return {success} if Role.ADMIN in persona.roles else {403}
    return outcome(
        persona,
        None if place == "ANY" else place,
        perm=rule.perm,
        see=rule.see,
        level=rule.level,
        see_level=rule.see_level,
        success={success},
        forbidden=rule.forbidden,
        reference=rule.via == BODY,
    )


def _changes_by(user) -> int:
    from parcours.access.models import AuditEvent

    return AuditEvent.objects.filter(actor=user, action__in=CHANGES).count()


def run(ctx: Ctx, key: str, rule: Rule) -> list[str]:
    """Every persona × place on one operation; the mismatches, one line each."""
    method, path = key.split(" ", 1)
    success = _success(key)
    write = method in WRITE_METHODS
    problems = []
    cases = (
        [(p, place, inside) for p in PERSONAS for place, inside in places_for(p, rule)]
        if rule.on
        else [(p, None, True) for p in PERSONAS]
    )
    # denied personas first, then those granted: a write granted to one does not hide another's refusal
    cases.sort(key=lambda c: success in expected(rule, c[0], c[1], success))
    for persona, place, inside in cases:
        obj = None
        want = expected(rule, persona, place, success)
        if rule.on:
            # a granted write on an object of its own; a refused one changes nothing (checked below)
            obj = ctx.objects.get(rule.on, place, fresh=write and success in want)
            obj.place = place
        kwargs = {
            "body": rule.body(obj, ctx) if rule.body else None,
            "files": rule.files(obj, ctx) if rule.files else None,
            "query": rule.query(obj, ctx) if rule.query else None,
        }
        if rule.prepare:
            rule.prepare(obj, ctx)
        target = path.format(**vars(obj)) if obj is not None and "{" in path else path
        user = ctx.users[persona.name]
        before = _changes_by(user) if write else 0
        response = ctx.call(persona, method, target, **kwargs)
        where = f"{persona.name:15} {'in ' if inside else 'out'} {place or '-':4}"
        detail = response.content[:160].decode("utf-8", "replace") if response.status_code >= 300 else ""
        if response.status_code == 200 and "no-store" not in response.get("Cache-Control", ""):
            problems.append(f"{where} answered without Cache-Control: no-store")
        if rule.via == LIST and response.status_code == 200:
            listed = (rule.ids or ids_of())(response)
            granted = holds(persona, rule.see or rule.perm, place, level=rule.see_level or rule.level)
            if (obj.id in listed) != granted:
                problems.append(f"{where} lists it: {obj.id in listed}, expected {granted}")
            continue
        if rule.via == LIST and 200 not in want:
            want = want | {200}  # a list of nothing is a refusal too
        if response.status_code not in want:
            problems.append(f"{where} got {response.status_code}, expected {sorted(want)} {detail}")
        if write and success not in want and _changes_by(user) != before:
            problems.append(
                f"{where} should have been refused and changed something ({response.status_code})"
            )
    if not rule.own and not any(success in expected(rule, p, place, success) for p, place, _ in cases):
        problems.append("no persona is granted it: the rule or the table leaves its 2xx untested")
    if rule.own:
        for persona in PERSONAS:
            obj = rule.own(ctx, ctx.users[persona.name])
            response = ctx.call(persona, method, path.format(**vars(obj)))
            if response.status_code != success:
                problems.append(f"{persona.name:15} own      got {response.status_code}, expected {success}")
    return problems


def _public(ctx: Ctx) -> list[str]:
    """The token exchange: anyone, with the right password (and nobody with a wrong one)."""
    from tests.conftest import PASSWORD

    problems = []
    wrong = ctx.call(None, "POST", "/auth/token", body={"username": "educ_e1", "password": "faux"})
    if wrong.status_code != 401:
        problems.append(f"wrong password got {wrong.status_code}")
    right = ctx.call(None, "POST", "/auth/token", body={"username": "educ_e1", "password": PASSWORD})
    if right.status_code != 200:
        problems.append(f"right password got {right.status_code} {right.content[:200]}")
    return problems


@pytest.fixture
def ctx(db, settings, request):
    return Ctx(matrix_world(settings, request))


@pytest.mark.parametrize("key", sorted(RULES))
def test_permission_matrix(ctx, key):
    if key not in operations():
        pytest.fail(f"{key}: no such operation in the OpenAPI document")
    report = []
    for rule in variants(key):
        problems = _public(ctx) if rule.perm == PUBLIC else run(ctx, key, rule)
        if problems:
            report.append(f"{key} on {rule.on}{' — ' + rule.why if rule.why else ''}")
            report += problems
    assert not report, "\n".join(report)


def test_unauthenticated_gets_401_everywhere(ctx):
    """No operation but the token exchange answers an anonymous caller with anything but 401."""
    problems = []
    for key in operations():
        rule = RULES.get(key)
        if rule is None or variants(key)[0].perm == PUBLIC:
            continue
        method, path = key.split(" ", 1)
        target = re.sub(r"\{[a-z_]+\}", "1", path.replace("{fmt}", "pdf"))
        response = ctx.call(None, method, target, body={})
        if response.status_code != 401:
            problems.append(f"{key}: {response.status_code}")
    assert not problems, problems
