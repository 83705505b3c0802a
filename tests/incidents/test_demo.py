"""The demo events: a dozen events over two years at every step, built through the services."""

import pytest

from parcours.steering.incidents.choices import Status
from parcours.steering.incidents.demo import demo_incidents
from parcours.steering.incidents.models import Incident
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_demo_incidents(world):
    admin = make_user("root", is_superuser=True)
    demo_incidents([world.e1.pk, world.e2.pk], {"admin": admin, "educ.millau": world.educator})
    incidents = Incident.objects.all()
    assert 10 <= incidents.count() <= 14
    assert {i.establishment_id for i in incidents} == {world.e1.pk, world.e2.pk}
    assert len({i.category for i in incidents if i.category}) >= 8
    assert {i.status for i in incidents} == set(Status.values)
    closed_eig = [i for i in incidents if i.serious and i.status == Status.CLOSED]
    assert closed_eig and closed_eig[0].reported_on and closed_eig[0].actions.exists()
    assert not closed_eig[0].actions.filter(done_on__isnull=True).exists()
    assert incidents.filter(status=Status.CLOSED).exclude(closure_reason="").exists()
    assert any(i.report_overdue for i in incidents)
    assert any(i.reported_late for i in incidents)
    assert incidents.filter(declared_by=world.educator).exists()
    assert incidents.filter(persons__isnull=False).exists()
    # running it again adds nothing
    demo_incidents([world.e1.pk, world.e2.pk], {"admin": admin})
    assert Incident.objects.count() == incidents.count()
