"""Inputs that must never answer 500, implausible data refused with the field named, API writes without
credentials answering 401, personal answers never stored by a cache (issue 12, items 8, 9, 12, 15)."""

import io
import json
from datetime import date, timedelta

import pytest
from django.test import Client
from openpyxl import load_workbook

from parcours.core.dates import today
from parcours.people.models import Measure
from tests.api.conftest import fields_of


def client_for(user, **options) -> Client:
    client = Client(**options)
    client.force_login(user)
    return client


def error_fields(response) -> set[str]:
    body = response.json()
    assert isinstance(body["detail"], str) and isinstance(body["errors"], list)
    return {e["field"] for e in body["errors"]}


@pytest.fixture
def measure(world):
    return Measure.objects.create(person=world.child, kind="judicial_placement", start_date=date(2024, 9, 1))


# --- item 8: inputs that answered 500 -------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?indicateur=",
        "?indicateur=inconnu",
        "?indicateur=admissions&du=2025-13-45",
        "?indicateur=admissions&perimetre=x",
    ],
)
def test_drilldown_without_or_with_unknown_indicator_is_a_400_page(world, query):
    response = client_for(world.director).get("/pilotage/detail/" + query)
    assert response.status_code == 400
    assert "Demande invalide" in response.content.decode()


def test_drilldown_with_a_known_indicator_still_works(world):
    response = client_for(world.director).get(
        f"/pilotage/detail/?indicateur=admissions&perimetre=establishment:{world.e1.pk}"
    )
    assert response.status_code == 200


def test_person_patch_with_null_text_is_a_422_naming_the_field(api, world):
    for name in (
        "first_name",
        "last_name",
        "birth_name",
        "sex",
        "nir",
        "address",
        "phone",
        "email",
        "birth_date",
    ):
        response = api.director.patch(f"/persons/{world.child.pk}", {name: None})
        assert response.status_code == 422, (name, response.status_code)
        assert fields_of(response) == {name}
    # commune is a nullable column: null clears it
    assert api.director.patch(f"/persons/{world.child.pk}", {"commune": None}).status_code == 200


def test_measure_patch_with_null_is_a_422_naming_the_field(api, measure):
    for name in ("kind", "reference", "details", "start_date"):
        response = api.director.patch(f"/measures/{measure.pk}", {name: None})
        assert response.status_code == 422, (name, response.status_code)
        assert fields_of(response) == {name}
    # end_date is nullable: null reopens the measure
    assert api.director.patch(f"/measures/{measure.pk}", {"end_date": None}).status_code == 200


def test_quality_export_with_control_characters_in_texts(api, world, framework):
    from parcours.steering.quality.models import Criterion

    sa = api.quality.post(
        "/quality/self-assessments",
        {"establishment": world.e1.pk, "framework": framework.pk, "started_on": "2025-01-15"},
    ).data
    criterion = Criterion.objects.get(framework=framework, reference="1.1.1").pk
    saved = api.quality.put(
        f"/quality/self-assessments/{sa['id']}/scores/{criterion}",
        {"score": "3", "evidence": "Compte\x0brendu\x01 du CVS", "comment": "=\x1fsomme"},
    )
    assert saved.status_code == 200
    api.quality.post(
        f"/quality/self-assessments/{sa['id']}/actions", {"action": "Plan\x02", "owner": "Dir\x07"}
    )
    for response in (
        api.quality.get(f"/quality/self-assessments/{sa['id']}/export.xlsx"),
        client_for(world.quality).get(f"/qualite/autoevaluation/{sa['id']}/export.xlsx"),
    ):
        assert response.status_code == 200
        workbook = load_workbook(io.BytesIO(response.content))
        row = next(r for r in workbook["Cotations"].iter_rows(min_row=2) if r[2].value == "1.1.1")
        assert row[6].value == "Compte\nrendu du CVS"
        assert row[7].value == "'=somme"
        assert workbook["Plan d'actions"]["B2"].value == "Plan"


def test_safe_cell_strips_what_a_spreadsheet_cannot_hold():
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    from parcours.core.exports import csv_bytes, safe_cell

    every_control = "".join(chr(c) for c in range(32)) + "fin"
    cleaned = safe_cell(every_control)
    assert not ILLEGAL_CHARACTERS_RE.search(cleaned)
    assert "\n" in cleaned and cleaned.endswith("fin")
    assert safe_cell("\x01=1+1") == "'=1+1"
    assert safe_cell(12) == 12 and safe_cell(None) is None
    assert b"\x01" not in csv_bytes(["a"], [["x\x01y"]])


