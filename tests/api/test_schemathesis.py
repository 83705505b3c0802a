"""Schemathesis against our own OpenAPI document, in the normal suite.

Every operation is called with its documented examples and with generated data (valid and invalid),
as the group admin and as a restricted role (the educator of the Millau site), on the demo data set
loaded once for the module. Path parameters and the ids in bodies and queries are pointed at real
records the role can see (random ids would only ever meet 404), so the answers checked are real
ones. Then linked operations are chained by schemathesis' state machine (the OpenAPI links: create
a person, read it, refer it, admit it…).

Whatever the input: never a 500, every answer conforms to the document (documented status code,
content type and body schema), and error bodies have the uniform format of API.md."""

import re
import zlib
from contextlib import contextmanager
from io import StringIO

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client, override_settings
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ensure_resource_availability,
    response_schema_conformance,
    status_code_conformance,
    use_after_free,
)

from parcours.api.api import api as ninja_api
from parcours.wsgi import application

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Operations × roles × examples: the fuzzing phase draws this many cases per operation.
MAX_EXAMPLES = 6
ROLES = {"admin": "admin", "educator": "educ.millau"}


def _generation_config() -> dict:
    """Codes and dates drawn from the values the API accepts three times in four (schemathesis'
    dictionaries; the schemas type most codes as plain strings), so that valid calls reach the
    services; the other draws stay free."""
    from parcours.admissions.choices import DecisionKind, SessionKind
    from parcours.directory.choices import Modality, Public, UnitSex
    from parcours.pathways.choices import AssignmentRole, ExitReason, Intensity
    from parcours.people.choices import MeasureKind, NoteConfidentiality, RelationshipKind, Sex
    from parcours.plans.models import PlanKind
    from parcours.steering.meetings.choices import MeetingKind

    codes = {
        "sex": Sex, "unit_sex": UnitSex, "modality": Modality, "public": Public, "exit_reason": ExitReason,
        "intensity": Intensity, "assignment_role": AssignmentRole, "relationship_kind": RelationshipKind,
        "measure_kind": MeasureKind, "confidentiality": NoteConfidentiality, "decision": DecisionKind,
        "plan_kind": PlanKind, "session_kind": SessionKind, "meeting_kind": MeetingKind,
    }  # fmt: skip
    dictionaries = {name: {"values": list(choices.values)} for name, choices in codes.items()}
    dictionaries["commune"] = {"values": ["12145", "12202", "40192", "93066"]}
    dictionaries["date"] = {"values": ["2024-09-01", "2025-06-30", "2026-01-15", "2026-09-01"]}
    dictionaries["birth_date"] = {"values": ["2008-02-14", "2012-03-04", "2014-05-17", "2019-11-30"]}

    def bind(**fields):
        return {f"body.{field}": {"dictionary": name, "probability": 0.75} for field, name in fields.items()}

    def operation(method, path, **fields):
        return {"include-method": method, "include-path": "/api/v1" + path, "parameters": bind(**fields)}

    dates = ("start_date", "end_date", "wished_date", "valid_from", "date")
    return {
        "dictionaries": dictionaries,
        "parameters": bind(
            modality="modality",
            public="public",
            exit_reason="exit_reason",
            intensity="intensity",
            decision="decision",
            confidentiality="confidentiality",
            commune="commune",
            birth_date="birth_date",
            **dict.fromkeys(dates, "date"),
        ),
        "operations": [
            operation("POST", "/persons", sex="sex"),
            operation("PATCH", "/persons/{person_id}", sex="sex"),
            operation("POST", "/units", sex="unit_sex"),
            operation("POST", "/persons/{person_id}/relationships", kind="relationship_kind"),
            operation("POST", "/persons/{person_id}/measures", kind="measure_kind"),
            operation("PATCH", "/measures/{measure_id}", kind="measure_kind"),
            operation("POST", "/persons/{person_id}/assignments", role="assignment_role"),
            operation("POST", "/plans", kind="plan_kind"),
            operation("POST", "/commission-sessions", kind="session_kind"),
            operation("POST", "/meetings", kind="meeting_kind"),
            operation("PATCH", "/meetings/{meeting_id}", kind="meeting_kind"),
        ],
    }


