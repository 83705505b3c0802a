"""Steering objects are scoped like records: a unit's staff read their unit's figures and registers;
an establishment's objects (its figures, its events and meetings as a whole, its quality approach)
need a membership on it or on its organisation; an organisation's objects (CPOM, organisation-wide
reports and meetings, assessment grids, the group allocation) need a membership on the organisation
or on a group it belongs to. Out of scope: 404, as everywhere.

Personas: head (head of service of U1, a unit membership), director and educator (E1, establishment
memberships), org_director (director of the association, an organisation membership), admin (the
group's admin)."""

from types import SimpleNamespace

import pytest
from django.test import Client

from parcours.access.services import issue_token
from parcours.core.dates import today
from parcours.steering.incidents import services as incidents
from parcours.steering.meetings.models import Meeting
from tests.api.conftest import ApiClient, fields_of
from tests.conftest import make_user
from tests.incidents.helpers import moment


@pytest.fixture
def s(world):
    head = make_user("chef_u1", "head_of_service", world.u1)
    org_director = make_user("directrice_assoc", "director", world.assoc)
    users = {
        "head": head,
        "director": world.director,
        "educator": world.educator,
        "org_director": org_director,
        "admin": world.admin,
    }
    api = SimpleNamespace(**{name: ApiClient(issue_token(user)) for name, user in users.items()})

    def page(name):
        client = Client()
        client.force_login(users[name])
        return client

    return SimpleNamespace(w=world, api=api, page=page, **users)


def test_indicators_need_a_membership_covering_the_scope(s):
    w, api = s.w, s.api
    period = {"from": "2025-01-01", "to": "2025-12-31"}
    unit, est, org = f"unit:{w.u1.pk}", f"establishment:{w.e1.pk}", f"organisation:{w.assoc.pk}"
    assert api.head.get("/indicators", {"scope": unit, **period}).status_code == 200
    for scope in (est, org, f"organisation:{w.group.pk}"):
        assert api.head.get("/indicators", {"scope": scope, **period}).status_code == 404, scope
        assert api.head.get("/indicators/units", {"scope": scope, **period}).status_code == 404
        assert api.head.get("/indicators/trend", {"scope": scope, **period}).status_code == 404
        assert (
            api.head.get(
                "/indicators/drilldown", {"scope": scope, "figure": "admissions", **period}
            ).status_code
            == 404
        )
    assert api.director.get("/indicators", {"scope": est, **period}).status_code == 200
    assert api.director.get("/indicators", {"scope": org, **period}).status_code == 404
    assert api.director.get("/indicators/units", {"scope": org, **period}).status_code == 404
    assert api.org_director.get("/indicators", {"scope": org, **period}).status_code == 200
    assert (
        api.org_director.get("/indicators", {"scope": f"organisation:{w.group.pk}", **period}).status_code
        == 404
    )
    assert api.admin.get("/indicators", {"scope": f"organisation:{w.group.pk}", **period}).status_code == 200


def test_a_units_figures_are_its_own(s):
    """The unit's figures count the unit's events only, not those of the establishment as a whole,
    and no meeting (held for establishments and organisations)."""
    w = s.w
    incidents.declare(
        w.educator, establishment=w.e1.pk, unit=w.u1.pk, occurred_at=moment(3), description="Fugue."
    )
    incidents.declare(
        w.director, establishment=w.e1.pk, occurred_at=moment(3), description="Panne de chauffage."
    )
    Meeting.objects.create(kind="ethics_committee", date=today(), organisation=w.assoc, establishment=w.e1)
    period = {"from": today().replace(month=1, day=1).isoformat(), "to": today().isoformat()}
    mine = s.api.head.get("/indicators", {"scope": f"unit:{w.u1.pk}", **period}).data
    assert mine["incidents"] == 1
    assert mine.get("meetings") is None
    whole = s.api.director.get("/indicators", {"scope": f"establishment:{w.e1.pk}", **period}).data
    assert whole["incidents"] == 2 and whole["meetings"] == 1
    figures = s.api.head.get("/meetings/figures", {"scope": f"unit:{w.u1.pk}", **period})
    assert figures.status_code == 200 and figures.data["meetings"] == 0