# --- item 12: API writes without credentials ------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_api_without_credentials_answers_401_for_every_method(world, method):
    client = Client(enforce_csrf_checks=True)
    call = getattr(client, method)
    for path in (
        f"/api/v1/persons/{world.child.pk}",
        "/api/v1/persons",
        f"/api/v1/measures/{world.child.pk}",
    ):
        if method == "get":
            response = call(path)
        else:
            response = call(path, data=json.dumps({}), content_type="application/json")
        if response.status_code == 405:
            continue
        assert response.status_code == 401, (method, path, response.status_code)
        assert response.json()["detail"] and response.json()["errors"] == []


def test_api_bad_token_and_no_session_answers_401_on_writes(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/persons", data="{}", content_type="application/json", HTTP_AUTHORIZATION="Bearer faux"
    )
    assert response.status_code == 401


def test_session_writes_still_need_the_csrf_token(world):
    client = client_for(world.director, enforce_csrf_checks=True)
    url = f"/api/v1/persons/{world.child.pk}"
    refused = client.patch(url, data=json.dumps({"phone": "0600000000"}), content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["detail"] and refused.json()["errors"] == []
    client.get("/offre/")  # the page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    accepted = client.patch(
        url, data=json.dumps({"phone": "0600000000"}), content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert accepted.status_code == 200, accepted.content


# --- item 15: Cache-Control: no-store -------------------------------------------------------------


def test_authenticated_pages_and_api_answers_are_not_stored(api, world):
    pages = client_for(world.director)
    for url in ("/offre/", f"/personnes/{world.child.pk}/", "/pilotage/", "/pilotage/detail/"):
        response = pages.get(url)
        assert "no-store" in response.get("Cache-Control", ""), (url, response.status_code)
    for response in (
        api.director.get(f"/persons/{world.child.pk}"),
        api.director.get("/persons"),
        api.anonymous.get("/persons"),
        api.director.patch(f"/persons/{world.child.pk}", {"first_name": None}),
    ):
        assert "no-store" in response.get("Cache-Control", ""), response.status_code


def test_static_files_keep_their_caching(world):
    client = client_for(world.director)
    response = client.get("/static/parcours/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


# --- item 9: implausible dates and texts ----------------------------------------------------------


def later(years: int) -> date:
    from parcours.core.dates import add_years

    return add_years(today(), years)


def person_body(**extra):
    return {"first_name": "Inès", "last_name": "Garnier", "birth_date": "2013-05-06", "sex": "f", **extra}


@pytest.mark.parametrize(
    "birth_date, ok",
    [
        ("0001-01-01", False),
        ("1899-12-31", False),
        ("1900-01-01", True),
        (None, None),  # today: accepted
        ("tomorrow", False),
        ("9999-12-31", False),
    ],
)
def test_birth_dates_must_be_plausible(api, world, birth_date, ok):
    if birth_date is None:
        birth_date, ok = today().isoformat(), True
    elif birth_date == "tomorrow":
        birth_date = (today() + timedelta(days=1)).isoformat()
    response = api.director.post(
        "/persons", person_body(birth_date=birth_date, home_establishment=world.e1.pk)
    )
    assert response.status_code == (201 if ok else 422), response.data
    if not ok:
        assert fields_of(response) == {"birth_date"}
    changed = api.director.patch(f"/persons/{world.child.pk}", {"birth_date": birth_date})
    assert changed.status_code == (200 if ok else 422), changed.data
    if not ok:
        assert fields_of(changed) == {"birth_date"}


def test_measure_dates_must_be_plausible(api, world, measure):
    url = f"/persons/{world.child.pk}/measures"
    refused = api.director.post(url, {"kind": "aemo", "start_date": "0001-01-01", "end_date": "9999-12-31"})
    assert refused.status_code == 422 and fields_of(refused) == {"start_date", "end_date"}
    far = later(30).isoformat()
    accepted = api.director.post(url, {"kind": "aemo", "start_date": "1900-01-01", "end_date": far})
    assert accepted.status_code == 201, accepted.data
    patched = api.director.patch(
        f"/measures/{measure.pk}", {"end_date": (later(30) + timedelta(days=1)).isoformat()}
    )
    assert patched.status_code == 422 and fields_of(patched) == {"end_date"}


def test_capacity_from_the_year_9999_is_refused(api, world):
    url = f"/units/{world.u1.pk}/capacity"
    refused = api.admin.post(url, {"capacity": 3, "valid_from": "9999-12-31"})
    assert refused.status_code == 422 and fields_of(refused) == {"valid_from"}
    assert "1900" in refused.data["errors"][0]["message"]
    assert api.admin.post(url, {"capacity": 3, "valid_from": later(1).isoformat()}).status_code == 201


def test_texts_have_a_maximum_length(api, world):
    notes = f"/persons/{world.child.pk}/notes"
    refused = api.director.post(notes, {"text": "a" * 200_000})
    assert refused.status_code == 422 and fields_of(refused) == {"text"}
    assert "50" in refused.data["errors"][0]["message"]
    assert api.director.post(notes, {"text": "a" * 50_000}).status_code == 201
    # a short text may not be longer than its column (the same on SQLite as on PostgreSQL)
    long_name = api.director.patch(f"/persons/{world.child.pk}", {"first_name": "b" * 10_000})
    assert long_name.status_code == 422 and fields_of(long_name) == {"first_name"}
    reference = api.director.post(
        f"/persons/{world.child.pk}/measures",
        {"kind": "aemo", "start_date": "2024-01-01", "reference": "r" * 101},
    )
    assert reference.status_code == 422 and fields_of(reference) == {"reference"}


def field_error(response, field: str) -> str:
    from html import unescape

    html = response.content.decode()
    marker = f'<div id="id_{field}-desc-error">'
    return unescape(html.split(marker)[1].split("</div>")[0]) if marker in html else ""


def test_forms_show_the_same_limits_next_to_the_field(world):
    client = client_for(world.director)
    created = client.post(
        "/personnes/nouvelle/",
        {"last_name": "Garnier", "first_name": "Inès", "birth_date": "0001-01-01", "sex": "f"},
    )
    assert created.status_code == 200 and "1900" in field_error(created, "birth_date")
    note = client.post(
        f"/personnes/{world.child.pk}/notes", {"text": "a" * 200_000, "confidentiality": "team"}
    )
    assert note.status_code == 422 and "trop long" in field_error(note, "text")
    measure = client.post(
        f"/personnes/{world.child.pk}/mesures",
        {"kind": "aemo", "start_date": "0001-01-01", "end_date": "9999-12-31"},
    )
    assert measure.status_code == 422
    assert "1900" in field_error(measure, "start_date") and "1900" in field_error(measure, "end_date")
    assert not world.child.measures.exists() and not world.child.notes.exists()


# --- sweeps of the whole API, from its own OpenAPI schema -----------------------------------------


def _openapi():
    from parcours.api.api import api as ninja_api

    return ninja_api.get_openapi_schema()


def _resolve(schema: dict, spec: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _variants(schema: dict, spec: dict) -> tuple[list[dict], bool]:
    """The non-null shapes a property accepts, and whether it accepts null."""
    schema = _resolve(schema, spec)
    shapes = [_resolve(s, spec) for s in schema.get("anyOf", [schema])]
    return [s for s in shapes if s.get("type") != "null"], len(shapes) > len(
        [s for s in shapes if s.get("type") != "null"]
    )


def _dummy(schema: dict, spec: dict):
    """A value of the right type (not a meaningful one) so that a body passes the schema and reaches the
    checks that come after it."""
    shapes, nullable = _variants(schema, spec)
    if not shapes:
        return None
    shape = shapes[0]
    if "enum" in shape:
        return shape["enum"][0]
    if "const" in shape:
        return shape["const"]
    kind = shape.get("type")
    if kind == "string":
        return {"date": "2025-01-15", "date-time": "2025-01-15T10:00:00+01:00"}.get(shape.get("format"), "x")
    if kind == "integer":
        return max(1, shape.get("minimum", 1))
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    if kind == "object":
        return {
            name: _dummy(prop, spec)
            for name, prop in shape.get("properties", {}).items()
            if name in shape.get("required", [])
        }
    return None


def _json_writes(spec: dict):
    """(method, path, body schema) of every API write whose body is JSON."""
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if method in ("post", "put", "patch") and "application/json" in content:
                yield method, path, _resolve(content["application/json"]["schema"], spec)


def _call(client, method, url, body):
    response = getattr(client, method)(url, data=json.dumps(body), content_type="application/json")
    return response, (response.json() if response["Content-Type"].startswith("application/json") else None)


def test_every_api_write_refuses_implausible_dates_and_too_long_texts(world):
    """Whatever the operation, an implausible date or a text past the limit in its body is a 422 naming
    that field (checked before the service, so any path id and any other value do)."""
    from parcours.access.services import issue_token

    spec = _openapi()
    client = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(world.admin)}")
    checked = set()
    for method, path, body_schema in _json_writes(spec):
        url = path.replace("{year}", "2025")
        url = __import__("re").sub(r"\{[a-z_]+\}", "1", url)
        properties = body_schema.get("properties", {})
        base = {
            name: _dummy(prop, spec)
            for name, prop in properties.items()
            if name in body_schema.get("required", [])
        }
        for name, prop in properties.items():
            shapes, _ = _variants(prop, spec)
            for shape in shapes:
                if shape.get("type") != "string" or "enum" in shape:
                    continue
                if shape.get("format") == "date":
                    wrong = ["0001-01-01", "9999-12-31"]
                elif shape.get("format") == "date-time":
                    wrong = ["0001-01-01T00:00:00+00:00", "9999-12-31T00:00:00+00:00"]
                elif "format" in shape or "pattern" in shape:
                    continue
                else:
                    wrong = ["é" * 50_001]
                for value in wrong:
                    response, data = _call(client, method, url, {**base, name: value})
                    assert response.status_code == 422, (method, path, name, response.status_code, data)
                    assert name in {e["field"] for e in data["errors"]}, (method, path, name, data)
                    checked.add((path, name))
    assert len(checked) > 100  # every text and date field of every JSON write (about 150)


# the model behind each path parameter, by the path segment before it
PATH_MODELS = {
    "persons": "people.Person",
    "measures": "people.Measure",
    "documents": "people.Document",
    "units": "directory.Unit",
    "establishments": "directory.Establishment",
    "stays": "pathways.Stay",
    "referrals": "admissions.Referral",
    "commission-sessions": "admissions.CommissionSession",
    "notifications": "admissions.Notification",
    "plans": "plans.Plan",
    "grids": "assessments.Grid",
    "assessments": "assessments.Assessment",
    "incidents": "incidents.Incident",
    "incidents/actions": "incidents.CorrectiveAction",
    "meetings": "meetings.Meeting",
    "practice-analysis-requests": "meetings.PracticeAnalysisRequest",
    "proposals": "meetings.FacilitatorProposal",
    "self-assessments": "quality.SelfAssessment",
    "scores": "quality.Criterion",
    "quality/actions": "quality.ActionPlanItem",
    "cpoms": "cpom.Cpom",
    "cpom-objectives": "cpom.StrategicObjective",
    "cpom-actions": "cpom.CpomAction",
    "cpom-stages": "cpom.Stage",
    "cpom-indicators": "cpom.CpomIndicator",
}


# an object in a state that still takes writes, when there is one
WRITABLE = {
    "people.Person": {"archived_at__isnull": True, "merged_into__isnull": True},
    "people.Measure": {"person__archived_at__isnull": True, "person__merged_into__isnull": True},
    "plans.Plan": {"status": "draft", "person__archived_at__isnull": True},
    "incidents.Incident": {"status": "declared"},
    "assessments.Grid": {"status": "draft"},
    "meetings.PracticeAnalysisRequest": {"status": "open"},
}


def _url_with_objects(path: str) -> str | None:
    """The path with the id of an existing object for each parameter (None when there is none)."""
    import re

    from django.apps import apps

    parts = path.removeprefix("/api/v1/").split("/")
    out = []
    for index, part in enumerate(parts):
        if part == "{year}":
            out.append("2025")
        elif part.startswith("{"):
            segment = parts[index - 1]
            key = f"{parts[0]}/{segment}" if f"{parts[0]}/{segment}" in PATH_MODELS else segment
            label = PATH_MODELS[key]
            objects = apps.get_model(label).objects.order_by("pk").values_list("pk", flat=True)
            pk = objects.filter(**WRITABLE.get(label, {})).first() or objects.first()
            if pk is None:
                return None
            out.append(str(pk))
        else:
            out.append(part)
    url = "/api/v1/" + "/".join(out)
    assert not re.search(r"\{", url)
    return url


@pytest.fixture
def demo(db):
    from io import StringIO

    from django.core.management import call_command

    from tests.conftest import ensure_communes

    ensure_communes()
    call_command("demo", "--scale", "demo", "--seed", "7", stdout=StringIO())


def test_no_api_write_answers_500_to_a_null(demo):
    """For every API write with a JSON body, on the demo data set as the group admin: null for each
    field the schema declares nullable never answers 500 (a required column gets a 422 naming it)."""
    from parcours.access.models import User
    from parcours.access.services import issue_token

    spec = _openapi()
    client = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(User.objects.get(username='admin'))}")
    sent, missing = 0, []
    for method, path, body_schema in _json_writes(spec):
        url = _url_with_objects(path)
        if url is None:
            missing.append(path)
            continue
        properties = body_schema.get("properties", {})
        base = {
            name: _dummy(prop, spec)
            for name, prop in properties.items()
            if name in body_schema.get("required", [])
        }
        for name, prop in properties.items():
            if not _variants(prop, spec)[1]:
                continue
            body = {name: None} if method == "patch" else {**base, name: None}
            response, data = _call(client, method, url, body)
            sent += 1
            assert response.status_code < 500, (method, url, name, response.status_code)
            if response.status_code >= 400:
                assert isinstance(data["detail"], str) and isinstance(data["errors"], list)
    assert sent > 40 and len(missing) < 5, (sent, missing)


def _page_parameters() -> set[str]:
    """Every query parameter a page reads: request.GET.get("…") in the views, and the fields of the
    forms (filters are forms bound to request.GET)."""
    import importlib
    import re
    from pathlib import Path

    from django import forms

    import parcours

    names = set()
    root = Path(parcours.__file__).parent
    for source in root.rglob("*.py"):
        names |= set(re.findall(r"request\.GET(?:\.get\(|\[)\"([a-z_]+)\"", source.read_text()))
        if source.name == "forms.py":
            module = importlib.import_module(
                "parcours." + ".".join(source.relative_to(root).with_suffix("").parts)
            )
            for value in vars(module).values():
                if isinstance(value, type) and issubclass(value, forms.Form):
                    names |= set(value.base_fields)
    return names


PAGE_OBJECTS = {
    "person_id": "people.Person",
    "unit_id": "directory.Unit",
    "establishment_id": "directory.Establishment",
    "referral_id": "admissions.Referral",
    "session_id": "admissions.CommissionSession",
    "plan_id": "plans.Plan",
    "grid_id": "assessments.Grid",
    "incident_id": "incidents.Incident",
    "meeting_id": "meetings.Meeting",
    "request_id": "meetings.PracticeAnalysisRequest",
    "cpom_id": "cpom.Cpom",
}


def _pages():
    """The pages that answer a GET, with the id of a demo object for their parameter."""
    from django.apps import apps
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    for route in walk(get_resolver().url_patterns):
        if route.startswith(("api/", "gestion/", "deconnexion", "healthz")) or route.endswith(
            (".pdf", ".xlsx", ".csv", ".json", ".<str:fmt>")
        ):
            continue
        params = __import__("re").findall(r"<int:([a-z_]+)>", route)
        if any(p not in PAGE_OBJECTS for p in params) or "<" in __import__("re").sub(
            r"<int:[a-z_]+>", "", route
        ):
            continue
        url = route
        for param in params:
            pk = (
                apps.get_model(PAGE_OBJECTS[param])
                .objects.order_by("pk")
                .values_list("pk", flat=True)
                .first()
            )
            url = url.replace(f"<int:{param}>", str(pk))
        yield "/" + url


def test_no_page_answers_500_to_a_bad_or_missing_parameter(demo):
    """Every page, as the group admin on the demo data set, with every parameter any page reads set to
    a bad value (and with none): a page, a 400 page, a redirect — never a 500."""
    from parcours.access.models import User

    client = client_for(User.objects.get(username="admin"))
    names = _page_parameters()
    pages = list(_pages())
    assert len(pages) > 30 and {"du", "indicateur", "perimetre", "thematique", "q"} <= names
    for url in pages:
        for junk in (None, "x", "0001-01-01", "99999999999999999999", "unit:x", "unit:²", "²"):
            response = client.get(url, {} if junk is None else {name: junk for name in names})
            assert response.status_code < 500, (url, junk, response.status_code)


def test_a_null_reaching_a_required_column_is_a_422_not_a_500(measure, rf):
    """The last net behind the schemas: the database's NOT NULL refusal (PostgreSQL and SQLite) names
    the column in a 422; any other integrity error is not hidden."""
    from django.db import IntegrityError, transaction

    from parcours.api.api import null_into_required_column

    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        Measure.objects.filter(pk=measure.pk).update(reference=None)
    response = null_into_required_column(rf.patch("/api/v1/measures/1"), caught.value)
    assert response.status_code == 422
    assert json.loads(response.content)["errors"][0]["field"] == "reference"
    with pytest.raises(IntegrityError) as duplicate, transaction.atomic():
        Measure.objects.create(pk=measure.pk, person=measure.person, kind="aemo", start_date=date(2024, 1, 1))
    with pytest.raises(IntegrityError):
        null_into_required_column(rf.post("/api/v1/persons/1/measures"), duplicate.value)


@pytest.mark.parametrize("scope", ["unit:²", "unit:٣x", "organisation:99999999999999999999", "unit:"])
def test_a_scope_with_a_digit_python_cannot_read_is_a_422(api, world, scope):
    """'²' is a digit for str.isdigit() but not a number for int(): the scopes check isdecimal()."""
    for path in ("/indicators", "/meetings/figures"):
        response = api.director.get(path, {"scope": scope})
        assert response.status_code == 422, (path, scope, response.status_code)
        assert response.data["errors"]


def test_forms_outside_submit_apply_the_same_limits(world):
    """The few forms a view handles itself: an adverse event's declaration, a plan's co-evaluation, a
    commission session's date, a unit's admission terms."""
    from parcours.admissions.models import CommissionSession
    from parcours.plans.models import Evaluation, Plan
    from parcours.steering.incidents.models import Incident

    director = client_for(world.director)
    declared = director.post(
        "/evenements-indesirables/declarer/",
        {
            "establishment": world.e1.pk,
            "occurred_at": "0001-01-01T10:00",
            "description": "Chute",
            "victims_count": 0,
            "exposed_count": 0,
        },
    )
    assert declared.status_code == 422 and "1900" in field_error(declared, "occurred_at")
    assert not Incident.objects.exists()

    plan = Plan.objects.create(
        person=world.child,
        kind="personalised_plan",
        start_date=date(2026, 6, 1),
        due_date=today(),
        status="signed",
    )
    objective = plan.objectives.create(domain="schooling", description="Retour au collège")
    evaluated = director.post(
        f"/projets/{plan.pk}/evaluation",
        {
            "date": "9999-12-31",
            "participant_0_name": "Joël",
            "participant_0_role": "person",
            f"result_{objective.pk}": "partly",
        },
    )
    assert evaluated.status_code == 422 and "1900" in field_error(evaluated, "date")
    assert not Evaluation.objects.exists()

    admin = client_for(world.admin)
    session = admin.post("/commissions/", {"date": "0001-01-01", "organisation": world.assoc.pk})
    assert session.status_code == 200 and "1900" in session.content.decode()
    unknown = admin.post("/commissions/", {"date": "2026-12-03", "organisation": "999999"})
    assert unknown.status_code == 200 and not CommissionSession.objects.exists()

    terms = admin.post(
        f"/unites/{world.u1.pk}/admission",
        {"admission_criteria": "a" * 50_001, "admission_procedure": "b"},
        follow=True,
    )
    assert "trop long" in terms.content.decode()
    world.u1.refresh_from_db()
    assert world.u1.admission_criteria == ""


def test_document_upload_fields_and_grid_date_answers_are_checked_too(api, world):
    """A multipart upload's fields (no schema object) and a grid's date answers (inside a JSON
    mapping) follow the same ranges."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from parcours.access.models import Membership
    from tests.assessments.helpers import build_grid

    def upload(**fields):
        response = api.director.client.post(
            f"/api/v1/persons/{world.child.pk}/documents",
            {
                "file": SimpleUploadedFile(
                    "ordonnance.pdf", b"%PDF-1.4 test", content_type="application/pdf"
                ),
                "kind": "court_order",
                **fields,
            },
            **api.director.headers,
        )
        assert response.status_code == 422
        return {e["field"] for e in response.json()["errors"]}

    assert upload(title="t" * 201) == {"title"}
    assert upload(document_date="0001-01-01") == {"document_date"}
    assert not world.child.documents.exists()

    Membership.objects.create(user=world.director, role="director", organisation=world.assoc)
    grid = build_grid(api.director, world.assoc.pk)
    answered = api.director.post(
        "/assessments",
        {"grid": grid["id"], "person": world.child.pk, "answers": {"date_entretien": "0001-01-01"}},
    )
    assert answered.status_code == 422 and fields_of(answered) == {"answers.date_entretien"}
    assert "1900" in answered.data["errors"][0]["message"]
