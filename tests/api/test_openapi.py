"""The OpenAPI document (/api/v1/openapi.json) says what the API does: one component per schema
class (django-ninja files every schema under its class name, so two classes with one name silently
overwrite each other), components equal to what each operation's schemas generate, and every
documented example valid against its schema."""

import enum
import typing
from collections import defaultdict

import jsonschema_rs
import pytest
from ninja.openapi.schema import REF_TEMPLATE
from ninja.schema import NinjaGenerateJsonSchema
from pydantic import BaseModel

from parcours.api.api import api as ninja_api


@pytest.fixture(scope="module")
def doc():
    return ninja_api.get_openapi_schema()


def _operations():
    for _prefix, router in ninja_api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                yield path, operation


def _classes_in(annotation, seen: set):
    """Every pydantic model and enum reachable from a type annotation (list[X], X | None, nested
    fields…)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel | enum.Enum):
        if annotation in seen:
            return
        seen.add(annotation)
        yield annotation
        if issubclass(annotation, BaseModel):
            for field in annotation.model_fields.values():
                yield from _classes_in(field.annotation, seen)
        return
    for arg in typing.get_args(annotation):
        yield from _classes_in(arg, seen)


def _schema_classes():
    """(class, where) for each schema class the API's operations use, from their parameters, bodies
    and responses. The models ninja builds around them (the body, query and response wrappers) are
    not components and are left out."""
    seen: set = set()
    for path, operation in _operations():
        wrappers = list(operation.models) + [
            model for model in operation.response_models.values() if isinstance(model, type)
        ]
        for wrapper in wrappers:
            for field in wrapper.model_fields.values():
                for cls in _classes_in(field.annotation, seen):
                    yield cls, f"{'/'.join(operation.methods)} {path}"


def test_every_schema_class_has_its_own_component_name():
    by_name = defaultdict(set)
    for cls, _where in _schema_classes():
        by_name[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    shared = {name: sorted(classes) for name, classes in by_name.items() if len(classes) > 1}
    assert not shared, f"schema classes sharing one OpenAPI component name (rename one): {shared}"
    assert len(by_name) > 100  # the walk did find the API's schemas


def _generated_components():
    """Each operation's schemas generated on their own, as django-ninja does for the document:
    inputs in validation mode, responses in serialization mode."""
    for path, operation in _operations():
        where = f"{'/'.join(operation.methods)} {path}"
        for model in operation.models:
            yield (
                where,
                model.model_json_schema(
                    ref_template=REF_TEMPLATE, by_alias=True, schema_generator=NinjaGenerateJsonSchema
                ),
            )
        for model in operation.response_models.values():
            if isinstance(model, type):
                yield (
                    where,
                    model.model_json_schema(
                        ref_template=REF_TEMPLATE,
                        by_alias=operation.by_alias,
                        schema_generator=NinjaGenerateJsonSchema,
                        mode="serialization",
                    ),
                )


def test_each_component_is_what_every_operation_using_it_generates(doc):
    """A name shared by two classes, or a class whose input and output schemas differ (a Decimal
    read as a number or a string, written as a string), would leave some operation documented with
    another schema than its own."""
    components = doc["components"]["schemas"]
    wrong = set()
    for where, generated in _generated_components():
        for name, definition in generated.get("$defs", {}).items():
            if components.get(name) != definition:
                wrong.add(f"{where}: {name}")
    assert not wrong, sorted(wrong)


def test_activity_report_body_is_documented_with_its_own_fields(doc):
    body = doc["paths"]["/api/v1/activity-reports"]["post"]["requestBody"]["content"]["application/json"]
    component = doc["components"]["schemas"][body["schema"]["$ref"].rsplit("/", 1)[1]]
    assert {"scope", "year"} <= set(component["properties"]) and "reported_on" not in component["properties"]


# Documented examples ------------------------------------------------------------------------------


def _examples(node, where=""):
    """(where, example, schema) for every example of the document: on a media type or a parameter
    ("example", "examples": {name: {"value"}}) and in a schema ("examples": [...], "example")."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            yield from _examples(item, f"{where}[{i}]")
        return
    if not isinstance(node, dict):
        return
    if isinstance(node.get("schema"), dict):  # a media type or a parameter
        if "example" in node:
            yield where, node["example"], node["schema"]
        for name, example in (node.get("examples") or {}).items():
            if isinstance(example, dict) and "value" in example:
                yield f"{where}.examples.{name}", example["value"], node["schema"]
    elif isinstance(node.get("examples"), list) or "example" in node:  # a schema
        schema = {k: v for k, v in node.items() if k not in ("examples", "example")}
        for i, example in enumerate(node.get("examples") or []):
            yield f"{where}.examples[{i}]", example, schema
        if "example" in node:
            yield f"{where}.example", node["example"], schema
    for key, value in node.items():
        if key in ("examples", "example"):
            continue
        if key == "properties" and isinstance(value, dict):  # field names, not keywords
            for name, sub in value.items():
                yield from _examples(sub, f"{where}.properties.{name}")
        else:
            yield from _examples(value, f"{where}.{key}")


