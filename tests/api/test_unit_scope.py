"""A unit membership opens the persons of that unit, not its whole establishment (least privilege,
L226-2-2 CASF): a stay running or ended within the retention period, or — to know the person and
examine the request — a referral addressed to the unit or a decision taken for it. The persons
registered by the establishment open only to establishment- or organisation-level memberships."""

from datetime import date, timedelta

import pytest

from parcours.access.services import issue_token
from parcours.admissions.models import Decision, Referral
from parcours.core.dates import add_years, today
from parcours.pathways.models import Stay
from parcours.people import services as people
from parcours.people.models import Person
from tests.api.conftest import ApiClient
from tests.conftest import make_unit, make_user


def _person(world, name, **extra):
    return Person.objects.create(
        first_name=name, last_name="Test", birth_date=date(2012, 1, 1), sex="f", **extra
    )


@pytest.fixture
def units(world, settings):
    """E1 with a second unit U3; persons of E1 in every situation a unit educator may meet."""
    u3 = make_unit(world.e1, "SEAD Millau", capacity=6, modality="home_placement")
    w = world
    w.u3 = u3
    w.registered_only = _person(w, "Registered", home_establishment=w.e1)
    w.other_unit = _person(w, "OtherUnit", home_establishment=w.e1)
    Stay.objects.create(person=w.other_unit, unit=u3, start_date=date(2024, 1, 1))
    w.long_gone = _person(w, "LongGone", home_establishment=w.e1)
    ended = add_years(today(), -settings.RETENTION_YEARS) - timedelta(days=30)
    Stay.objects.create(person=w.long_gone, unit=w.u1, start_date=ended - timedelta(days=400), end_date=ended)
    w.recent = _person(w, "Recent")
    Stay.objects.create(
        person=w.recent, unit=w.u1, start_date=date(2023, 1, 1), end_date=today() - timedelta(days=60)
    )
    w.referred = _person(w, "Referred")
    referral = Referral.objects.create(
        person=w.referred,
        modality="residential",
        public="child_protection",
        wished_date=today(),
        reason="x",
        received_on=today(),
    )
    referral.target_units.add(w.u1)
    w.decided = _person(w, "Decided")
    other = Referral.objects.create(
        person=w.decided,
        modality="residential",
        public="child_protection",
        wished_date=today(),
        reason="x",
        received_on=today(),
    )
    Decision.objects.create(referral=other, unit=w.u1, decision="waiting_list", decided_on=today())
    w.unit_educator = make_user("educ_u1", "educator", w.u1)
    w.unit_api = ApiClient(issue_token(w.unit_educator))
    return w


def _listed(client) -> set[str]:
    return {p["first_name"] for p in client.get("/persons", {"limit": 500}).data["items"]}


def test_unit_membership_opens_only_the_unit(units, api):
    w = units
    assert _listed(w.unit_api) == {"Joël", "Recent", "Referred", "Decided"}
    for hidden in (w.registered_only, w.other_unit, w.long_gone):
        assert w.unit_api.get(f"/persons/{hidden.pk}").status_code == 404, hidden.first_name
        for path in ("/notes", "/documents", "/measures", "/pathway"):
            assert w.unit_api.get(f"/persons/{hidden.pk}{path}").status_code == 404, path
    # the establishment level sees the whole establishment (registered there or stayed in its units)
    assert {"Registered", "OtherUnit", "LongGone", "Recent", "Joël"} <= _listed(api.educator)


def test_referral_opens_the_identity_the_stay_opens_the_record(units):
    w = units
    assert w.unit_api.get(f"/persons/{w.referred.pk}").status_code == 200
    assert w.unit_api.get(f"/persons/{w.referred.pk}/notes").status_code == 403
    assert w.unit_api.get(f"/persons/{w.decided.pk}/documents").status_code == 403
    assert w.unit_api.get(f"/persons/{w.recent.pk}/notes").status_code == 200
    Stay.objects.create(person=w.referred, unit=w.u1, start_date=today())
    assert w.unit_api.get(f"/persons/{w.referred.pk}/notes").status_code == 200


def test_unit_educator_cannot_write_outside_its_unit(units):
    w = units
    note = {"text": "Observation"}
    assert w.unit_api.post(f"/persons/{w.other_unit.pk}/notes", note).status_code == 404
    assert w.unit_api.post(f"/persons/{w.referred.pk}/notes", note).status_code == 403
    assert w.unit_api.post(f"/persons/{w.child.pk}/notes", note).status_code == 201
    assert (
        people.likely_duplicates(
            w.unit_educator, first_name="Registered", last_name="Test", birth_date=date(2012, 1, 1)
        )
        == []
    )