def test_dashboard_and_reports_pages(s):
    w = s.w
    head = s.page("head")
    assert head.get("/pilotage/").status_code == 200  # its default scope: its unit
    assert head.get("/pilotage/", {"perimetre": f"establishment:{w.e1.pk}"}).status_code == 404
    director = s.page("director")
    assert director.get("/pilotage/").status_code == 200
    assert director.get("/pilotage/", {"perimetre": f"organisation:{w.assoc.pk}"}).status_code == 404
    html = director.get("/pilotage/").content.decode()
    assert f'value="organisation:{w.assoc.pk}"' not in html and f'value="establishment:{w.e1.pk}"' in html
    asked = director.post("/pilotage/rapports/", {"perimetre": f"organisation:{w.assoc.pk}", "annee": "2025"})
    assert asked.status_code == 404
    assert (
        s.page("org_director").get("/pilotage/", {"perimetre": f"organisation:{w.assoc.pk}"}).status_code
        == 200
    )


def test_organisation_reports_need_an_organisation_membership(s):
    w, api = s.w, s.api
    assert (
        api.director.post(
            "/activity-reports", {"scope": f"organisation:{w.assoc.pk}", "year": 2025}
        ).status_code
        == 404
    )
    assert (
        api.head.post("/activity-reports", {"scope": f"establishment:{w.e1.pk}", "year": 2025}).status_code
        == 404
    )
    done = api.org_director.post("/activity-reports", {"scope": f"organisation:{w.assoc.pk}", "year": 2025})
    assert done.status_code == 202, done.data
    assert api.director.get(f"/activity-reports/{done.data['id']}").status_code == 404
    assert api.org_director.get(f"/activity-reports/{done.data['id']}").status_code == 200
    own = api.director.post("/activity-reports", {"scope": f"establishment:{w.e1.pk}", "year": 2025})
    assert own.status_code == 202
    assert api.head.get(f"/activity-reports/{own.data['id']}").status_code == 404


def cpom_body(world, **extra):
    body = {"organisation": world.assoc.pk, "title": "CPOM 2025-2029", "start_year": 2025}
    body.update(extra)
    return body


def test_cpoms_are_read_and_written_at_organisation_level(s):
    w, api = s.w, s.api
    refused = api.director.post("/cpoms", cpom_body(w))
    assert refused.status_code == 422 and "organisation" in fields_of(refused)
    created = api.org_director.post("/cpoms", cpom_body(w))
    assert created.status_code == 201, created.data
    cpom = created.data["id"]
    for who in (api.director, api.educator, api.head):
        assert who.get("/cpoms").data["count"] == 0
        assert who.get(f"/cpoms/{cpom}").status_code == 404
        assert who.get(f"/cpoms/{cpom}/dashboard").status_code == 404
    assert api.admin.get(f"/cpoms/{cpom}").status_code == 200  # the group's admin covers its members
    assert s.page("director").get(f"/cpom/{cpom}/").status_code == 404
    assert s.page("org_director").get(f"/cpom/{cpom}/").status_code == 200
    assert "CPOM 2025-2029" not in s.page("director").get("/cpom/").content.decode()


def test_organisation_meetings_need_an_organisation_membership(s):
    w, api = s.w, s.api
    body = {"kind": "ethics_committee", "organisation": w.assoc.pk, "date": "2025-03-14", "title": "Comité"}
    assert api.director.post("/meetings", body).status_code == 404
    created = api.org_director.post("/meetings", body)
    assert created.status_code == 201, created.data
    meeting = created.data["id"]
    for who in (api.director, api.educator, api.head):
        assert who.get(f"/meetings/{meeting}").status_code == 404
        assert meeting not in [m["id"] for m in who.get("/meetings").data["items"]]
    assert api.admin.get(f"/meetings/{meeting}").status_code == 200
    # an establishment's meeting: its staff and its organisation's, not a unit's
    held = api.director.post("/meetings", {**body, "organisation": None, "establishment": w.e1.pk})
    assert held.status_code == 201, held.data
    assert api.educator.get(f"/meetings/{held.data['id']}").status_code == 200
    assert api.org_director.get(f"/meetings/{held.data['id']}").status_code == 200
    assert api.head.get(f"/meetings/{held.data['id']}").status_code == 404
    assert s.page("director").get(f"/reunions/{meeting}/").status_code == 404


