"""Adverse events: the rules of the services — who may do what, the transitions, the authority to
notify, the 48-hour deadline, persons linked within scope, the audit."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from parcours.access.models import AuditAction, AuditEvent
from parcours.core.errors import Conflict, Forbidden, Invalid, NotFound
from parcours.directory.models import Establishment, Unit
from parcours.people.models import Person
from parcours.steering.incidents import rules, services
from parcours.steering.incidents.choices import Authority, Status
from tests.conftest import make_user
from tests.incidents.helpers import declare, moment, to_analysed

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(world):
    """A platform superuser: sees every establishment (E2 included)."""
    return make_user("root", is_superuser=True)


def fields(exc) -> set[str]:
    return {e["field"] for e in exc.value.errors}


# -- declaration ------------------------------------------------------------------------------------


def test_educator_declares_with_persons_and_informed(world):
    incident = declare(
        world,
        victims_count=1,
        exposed_count=3,
        immediate_measures="Séparation des jeunes.",
        informed=[{"who": "Famille", "when": moment(2)}, {"who": "CVS", "when": None}],
        persons=[{"person": world.child.pk, "role": "victim"}],
    )
    assert incident.status == Status.DECLARED
    assert incident.declared_by == world.educator
    assert incident.category == "" and incident.serious is False
    assert incident.discovered_at == incident.occurred_at  # defaults to the occurrence
    assert [i["who"] for i in incident.informed] == ["Famille", "CVS"]
    assert incident.informed[1]["when"] == ""
    assert list(incident.persons.values_list("person_id", "role")) == [(world.child.pk, "victim")]
    events = AuditEvent.objects.filter(object_type="incident", object_id=str(incident.pk))
    assert events.filter(action=AuditAction.CREATE).count() == 1
    assert events.filter(action=AuditAction.UPDATE, person_id=world.child.pk).count() == 1


def test_quality_and_director_declare_outsider_and_partner_do_not(world):
    assert declare(world, world.quality).pk
    assert declare(world, world.director).pk
    assert declare(world, world.admin).pk
    with pytest.raises(NotFound):
        declare(world, world.outsider)
    with pytest.raises(NotFound):
        declare(world, world.partner)


def test_declaration_scope(world):
    quality_e2 = make_user("qualite_e2", "quality", world.e2)  # quality of e2: may declare there
    assert services.declare(
        quality_e2, establishment=world.e2.pk, occurred_at=moment(1), description="Chute."
    ).pk
    # a unit-scoped head of service of U1 cannot declare for another unit of E1
    u3 = Unit.objects.create(
        establishment=world.e1, name="Accueil de jour", modality="day_care", public="disability"
    )
    head = make_user("chef_u1", "head_of_service", world.u1)
    with pytest.raises(NotFound):
        declare(world, head, unit=u3.pk)
    assert declare(world, head).pk  # its own unit


def test_declaration_bad_input_lists_the_fields(world):
    with pytest.raises(Invalid) as exc:
        services.declare(
            world.educator,
            establishment=world.e1.pk,
            occurred_at=timezone.now() + timedelta(days=2),
            description="  ",
            victims_count=-1,
            exposed_count=10**9,
            place="x" * 201,
            informed=[{"who": "", "when": "pas une date"}],
            persons=[{"person": world.child.pk, "role": "bystander"}],
        )
    assert fields(exc) == {
        "occurred_at",
        "description",
        "victims_count",
        "exposed_count",
        "place",
        "informed[0].who",
        "informed[0].when",
        "persons[0].role",
    }


def test_discovery_before_occurrence_is_refused(world):
    with pytest.raises(Invalid) as exc:
        declare(world, occurred_at=moment(1), discovered_at=moment(2))
    assert fields(exc) == {"discovered_at"}


def test_unit_of_another_establishment(world, root):
    with pytest.raises(NotFound):  # u2 is out of the educator's sight
        declare(world, unit=world.u2.pk)
    with pytest.raises(Invalid) as exc:  # root sees it, but it is not a unit of e1
        declare(world, root, unit=world.u2.pk)
    assert fields(exc) == {"unit"}


def test_naive_datetime_is_read_in_local_time(world):
    naive = timezone.localtime(moment(2)).replace(tzinfo=None)
    incident = declare(world, occurred_at=naive)
    assert timezone.localtime(incident.occurred_at).hour == 10


# -- persons within scope ---------------------------------------------------------------------------


def test_person_out_of_scope_cannot_be_linked(world):
    stranger = Person.objects.create(
        first_name="Inès",
        last_name="Ailleurs",
        birth_date=date(2011, 1, 1),
        sex="f",
        home_establishment=world.e2,
    )
    with pytest.raises(NotFound):
        declare(world, persons=[{"person": stranger.pk, "role": "victim"}])
    incident = declare(world)
    with pytest.raises(NotFound):
        services.add_person(world.educator, incident.pk, stranger.pk, "witness")
    assert not incident.persons.exists()
    # a superuser sees both
    services.add_person(make_user("root", is_superuser=True), incident.pk, stranger.pk, "witness")
    assert incident.persons.count() == 1


def test_add_person_audited_and_duplicate_refused(world):
    incident = declare(world)
    services.add_person(world.educator, incident.pk, world.child.pk, "author")
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, object_type="incident", person_id=world.child.pk
    ).exists()
    with pytest.raises(Conflict):
        services.add_person(world.educator, incident.pk, world.child.pk, "victim")
    with pytest.raises(Invalid):
        services.add_person(world.educator, incident.pk, world.child.pk, "nobody")
    services.remove_person(world.educator, incident.pk, world.child.pk)
    assert not incident.persons.exists()


# -- classification and transitions -------------------------------------------------------------------


def test_quality_classifies_educator_cannot(world):
    incident = declare(world)
    with pytest.raises(Forbidden):
        services.classify(world.educator, incident.pk, category="violence", serious=False)
    with pytest.raises(NotFound):
        services.classify(world.outsider, incident.pk, category="violence", serious=False)
    with pytest.raises(Invalid) as exc:
        services.classify(world.quality, incident.pk, category="fire", serious=False)
    assert fields(exc) == {"category"}
    incident = services.classify(world.quality, incident.pk, category="violence", serious=True)
    assert (incident.status, incident.category, incident.serious) == (Status.CLASSIFIED, "violence", True)
    # revised before the report
    incident = services.classify(world.director, incident.pk, category="abuse", serious=True)
    assert incident.category == "abuse"


def test_full_path_of_a_serious_event(world):
    incident = declare(world, occurred_at=moment(2), discovered_at=moment(1))
    with pytest.raises(Conflict):  # not classified yet
        services.record_report(world.quality, incident.pk, reported_on=timezone.localdate())
    with pytest.raises(Conflict):
        services.analyse(world.quality, incident.pk, causes="x")
    services.classify(world.quality, incident.pk, category="disappearance", serious=True)
    with pytest.raises(Conflict):  # an EIG is reported before its analysis
        services.analyse(world.quality, incident.pk, causes="x")
    with pytest.raises(Conflict):  # not analysed
        services.close(world.quality, incident.pk)
    with pytest.raises(Invalid) as exc:
        services.record_report(
            world.quality, incident.pk, reported_on=timezone.localdate() + timedelta(days=1)
        )
    assert fields(exc) == {"reported_on"}
    with pytest.raises(Invalid) as exc:
        services.record_report(
            world.quality, incident.pk, reported_on=timezone.localdate() - timedelta(days=5)
        )
    assert fields(exc) == {"reported_on"}  # before the discovery
    incident = services.record_report(world.quality, incident.pk, reported_on=timezone.localdate())
    assert incident.status == Status.REPORTED
    with pytest.raises(Conflict):  # qualification frozen once reported
        services.classify(world.quality, incident.pk, category="violence", serious=False)
    services.analyse(world.quality, incident.pk, causes="Procédure de sortie non respectée.")
    action = services.add_corrective_action(
        world.quality,
        incident.pk,
        description="Revoir la procédure",
        owner="Directrice",
        due_date=date(2030, 1, 1),
    )
    with pytest.raises(Conflict) as conflict:  # an action remains open, no reason
        services.close(world.quality, incident.pk)
    assert fields(conflict) == {"reason"}
    services.complete_action(world.quality, action.pk)
    with pytest.raises(Conflict):
        services.complete_action(world.quality, action.pk)
    incident = services.close(world.quality, incident.pk)
    assert incident.status == Status.CLOSED and incident.closed_on == timezone.localdate()
    with pytest.raises(Conflict):
        services.analyse(world.quality, incident.pk, causes="again")
    with pytest.raises(Conflict):
        services.update_declaration(world.educator, incident.pk, place="Cour")
    with pytest.raises(Conflict):
        services.add_person(world.educator, incident.pk, world.child.pk, "victim")


def test_report_only_for_serious_events(world):
    incident = declare(world)
    services.classify(world.quality, incident.pk, category="violence", serious=False)
    with pytest.raises(Conflict):
        services.record_report(world.quality, incident.pk, reported_on=timezone.localdate())
    incident = services.analyse(world.quality, incident.pk, causes="Fatigue en fin de journée.")
    assert incident.status == Status.ANALYSED


def test_close_with_reason_keeps_actions_open(world):
    incident = to_analysed(world, declare(world))
    services.add_corrective_action(
        world.quality, incident.pk, description="Former l'équipe", owner="RH", due_date=date(2030, 1, 1)
    )
    incident = services.close(world.quality, incident.pk, reason="Reportée au plan de formation annuel.")
    assert incident.status == Status.CLOSED
    assert incident.closure_reason.startswith("Reportée")
    assert incident.actions.filter(done_on__isnull=True).count() == 1


def test_quality_steps_forbidden_to_educator(world):
    incident = to_analysed(world, declare(world))
    with pytest.raises(Forbidden):
        services.analyse(world.educator, incident.pk, causes="x")
    with pytest.raises(Forbidden):
        services.add_corrective_action(
            world.educator, incident.pk, description="x", owner="y", due_date=date(2030, 1, 1)
        )
    with pytest.raises(Forbidden):
        services.close(world.educator, incident.pk)
    with pytest.raises(NotFound):
        services.close(world.outsider, incident.pk)


def test_owner_user_completes_its_action(world):
    incident = to_analysed(world, declare(world))
    action = services.add_corrective_action(
        world.quality,
        incident.pk,
        description="Refaire le planning",
        owner_user=world.educator.pk,
        due_date=date(2030, 1, 1),
    )
    assert action.owner == world.educator.display_name
    other = services.add_corrective_action(
        world.quality, incident.pk, description="Autre", owner="Cheffe", due_date=date(2030, 1, 1)
    )
    with pytest.raises(Forbidden):
        services.complete_action(world.educator, other.pk)
    assert services.complete_action(world.educator, action.pk).done_on == timezone.localdate()


def test_action_input_errors(world):
    incident = declare(world)
    with pytest.raises(Invalid) as exc:
        services.add_corrective_action(world.quality, incident.pk, description="", owner="", due_date=None)
    assert fields(exc) == {"description", "owner", "due_date"}
    with pytest.raises(Invalid) as exc:
        services.add_corrective_action(
            world.quality, incident.pk, description="x", owner_user=10**20, due_date=date(2030, 1, 1)
        )
    assert fields(exc) == {"owner_user"}
    with pytest.raises(Conflict):  # not classified
        services.add_corrective_action(
            world.quality, incident.pk, description="x", owner="y", due_date=date(2030, 1, 1)
        )


def test_update_declaration(world):
    incident = declare(world)
    incident = services.update_declaration(world.educator, incident.pk, place="Cour", victims_count=2)
    assert (incident.place, incident.victims_count) == ("Cour", 2)
    with pytest.raises(Invalid) as exc:
        services.update_declaration(world.educator, incident.pk, description="", status="closed")
    assert fields(exc) == {"status"}
    with pytest.raises(Invalid) as exc:
        services.update_declaration(world.educator, incident.pk, description="")
    assert fields(exc) == {"description"}
    assert services.update_declaration(world.quality, incident.pk, place="Réfectoire").place == "Réfectoire"
    with pytest.raises(NotFound):
        services.update_declaration(world.partner, incident.pk, place="x")
    with pytest.raises(NotFound):
        services.update_declaration(world.outsider, incident.pk, place="x")


# -- authority and deadline -------------------------------------------------------------------------


def test_authority_by_public(world, root):
    assert declare(world).authority == Authority.DEPARTEMENT  # MECS, child protection
    sessad = services.declare(
        root, establishment=world.e2.pk, unit=world.u2.pk, occurred_at=moment(1), description="Chute."
    )
    assert sessad.authority == Authority.ARS
    # a MECS with a disability unit: joint authorisation for an event of that unit
    u3 = Unit.objects.create(
        establishment=world.e1, name="Dispositif handicap", modality="day_care", public="disability"
    )
    assert declare(world, world.admin, unit=u3.pk).authority == Authority.BOTH
    # the establishment as a whole: the publics of all its units
    assert declare(world, world.admin, unit=None).authority == Authority.BOTH


def test_authority_rules_by_category():
    assert rules.authority_of("182", set()) == Authority.ARS
    assert (
        rules.authority_of("Service d'éducation spéciale et de soins à domicile (SESSAD)", set())
        == Authority.ARS
    )
    assert rules.authority_of("177", set()) == Authority.DEPARTEMENT
    assert rules.authority_of("177", {"disability"}) == Authority.BOTH
    assert rules.authority_of("", {"child_protection"}) == Authority.DEPARTEMENT
    assert rules.authority_of("183", {"disability"}) == Authority.ARS


def test_authority_follows_establishment_category(world):
    ime = Establishment.objects.create(
        organisation=world.assoc, name="IME", category="183", commune=world.millau
    )
    incident = services.declare(
        world.admin, establishment=ime.pk, occurred_at=moment(1), description="Chute."
    )
    assert incident.authority == Authority.ARS


def test_48_hour_deadline(world):
    incident = declare(world, occurred_at=moment(4), discovered_at=moment(3))
    assert incident.report_deadline == incident.discovered_at + timedelta(hours=48)
    assert not incident.report_overdue  # not serious
    incident = services.classify(world.quality, incident.pk, category="abuse", serious=True)
    assert incident.report_overdue  # discovered 3 days ago, not reported
    incident = services.record_report(world.quality, incident.pk, reported_on=timezone.localdate())
    assert not incident.report_overdue
    assert incident.reported_late

    recent = declare(world, occurred_at=timezone.now() - timedelta(hours=2))
    recent = services.classify(world.quality, recent.pk, category="violence", serious=True)
    assert not recent.report_overdue
    recent = services.record_report(world.quality, recent.pk, reported_on=timezone.localdate())
    assert not recent.reported_late