# The coverage phase (every boundary and missing field of every schema) would multiply the run time:
# the input hardening tests walk those cases (tests/core/test_input_hardening.py).
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20260101,
        "generation": {"max-examples": MAX_EXAMPLES, "database": "none"},
        "phases": {"coverage": {"enabled": False}},
        **_generation_config(),
    }
)
OPENAPI = ninja_api.get_openapi_schema()
schema = schemathesis.openapi.from_dict(OPENAPI, config=CONFIG)
schema.app = application
HYPOTHESIS = settings(deadline=None, suppress_health_check=list(HealthCheck), database=None)


# The demo data set, once for the module ------------------------------------------------------------


class Role:
    """A demo login with its token and the ids of records it can see, by kind."""

    def __init__(self, user, token):
        self.user = user
        self.token = token
        self.headers = {"Authorization": f"Bearer {token}"}
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
        self.ids: dict[str, object] = {}

    def sees(self, path: str) -> bool:
        return self.client.get("/api/v1" + path).status_code == 200

    def first_seen(self, queryset, detail: str):
        """The first record of the queryset whose detail page (detail % id) the role can read."""
        ids = list(queryset.order_by("pk").values_list("pk", flat=True)[:40])
        return next((pk for pk in ids if self.sees(detail % pk)), ids[0] if ids else None)


def _first(queryset):
    return queryset.order_by("pk").values_list("pk", flat=True).first()


