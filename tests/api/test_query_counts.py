"""List endpoints and pages keep a bounded number of queries whatever the number of rows (no N+1)."""

from datetime import date

from django.http import HttpRequest
from django.test import Client

from parcours.pathways.models import Stay
from parcours.people.models import Note, Person
from tests.conftest import PASSWORD


def populate(world, n):
    for i in range(n):
        person = Person.objects.create(
            first_name=f"Enfant{i}",
            last_name="Martin",
            birth_date=date(2012, 1, 1),
            sex="f",
            home_establishment=world.e1,
            commune=world.millau,
        )
        Stay.objects.create(
            person=person,
            unit=world.u1,
            start_date=date(2020, 1, 1),
            end_date=date(2020, 2, 1),
            exit_reason="return_home",
        )
        Note.objects.create(person=person, author=world.director, date=date(2020, 1, 5), text="note")


def test_list_endpoints_query_counts(api, world, django_assert_max_num_queries):
    populate(world, 30)
    for path in ("/persons", "/stays", "/units", "/establishments", "/organisations"):
        with django_assert_max_num_queries(14):
            response = api.director.get(path, {"limit": 100})
        assert response.status_code == 200


def test_pages_query_counts(world, django_assert_max_num_queries):
    populate(world, 30)
    client = Client()
    client.login(request=HttpRequest(), username="directeur", password=PASSWORD)
    for url in (
        "/offre/",
        "/personnes/?q=martin",
        f"/unites/{world.u1.pk}/",
        f"/personnes/{world.child.pk}/?onglet=sejours",
    ):
        with django_assert_max_num_queries(25):
            assert client.get(url).status_code == 200


def test_partner_sees_only_the_persons_it_registered(api, world):
    created = api.partner.post(
        "/persons", {"first_name": "Noa", "last_name": "Roux", "birth_date": "2015-06-01", "sex": "m"}
    )
    assert created.status_code == 201, created.data
    listed = api.partner.get("/persons").data
    assert [p["id"] for p in listed["items"]] == [created.data["id"]]
    assert api.partner.get(f"/persons/{world.child.pk}").status_code == 404
    assert api.director.get(f"/persons/{created.data['id']}").status_code == 404