def test_grids_of_the_organisation(s):
    w, api = s.w, s.api
    refused = api.director.post("/grids", {"organisation": w.assoc.pk, "name": "Bilan"})
    assert refused.status_code == 422 and "organisation" in fields_of(refused)
    draft = api.org_director.post("/grids", {"organisation": w.assoc.pk, "name": "Bilan"})
    assert draft.status_code == 201, draft.data
    grid = draft.data["id"]
    for who in (api.director, api.educator, api.head):
        assert who.get(f"/grids/{grid}").status_code == 404
        assert grid not in [g["id"] for g in who.get("/grids").data["items"]]
    assert s.page("director").get(f"/grilles/{grid}/").status_code == 404
    section = api.org_director.post(f"/grids/{grid}/sections", {"title": "Santé"}).data["id"]
    api.org_director.post(
        f"/grids/{grid}/questions", {"section": section, "key": "suivi", "label": "Suivi", "kind": "text"}
    )
    assert api.org_director.post(f"/grids/{grid}/publish").status_code == 200
    # published, it is the blank form the organisation's professionals fill for their persons
    assert api.educator.get(f"/grids/{grid}").status_code == 200
    assert api.director.post(f"/grids/{grid}/versions").status_code == 403
    filled = api.educator.post(
        "/assessments", {"grid": grid, "person": w.child.pk, "answers": {"suivi": "ok"}}
    )
    assert filled.status_code == 201, filled.data


def test_allocation_needs_an_organisation_membership(s):
    w, api = s.w, s.api
    scope = f"organisation:{w.assoc.pk}"
    for who in (api.director, api.educator, api.head):
        assert who.get("/allocation", {"scope": scope}).status_code == 404
    assert api.org_director.get("/allocation", {"scope": scope}).status_code == 200
    assert api.admin.get("/allocation", {"scope": f"organisation:{w.group.pk}"}).status_code == 200
    director = s.page("director")
    assert director.get("/orientations/affectation/", {"organisation": w.assoc.pk}).status_code == 404
    page = director.get("/orientations/affectation/")
    assert page.status_code == 200 and "Association Test" not in page.content.decode()
    assert (
        s.page("org_director").get("/orientations/affectation/", {"organisation": w.assoc.pk}).status_code
        == 200
    )


def test_establishment_events_and_quality_need_an_establishment_membership(s, has_extract):
    from parcours.steering.quality.services import import_framework, start_self_assessment

    w, api = s.w, s.api
    whole = incidents.declare(w.director, establishment=w.e1.pk, occurred_at=moment(3), description="Panne.")
    own = incidents.declare(
        s.head, establishment=w.e1.pk, unit=w.u1.pk, occurred_at=moment(3), description="Fugue."
    )
    assert api.head.get(f"/incidents/{whole.pk}").status_code == 404
    assert api.head.get(f"/incidents/{own.pk}").status_code == 200
    assert [i["id"] for i in api.head.get("/incidents").data["items"]] == [own.pk]
    assert api.educator.get(f"/incidents/{whole.pk}").status_code == 200
    unitless = api.head.post(
        "/incidents",
        {"establishment": w.e1.pk, "occurred_at": moment(2).isoformat(), "description": "Coupure d'eau."},
    )
    assert unitless.status_code == 422 and "unit" in fields_of(unitless)
    framework = import_framework(w.admin, has_extract.read_bytes(), has_extract.name, version="2022 v1.1")
    assessment = start_self_assessment(w.director, establishment=w.e1.pk, framework=framework.pk)
    assert api.head.get(f"/quality/self-assessments/{assessment.pk}").status_code == 404
    assert api.head.get("/quality/self-assessments").data["count"] == 0
    assert api.educator.get(f"/quality/self-assessments/{assessment.pk}").status_code == 200
    assert s.page("head").get(f"/qualite/etablissements/{w.e1.pk}/").status_code == 404


@pytest.fixture
def has_extract(tmp_path):
    from parcours.steering.quality.sample import workbook_bytes

    path = tmp_path / "referentiel-has-extrait.xlsx"
    path.write_bytes(workbook_bytes())
    return path


def test_a_unit_membership_keeps_its_default_scope(s):
    from parcours.steering.selectors import default_scope

    assert default_scope(s.head) == f"unit:{s.w.u1.pk}"
    assert default_scope(s.director) == f"establishment:{s.w.e1.pk}"
    assert default_scope(s.org_director) == f"organisation:{s.w.assoc.pk}"
    assert default_scope(s.admin) == f"organisation:{s.w.group.pk}"