def _records(role: Role) -> dict[str, object]:
    """The ids a role's calls are pointed at: records it can see when it sees any."""
    from parcours.access.services import issue_token
    from parcours.admissions.models import CommissionSession, Notification, Referral, SharedDocument
    from parcours.assessments.models import Assessment, Grid
    from parcours.directory.models import Organisation, Unit
    from parcours.people.models import Document, Measure, Person
    from parcours.plans.models import Objective, Plan
    from parcours.steering.cpom.models import Cpom, CpomAction, CpomIndicator, Stage, StrategicObjective
    from parcours.steering.incidents.models import CorrectiveAction, Incident
    from parcours.steering.meetings.models import (
        FacilitatorProposal,
        Meeting,
        Participant,
        PracticeAnalysisRequest,
    )
    from parcours.steering.models import ActivityReport
    from parcours.steering.quality.models import ActionPlanItem, Criterion, Framework, SelfAssessment

    ids: dict[str, object] = {}
    visible = Person.objects.visible_to(role.user)
    rich = visible.filter(stays__isnull=False, plans__isnull=False, measures__isnull=False).distinct()
    ids["person"] = _first(rich) or _first(visible) or _first(Person.objects.all())
    ids["relative"] = _first(visible.exclude(pk=ids["person"]))
    person = Person.objects.get(pk=ids["person"])
    stay = person.stays.order_by("-start_date").first()
    ids["stay"] = stay.pk if stay else None
    ids["unit"] = stay.unit_id if stay else _first(Unit.objects.all())
    unit = Unit.objects.select_related("establishment").get(pk=ids["unit"])
    ids["establishment"] = unit.establishment_id
    ids["organisation"] = unit.establishment.organisation_id
    ids["measure"] = _first(Measure.objects.filter(person=person))
    ids["document"] = _first(Document.objects.filter(person=person))
    ids["referral"] = role.first_seen(Referral.objects.all(), "/referrals/%s")
    ids["referral_document"] = _first(SharedDocument.objects.filter(referral=ids["referral"]))
    ids["session"] = _first(CommissionSession.objects.all())
    ids["notification"] = _first(Notification.objects.filter(user=role.user))
    ids["plan"] = _first(Plan.objects.filter(person=person)) or role.first_seen(
        Plan.objects.all(), "/plans/%s"
    )
    ids["plan_objective"] = _first(Objective.objects.filter(plan=ids["plan"]))
    ids["grid"] = role.first_seen(Grid.objects.all(), "/grids/%s")
    grid = Grid.objects.filter(pk=ids["grid"]).first()
    ids["grid_section"] = _first(grid.sections.all()) if grid else None
    ids["grid_question"] = _first(grid.questions.all()) if grid else None
    ids["grid_assessment"] = role.first_seen(Assessment.objects.all(), "/assessments/%s")
    ids["report"] = role.first_seen(ActivityReport.objects.all(), "/activity-reports/%s")
    ids["incident"] = role.first_seen(Incident.objects.all(), "/incidents/%s")
    ids["incident_action"] = _first(CorrectiveAction.objects.filter(incident=ids["incident"]))
    ids["meeting"] = role.first_seen(Meeting.objects.all(), "/meetings/%s")
    ids["participant"] = _first(Participant.objects.filter(meeting=ids["meeting"]))
    ids["request"] = role.first_seen(PracticeAnalysisRequest.objects.all(), "/practice-analysis-requests/%s")
    ids["proposal"] = _first(FacilitatorProposal.objects.filter(request=ids["request"]))
    ids["framework"] = _first(Framework.objects.all())
    ids["criterion"] = _first(Criterion.objects.filter(framework=ids["framework"]))
    ids["quality_assessment"] = role.first_seen(SelfAssessment.objects.all(), "/quality/self-assessments/%s")
    ids["quality_action"] = _first(ActionPlanItem.objects.filter(self_assessment=ids["quality_assessment"]))
    ids["cpom"] = role.first_seen(Cpom.objects.all(), "/cpoms/%s")
    ids["cpom_objective"] = _first(StrategicObjective.objects.filter(cpom=ids["cpom"]))
    ids["cpom_action"] = _first(CpomAction.objects.filter(objective__cpom=ids["cpom"]))
    ids["cpom_stage"] = _first(Stage.objects.filter(action__objective__cpom=ids["cpom"]))
    ids["cpom_indicator"] = _first(CpomIndicator.objects.filter(action__objective__cpom=ids["cpom"]))
    cpom = Cpom.objects.filter(pk=ids["cpom"]).first()
    ids["year"] = cpom.start_year if cpom else 2025
    # A token of its own to revoke (DELETE /tokens/{id}), not the one the calls use.
    issue_token(role.user, "à révoquer")
    ids["token"] = role.user.api_tokens.order_by("-pk").values_list("pk", flat=True).first()
    ids["authority"] = _first(Organisation.objects.filter(kind="departement"))
    return {k: v for k, v in ids.items() if v is not None}


