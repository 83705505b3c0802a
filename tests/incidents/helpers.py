from datetime import datetime, timedelta

from django.http import HttpRequest
from django.test import Client
from django.utils import timezone

from parcours.steering.incidents import services
from tests.conftest import PASSWORD


def moment(days_ago: float = 1, hour: int = 10) -> datetime:
    base = timezone.localtime() - timedelta(days=days_ago)
    return base.replace(hour=hour, minute=0, second=0, microsecond=0)


def declare(world, user=None, **extra):
    values = dict(
        establishment=world.e1.pk,
        unit=world.u1.pk,
        occurred_at=moment(3),
        description="Altercation entre deux jeunes dans le couloir.",
        place="Couloir",
    )
    values.update(extra)
    return services.declare(user or world.educator, **values)


def to_analysed(world, incident, serious=False, category="violence"):
    services.classify(world.quality, incident.pk, category=category, serious=serious)
    if serious:
        services.record_report(world.quality, incident.pk, reported_on=timezone.localdate())
    return services.analyse(
        world.quality, incident.pk, causes="Encadrement insuffisant au retour du collège."
    )


def client_for(username):
    client = Client()
    assert client.login(request=HttpRequest(), username=username, password=PASSWORD)
    return client