def test_every_documented_example_is_valid_against_its_schema(doc):
    found = list(_examples(doc))
    assert found, "the document carries examples (at least the meetings' start_time)"
    invalid = []
    for where, example, schema in found:
        validator = jsonschema_rs.Draft202012Validator(
            {**schema, "components": doc["components"]}, validate_formats=True
        )
        errors = [error.message for error in validator.iter_errors(example)]
        if errors:
            invalid.append((where, example, errors))
    assert not invalid, invalid


def test_meeting_start_time_is_a_wall_clock_time(api, world, doc):
    """Declared as "HH:MM[:SS]", not format "time" (RFC 3339 wants an offset the API never writes):
    what the API answers conforms, an offset or a fraction is refused."""
    clock = next(
        option
        for option in doc["components"]["schemas"]["MeetingOut"]["properties"]["start_time"]["anyOf"]
        if option.get("type") == "string"
    )
    assert "format" not in clock
    for start_time, answered in [
        ("14:30", "14:30:00"),
        ("09:05:00", "09:05:00"),
        ("14:30:00+02:00", None),
        ("14:30:00.5", None),
        ("25:00", None),
        ("", None),
    ]:
        response = api.director.post(
            "/meetings",
            {
                "kind": "ethics_committee",
                "date": "2026-03-02",
                "establishment": world.e1.pk,
                "start_time": start_time,
            },
        )
        if answered:
            assert response.status_code == 201, (start_time, response.data)
            assert response.data["start_time"] == answered and jsonschema_rs.is_valid(clock, answered)
        else:
            assert response.status_code == 422, (start_time, response.data)
            assert "start_time" in {e["field"] for e in response.data["errors"]}


def test_links_lead_to_existing_operations_and_parameters(doc):
    """The links clients and schemathesis' state machine follow (api/openapi.py)."""
    operations = {op["operationId"]: op for item in doc["paths"].values() for op in item.values()}
    links = [
        (name, link)
        for item in doc["paths"].values()
        for op in item.values()
        for response in op["responses"].values()
        for name, link in response.get("links", {}).items()
    ]
    assert len(links) > 40
    for name, link in links:
        target = operations[link["operationId"]]
        names = {p["name"] for p in target.get("parameters", [])}
        assert set(link.get("parameters", {})) <= names, (name, link)
        if "requestBody" in link:
            schema = target["requestBody"]["content"]["application/json"]["schema"]
            properties = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]["properties"]
            assert set(link["requestBody"]) <= set(properties), (name, link)


def test_the_served_document_carries_the_links_examples_and_file_types(client, db):
    doc = client.get("/api/v1/openapi.json").json()
    create_person = doc["paths"]["/api/v1/persons"]["post"]
    assert "GetPerson" in create_person["responses"]["201"]["links"]
    assert create_person["requestBody"]["content"]["application/json"]["example"]["sex"] == "f"
    pdf = doc["paths"]["/api/v1/plans/{plan_id}/document.pdf"]["get"]["responses"]["200"]["content"]
    assert list(pdf) == ["application/pdf"]