def _complete_the_demo(admin: Role) -> None:
    """What the demo data set does not hold: a document on a record and one shared with a referral,
    a filled grid, a notification per role, a finished activity report."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from parcours.access.models import User
    from parcours.admissions.models import Notification, Referral
    from parcours.assessments.models import Grid
    from parcours.people.models import Person
    from parcours.steering.models import ActivityReport

    person = Person.objects.filter(stays__isnull=False, plans__isnull=False).order_by("pk").first()
    pdf = b"%PDF-1.4\n% Parcours\n"
    response = admin.client.post(
        f"/api/v1/persons/{person.pk}/documents",
        {"kind": "other", "title": "Bilan", "file": SimpleUploadedFile("bilan.pdf", pdf, "application/pdf")},
    )
    assert response.status_code == 201, response.content
    referral = Referral.objects.order_by("pk").first()
    response = admin.client.post(
        f"/api/v1/referrals/{referral.pk}/documents",
        {
            "kind": "other",
            "title": "Rapport",
            "file": SimpleUploadedFile("rapport.pdf", pdf, "application/pdf"),
        },
    )
    assert response.status_code == 201, response.content
    grid = Grid.objects.filter(status="published").order_by("pk").first()
    if grid:
        admin.client.post(
            "/api/v1/assessments", {"grid": grid.pk, "person": person.pk}, content_type="application/json"
        )
    for user in User.objects.all():
        Notification.objects.create(user=user, text="Nouvelle orientation", link="/orientations/")
    ActivityReport.objects.create(
        scope=f"unit:{person.stays.first().unit_id}",
        year=2025,
        status="done",
        progress=100,
        requested_by=admin.user,
        pdf=pdf,
        xlsx=b"PK\x03\x04",
    )


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo data set (every kind of record), loaded once inside a transaction rolled back after
    the module; each test runs in a savepoint of it (pytest-django's db fixture)."""
    from parcours.access.models import User
    from parcours.access.services import issue_token

    media_root = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            MEDIA_ROOT=media_root,
            TASKS={
                "default": {
                    "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                    "QUEUES": ["default", "reports"],
                    "ENQUEUE_ON_COMMIT": False,
                }
            },
        ),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("demo", "--scale", "demo", "--seed", "1", stdout=StringIO())
            roles = {}
            for name, username in ROLES.items():
                user = User.objects.get(username=username)
                roles[name] = Role(user, issue_token(user, "schemathesis"))
            _complete_the_demo(roles["admin"])
            for role in roles.values():
                role.ids = _records(role)
            yield {**roles, "media_root": media_root}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def _media_root(settings, demo):
    """The documents of the demo data set stay where the module stored them (the suite's autouse
    fixture gives each test a fresh media folder)."""
    settings.MEDIA_ROOT = demo["media_root"]


