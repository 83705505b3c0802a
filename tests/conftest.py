"""Shared test personas (after healthchecks' alice/bob/charlie), built through the services.

world: a GCSMS group with a member association; establishment E1 (MECS, Millau) with a residential
unit U1 (2 places) and establishment E2 (SESSAD, Saint-Denis) with an ambulatory unit U2.
- admin: group admin (sees everything of the group)
- director: director of E1 — the owner of the scope
- quality: quality referent of E1 — a read-only role (403 on writes)
- outsider: educator of E2 — another establishment (404 on E1's records)
- partner: a département referent (role partner)
- child: a person registered by E1 with an open stay in U1
"""

import os
from datetime import date
from types import SimpleNamespace

import pytest

os.environ.setdefault("PARCOURS_VAR_DIR", os.path.join(os.path.dirname(__file__), "..", "var", "test"))

PASSWORD = "motdepasse-solide-42"


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Argon2 is what production stores; the tests create many users, and hashing each password with
    it costs seconds per test on a small machine. The login rules do not depend on the hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True, scope="session")
def _flush_past_the_audit_guard():
    """On PostgreSQL the audit log refuses TRUNCATE (access migration 0003). Transactional tests (live
    server, browser) end with Django's flush, a TRUNCATE of every table: the flush runs with
    `session_replication_role = replica`, which only a superuser may set (the test database's user)
    and under which no ordinary trigger fires. The application in production is no superuser
    (`parcours secure_audit`): it can neither set it nor truncate the audit log."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        if sql_list:
            sql_list = ["SET LOCAL session_replication_role = replica", *sql_list]
        return original(self, sql_list)

    DatabaseOperations.execute_sql_flush = execute_sql_flush
    yield
    DatabaseOperations.execute_sql_flush = original


@pytest.fixture(autouse=True)
def _tasks_inline(settings):
    """Background tasks run inline in tests (the same code the database worker runs)."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "reports"],
            "ENQUEUE_ON_COMMIT": False,
        }
    }


def make_user(username, role=None, scope=None, **extra):
    from parcours.access.models import Membership, User

    user = User.objects.create_user(
        username=username, password=PASSWORD, first_name=username.title(), last_name="Test", **extra
    )
    if role:
        kind = scope._meta.model_name
        Membership.objects.create(user=user, role=role, **{kind: scope})
    return user


def make_unit(establishment, name, *, capacity, modality="residential", **extra):
    """A child-protection unit open since 2015 with its capacity (the tests' usual unit)."""
    from parcours.directory.models import Unit, UnitCapacity

    fields = {"public": "child_protection", "age_min": 0, "age_max": 18, "opened_on": date(2015, 1, 1)}
    unit = Unit.objects.create(
        establishment=establishment, name=name, modality=modality, **{**fields, **extra}
    )
    UnitCapacity.objects.create(unit=unit, capacity=capacity, valid_from=date(2015, 1, 1))
    return unit


def ensure_communes():
    """Transactional tests (live server, browser) truncate tables, data migrations included: reload
    the communes of the départements the tests use."""
    from parcours.directory.models import Commune
    from parcours.directory.services import load_communes

    if not Commune.objects.filter(code="12145").exists():
        load_communes(departements={"12", "40", "93"})


@pytest.fixture
def world(db):
    from parcours.directory.models import Commune, Establishment, Organisation, Unit, UnitCapacity
    from parcours.pathways.models import Stay
    from parcours.people.models import Person

    ensure_communes()
    group = Organisation.objects.create(name="GCSMS Test", kind="group")
    assoc = Organisation.objects.create(name="Association Test", kind="association")
    assoc.member_of.add(group)
    other_assoc = Organisation.objects.create(name="Autre association", kind="association")
    departement = Organisation.objects.create(name="Département de l'Aveyron", kind="departement")
    millau = Commune.objects.get(code="12145")
    saint_denis = Commune.objects.get(code="93066")
    e1 = Establishment.objects.create(
        organisation=assoc, name="MECS Millau", finess_et="120000001", category="177", commune=millau
    )
    e2 = Establishment.objects.create(
        organisation=other_assoc,
        name="SESSAD Saint-Denis",
        finess_et="930000001",
        category="182",
        commune=saint_denis,
    )
    u1 = Unit.objects.create(
        establishment=e1,
        name="Internat Millau",
        modality="residential",
        public="child_protection",
        age_min=6,
        age_max=18,
        opened_on=date(2015, 1, 1),
    )
    UnitCapacity.objects.create(unit=u1, capacity=2, valid_from=date(2015, 1, 1))
    u2 = Unit.objects.create(
        establishment=e2,
        name="SESSAD TCC",
        modality="ambulatory",
        public="disability",
        age_min=0,
        age_max=20,
        opening_days=210,
        opened_on=date(2015, 1, 1),
    )
    UnitCapacity.objects.create(unit=u2, capacity=14, valid_from=date(2015, 1, 1))
    admin = make_user("admin", "admin", group)
    director = make_user("directeur", "director", e1)
    quality = make_user("qualite", "quality", e1)
    outsider = make_user("educ_e2", "educator", e2)
    educator = make_user("educ_e1", "educator", e1)
    partner = make_user("referent_ase", "partner", departement)
    child = Person.objects.create(
        first_name="Joël",
        last_name="Dupont-Martin",
        birth_date=date(2012, 3, 4),
        sex="m",
        home_establishment=e1,
        commune=millau,
    )
    Stay.objects.create(person=child, unit=u1, start_date=date(2024, 9, 1))
    return SimpleNamespace(
        group=group,
        assoc=assoc,
        other_assoc=other_assoc,
        departement=departement,
        e1=e1,
        e2=e2,
        u1=u1,
        u2=u2,
        admin=admin,
        director=director,
        quality=quality,
        outsider=outsider,
        educator=educator,
        partner=partner,
        child=child,
        millau=millau,
        saint_denis=saint_denis,
    )