@pytest.fixture
def keep_connection():
    """Calls go straight to the WSGI app: keep the test's database connection open between requests,
    as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Real ids in the generated calls ---------------------------------------------------------------


def _kind_of(path: str, name: str) -> str:
    """The kind of record a path parameter names."""
    if name == "action_id":
        return (
            "incident_action"
            if "/incidents/" in path
            else "quality_action"
            if "/quality/" in path
            else "cpom_action"
        )
    if name == "objective_id":
        return "cpom_objective" if "/cpom-" in path else "plan_objective"
    if name == "assessment_id":
        return "quality_assessment" if "/quality/" in path else "grid_assessment"
    if name == "document_id":
        return "referral_document" if "/referrals/" in path else "document"
    return {
        "section_id": "grid_section",
        "question_id": "grid_question",
        "indicator_id": "cpom_indicator",
        "stage_id": "cpom_stage",
        "report_id": "report",
        "session_id": "session",
    }.get(name, name.removesuffix("_id"))


ID_FIELDS = {
    "person",
    "relative",
    "unit",
    "establishment",
    "organisation",
    "stay",
    "referral",
    "grid",
    "authority",
}
SCOPE = re.compile(r"^(unit|establishment|organisation):")


def _half(value) -> bool:
    """A stable coin toss on a generated value: half of the cases keep what was generated."""
    return zlib.crc32(repr(value).encode()) % 2 == 0


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _point_at_real_records(case, role: Role, *, keep: set | None = None) -> None:
    """Replace generated ids by the role's records (but those in `keep`: the ids a link carried from
    an earlier answer of the scenario)."""
    ids, keep = role.ids, keep or set()
    for name, value in list((case.path_parameters or {}).items()):
        kind = _kind_of(case.path, name)
        if kind in ids and _is_id(value) and ("path", name) not in keep:
            case.path_parameters[name] = ids[kind]
        elif name == "fmt" and _half(value):
            case.path_parameters[name] = "pdf"
    for where, container in (("query", case.query), ("body", case.body)):
        if not isinstance(container, dict):
            continue
        for name, value in list(container.items()):
            if (where, name) in keep or (where, None) in keep:
                continue
            if name in ID_FIELDS and _is_id(value) and name in ids:
                container[name] = ids[name]
            elif name == "scope" and isinstance(value, str) and (SCOPE.match(value) or _half(value)):
                container[name] = f"establishment:{ids['establishment']}"


def _uniform_errors(response) -> None:
    if response.status_code >= 400 and response.headers.get("content-type", [""])[0].startswith(
        "application/json"
    ):
        body = response.json()
        assert isinstance(body.get("detail"), str) and isinstance(body.get("errors"), list), body


@contextmanager
def _undone():
    """What a call or a scenario writes is undone after it: every example starts from the demo data
    set, so a failure found is a failure replayed."""
    savepoint = transaction.savepoint()
    try:
        yield
    finally:
        transaction.savepoint_rollback(savepoint)


def _call(case, role: Role) -> None:
    _point_at_real_records(case, role)
    with _undone():
        response = case.call_and_validate(headers=role.headers, checks=CHECKS)
    _uniform_errors(response)


@schema.parametrize()
@HYPOTHESIS
def test_as_admin(case, demo, db, keep_connection):
    _call(case, demo["admin"])


@schema.parametrize()
@HYPOTHESIS
def test_as_educator(case, demo, db, keep_connection):
    _call(case, demo["educator"])


# Stateful: the links between the main resources --------------------------------------------------

MAIN_RESOURCES = r"^/api/v1/(persons|measures|referrals|stays|plans|units)(/|$)"
stateful_schema = schemathesis.openapi.from_dict(
    {
        **OPENAPI,
        "paths": {path: item for path, item in OPENAPI["paths"].items() if re.match(MAIN_RESOURCES, path)},
    },
    config=CONFIG,
)
stateful_schema.app = application
STATEFUL_CHECKS = [*CHECKS, ensure_resource_availability, use_after_free]


def _run_scenarios(role: Role, scenarios: int) -> None:
    """Scenarios of linked calls (create a person, read it, refer it, decide, admit, end the stay…),
    from the main resources' operations and the links between them."""

    class Scenarios(stateful_schema.as_state_machine()):
        def setup(self):
            self._savepoint = transaction.savepoint()

        def teardown(self):
            transaction.savepoint_rollback(self._savepoint)

        def step(self, input):
            self._from_links = {
                (getattr(where, "value", where), name) for where, name in input.applied_parameters
            }
            return super().step(input)

        def before_call(self, case):
            _point_at_real_records(case, role, keep=self._from_links)

        def get_call_kwargs(self, case):
            return {"headers": role.headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=STATEFUL_CHECKS, transport_kwargs=kwargs)
            _uniform_errors(response)

    Scenarios.run(
        settings=settings(
            max_examples=scenarios,
            stateful_step_count=8,
            derandomize=True,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
    )


def test_linked_operations_as_admin(demo, db, keep_connection):
    _run_scenarios(demo["admin"], scenarios=40)


def test_linked_operations_as_educator(demo, db, keep_connection):
    _run_scenarios(demo["educator"], scenarios=25)


def test_the_checks_do_catch_an_answer_the_document_does_not_describe(demo, db, keep_connection):
    """A control: the same checks, against a document altered to require a field GET /me never
    answers, fail."""
    import copy

    doctored = copy.deepcopy(OPENAPI)
    responses = doctored["paths"]["/api/v1/me"]["get"]["responses"]
    me = responses.get(200, responses.get("200"))["content"]["application/json"]["schema"]
    component = doctored["components"]["schemas"][me["$ref"].rsplit("/", 1)[1]]
    component["required"] = [*component.get("required", []), "never_answered"]
    altered = schemathesis.openapi.from_dict(doctored, config=CONFIG)
    altered.app = application
    case = altered["/api/v1/me"]["GET"].Case()
    with pytest.raises(FailureGroup) as failures:
        case.call_and_validate(headers=demo["admin"].headers, checks=CHECKS)
    assert "never_answered" in str(failures.value.exceptions[0])
