"""Adverse events API: declaration and the steps of an EIG, scope (outsider 404, partner 403/404),
errors as JSON with fields (never 500), the EIG form as PDF, the CSV register, the figures."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from parcours.access.models import AuditAction, AuditEvent
from tests.api.conftest import fields_of
from tests.incidents.helpers import declare, moment, to_analysed

pytestmark = pytest.mark.django_db


def body(world, **extra):
    data = {
        "establishment": world.e1.pk,
        "unit": world.u1.pk,
        "occurred_at": moment(2).isoformat(),
        "discovered_at": moment(1).isoformat(),
        "place": "Cour",
        "description": "Fugue d'un jeune, gendarmerie alertée à 23 h.",
        "victims_count": 1,
        "exposed_count": 0,
        "immediate_measures": "Recherches, appel de la gendarmerie.",
        "informed": [{"who": "Gendarmerie", "when": moment(1).isoformat()}, {"who": "Famille"}],
        "media_coverage": False,
        "judicial_follow_up": "",
        "persons": [{"person": world.child.pk, "role": "victim"}],
    }
    data.update(extra)
    return data


def test_declare_and_walk_an_eig_through(api, world):
    r = api.educator.post("/incidents", body(world))
    assert r.status_code == 201, r.data
    incident = r.data["id"]
    assert r.data["status"] == "declared"
    assert r.data["authority"] == "departement"
    assert r.data["authority_label"] == "Président du Conseil départemental"
    assert r.data["persons"] == [
        {
            "id": r.data["persons"][0]["id"],
            "person": world.child.pk,
            "name": str(world.child),
            "role": "victim",
        }
    ]
    assert r.data["informed"][0]["who"] == "Gendarmerie" and r.data["informed"][1]["when"] == ""

    assert (
        api.educator.post(
            f"/incidents/{incident}/classify", {"category": "disappearance", "serious": True}
        ).status_code
        == 403
    )
    r = api.quality.post(f"/incidents/{incident}/classify", {"category": "disappearance", "serious": True})
    assert r.status_code == 200 and r.data["status"] == "classified" and r.data["serious"] is True
    assert api.quality.post(f"/incidents/{incident}/analysis", {"causes": "x"}).status_code == 409
    r = api.quality.post(f"/incidents/{incident}/report", {"reported_on": timezone.localdate().isoformat()})
    assert r.status_code == 200 and r.data["status"] == "reported"
    assert r.data["reported_on"] == timezone.localdate().isoformat()
    r = api.quality.post(f"/incidents/{incident}/analysis", {"causes": "Sortie non encadrée."})
    assert r.status_code == 200 and r.data["status"] == "analysed"
    r = api.director.post(
        f"/incidents/{incident}/actions",
        {"description": "Revoir la procédure de sortie", "owner": "Directrice", "due_date": "2030-01-31"},
    )
    assert r.status_code == 201 and r.data["done_on"] is None
    action = r.data["id"]
    assert api.quality.post(f"/incidents/{incident}/close", {}).status_code == 409
    r = api.quality.post(f"/incidents/{incident}/actions/{action}/done", {})
    assert r.status_code == 200 and r.data["done_on"] == timezone.localdate().isoformat()
    r = api.quality.post(f"/incidents/{incident}/close", {})
    assert r.status_code == 200 and r.data["status"] == "closed"
    assert api.quality.post(f"/incidents/{incident}/close", {}).status_code == 409
    r = api.educator.get(f"/incidents/{incident}")
    assert r.status_code == 200 and len(r.data["actions"]) == 1


def test_scope_of_every_endpoint(api, world):
    incident = declare(world, persons=[{"person": world.child.pk, "role": "victim"}])
    pk = incident.pk
    for client in (api.outsider, api.partner):
        assert client.get(f"/incidents/{pk}").status_code == 404
        assert client.patch(f"/incidents/{pk}", {"place": "x"}).status_code == 404
        assert (
            client.post(f"/incidents/{pk}/classify", {"category": "violence", "serious": False}).status_code
            == 404
        )
        assert client.post(f"/incidents/{pk}/report", {"reported_on": "2025-01-01"}).status_code == 404
        assert client.post(f"/incidents/{pk}/analysis", {"causes": "x"}).status_code == 404
        assert (
            client.post(
                f"/incidents/{pk}/actions", {"description": "x", "owner": "y", "due_date": "2030-01-01"}
            ).status_code
            == 404
        )
        assert client.post(f"/incidents/{pk}/close", {}).status_code == 404
        assert client.get(f"/incidents/{pk}/eig.pdf").status_code == 404
        assert client.post("/incidents", body(world)).status_code == 404
    # the outsider's register does not show it; the partner has no register at all
    assert api.outsider.get("/incidents").data["count"] == 0
    assert api.partner.get("/incidents").status_code == 403
    assert api.partner.get("/incidents.csv").status_code == 403
    assert (
        api.partner.get("/incidents/figures", {"from": "2025-01-01", "to": "2025-12-31"}).status_code == 403
    )
    assert api.anonymous.get("/incidents").status_code == 401
    # the quality referent (read-only on records) classifies; the educator cannot
    assert (
        api.quality.post(f"/incidents/{pk}/classify", {"category": "violence", "serious": False}).status_code
        == 200
    )
    assert api.educator.post(f"/incidents/{pk}/analysis", {"causes": "x"}).status_code == 403


def test_bad_input_answers_422_with_fields(api, world):
    r = api.educator.post(
        "/incidents",
        body(
            world,
            occurred_at=(timezone.now() + timedelta(days=3)).isoformat(),
            description="",
            victims_count=-2,
            informed=[{"who": ""}],
            persons=[{"person": world.child.pk, "role": "spectator"}],
        ),
    )
    assert r.status_code == 422
    assert fields_of(r) == {
        "occurred_at",
        "description",
        "victims_count",
        "informed[0].who",
        "persons[0].role",
    }
    r = api.educator.post("/incidents", {"establishment": "abc", "occurred_at": "hier"})
    assert r.status_code in (400, 422) and r.data["errors"]
    assert api.educator.post("/incidents", body(world, establishment=10**30)).status_code in (404, 422)
    assert api.educator.post("/incidents", body(world, establishment=2**63)).status_code == 404
    assert api.educator.get(f"/incidents/{2**63}").status_code == 404
    for huge in (2**62, 2**70):
        r = api.educator.post("/incidents", body(world, persons=[{"person": huge, "role": "victim"}]))
        assert r.status_code == 404
    assert api.educator.delete(f"/incidents/1/persons/{2**70}").status_code == 404
    assert (
        api.educator.post(f"/incidents/{2**70}/persons", {"person": 2**70, "role": "victim"}).status_code
        == 404
    )
    incident = declare(world)
    r = api.quality.post(f"/incidents/{incident.pk}/classify", {"category": "nope", "serious": False})
    assert r.status_code == 422 and fields_of(r) == {"category"}
    r = api.quality.post(
        f"/incidents/{incident.pk}/actions", {"description": "", "owner": "", "due_date": "2030-01-01"}
    )
    assert r.status_code == 422 and fields_of(r) == {"description", "owner"}
    r = api.educator.patch(
        f"/incidents/{incident.pk}", {"exposed_count": 10**12, "discovered_at": moment(30).isoformat()}
    )
    assert r.status_code == 422 and fields_of(r) == {"exposed_count", "discovered_at"}
    r = api.educator.get("/incidents", {"status": "lost", "from": "2025-02-01", "to": "2025-01-01"})
    assert r.status_code == 422 and fields_of(r) == {"to"}
    r = api.educator.get("/incidents", {"status": "lost"})
    assert r.status_code == 422 and fields_of(r) == {"status"}
    assert api.educator.get("/incidents", {"limit": 0}).status_code == 422
    r = api.quality.post(f"/incidents/{incident.pk}/actions/{2**63}/done", {})
    assert r.status_code == 404


def test_patch_and_persons(api, world):
    incident = declare(world)
    r = api.educator.patch(f"/incidents/{incident.pk}", {"place": "Réfectoire", "media_coverage": True})
    assert r.status_code == 200 and r.data["place"] == "Réfectoire" and r.data["media_coverage"] is True
    r = api.educator.post(f"/incidents/{incident.pk}/persons", {"person": world.child.pk, "role": "author"})
    assert r.status_code == 201 and r.data["person"] == world.child.pk
    assert (
        api.educator.post(
            f"/incidents/{incident.pk}/persons", {"person": world.child.pk, "role": "author"}
        ).status_code
        == 409
    )
    assert (
        api.outsider.post(
            f"/incidents/{incident.pk}/persons", {"person": world.child.pk, "role": "author"}
        ).status_code
        == 404
    )
    assert api.educator.delete(f"/incidents/{incident.pk}/persons/{world.child.pk}").status_code == 204


def test_reading_audits_each_person(api, world):
    incident = declare(world, persons=[{"person": world.child.pk, "role": "victim"}])
    AuditEvent.objects.all()  # append-only: count before and after
    before = AuditEvent.objects.filter(action=AuditAction.VIEW, person_id=world.child.pk).count()
    assert api.director.get(f"/incidents/{incident.pk}").status_code == 200
    after = AuditEvent.objects.filter(action=AuditAction.VIEW, person_id=world.child.pk)
    assert after.count() == before + 1
    assert after.latest("id").actor == world.director


def test_register_filters(api, world):
    first = declare(world, occurred_at=moment(40))
    second = declare(world, occurred_at=moment(5), unit=None)
    services_classify = api.quality.post(
        f"/incidents/{second.pk}/classify", {"category": "abuse", "serious": True}
    )
    assert services_classify.status_code == 200
    r = api.director.get("/incidents")
    assert r.data["count"] == 2 and [i["id"] for i in r.data["items"]] == [second.pk, first.pk]
    assert r.data["items"][0]["report_overdue"] is True
    assert api.director.get("/incidents", {"serious": True}).data["count"] == 1
    assert api.director.get("/incidents", {"category": "unclassified"}).data["items"][0]["id"] == first.pk
    assert api.director.get("/incidents", {"category": "abuse"}).data["count"] == 1
    assert api.director.get("/incidents", {"status": "declared"}).data["count"] == 1
    assert api.director.get("/incidents", {"unit": world.u1.pk}).data["count"] == 1
    start = (timezone.localdate() - timedelta(days=10)).isoformat()
    assert api.director.get("/incidents", {"from": start}).data["count"] == 1
    assert api.director.get("/incidents", {"establishment": world.e2.pk}).data["count"] == 0


def test_eig_pdf(api, world):
    incident = declare(
        world,
        occurred_at=moment(3, hour=22),
        discovered_at=moment(3, hour=23),
        description="Disparition d'un jeune, gendarmerie alertée.",
        immediate_measures="Appel de la gendarmerie et de l'astreinte.",
        victims_count=1,
        exposed_count=4,
        informed=[{"who": "Gendarmerie de Millau", "when": moment(3, hour=23)}],
        judicial_follow_up="Signalement au procureur.",
        media_coverage=True,
        persons=[{"person": world.child.pk, "role": "victim"}],
    )
    incident = to_analysed(world, incident, serious=True, category="disappearance")
    r = api.director.get(f"/incidents/{incident.pk}/eig.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(r.content)).pages)
    text = " ".join(text.split())
    for expected in (
        "Déclaration d'événement indésirable grave",
        "Président du Conseil départemental",
        "MECS Millau",
        "120000001",
        "Disparition d'un jeune, gendarmerie alertée.",
        "9. Disparition d'une personne accueillie",
        "Appel de la gendarmerie et de l'astreinte.",
        "Gendarmerie de Millau",
        "Signalement au procureur.",
        "Encadrement insuffisant",
        timezone.localdate().strftime("%d/%m/%Y"),  # sending date
        moment(3, hour=23).strftime("%d/%m/%Y"),
        (moment(3, hour=23) + timedelta(hours=48)).strftime("%d/%m/%Y à %H:%M"),  # the 48 h deadline
        "Victime",
    ):
        assert expected in text, expected
    assert "Dupont" not in text and "Joël" not in text  # no name on the form
    assert "Nombre de victimes 1" in text and "Nombre de personnes exposées 4" in text
    assert "Oui" in text.split("Médiatisation")[-1]
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT,
        object_type="incident",
        object_id=str(incident.pk),
        person_id=world.child.pk,
    ).exists()


def test_csv_register_neutralises_formulas(api, world):
    declare(world, description='=HYPERLINK("http://evil";"clic")', place="+33 cour")
    r = api.director.get("/incidents.csv")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    text = r.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+33 cour" in text
    assert ";=HYPERLINK" not in text and "\n=" not in text
    assert text.splitlines()[0].startswith("N°;Survenu le;")
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="incident").exists()
    assert api.outsider.get("/incidents.csv").content.decode("utf-8-sig").count("\n") == 1  # header only


def test_figures_endpoint(api, world):
    a = declare(world, occurred_at=moment(20))
    declare(world, occurred_at=moment(10), unit=None)
    api.quality.post(f"/incidents/{a.pk}/classify", {"category": "violence", "serious": True})
    start = (timezone.localdate() - timedelta(days=30)).isoformat()
    r = api.director.get("/incidents/figures", {"from": start, "to": timezone.localdate().isoformat()})
    assert r.status_code == 200, r.data
    assert r.data["from"] == start
    assert (r.data["incidents"], r.data["serious_incidents"], r.data["unreported_serious"]) == (2, 1, 1)
    assert r.data["incidents_by_category"]["violence"] == 1
    assert r.data["incidents_by_category"]["unclassified"] == 1
    by_unit = {row["unit"]: row["count"] for row in r.data["by_unit"]}
    assert by_unit == {world.u1.pk: 1, None: 1}
    assert (
        api.outsider.get("/incidents/figures", {"from": start, "to": timezone.localdate().isoformat()}).data[
            "incidents"
        ]
        == 0
    )
    r = api.director.get("/incidents/figures", {"from": "2025-02-01", "to": "2025-01-01"})
    assert r.status_code == 422


def test_register_query_count_does_not_grow(api, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    declare(world, persons=[{"person": world.child.pk, "role": "victim"}])
    api.director.get("/incidents")  # warm-up (token check caches)
    with CaptureQueriesContext(connection) as one:
        assert api.director.get("/incidents").data["count"] == 1
    for _ in range(4):
        declare(world, unit=None)
    with CaptureQueriesContext(connection) as five:
        assert api.director.get("/incidents").data["count"] == 5
    assert len(five) == len(one)


def test_read_only_quality_cannot_link_persons(api, world):
    """Linking a person to an event writes on that person's record: the quality referent (read-only
    on records) is refused (403), at the declaration as afterwards; the educator may."""
    refused = api.quality.post("/incidents", body(world))
    assert refused.status_code == 403, refused.data
    own = api.quality.post("/incidents", body(world, persons=[]))
    assert own.status_code == 201, own.data  # declaring without naming anybody stays open to quality
    incident = declare(world)
    linked = api.quality.post(
        f"/incidents/{incident.pk}/persons", {"person": world.child.pk, "role": "victim"}
    )
    assert linked.status_code == 403
    assert not incident.persons.exists()
    assert (
        api.educator.post(
            f"/incidents/{incident.pk}/persons", {"person": world.child.pk, "role": "victim"}
        ).status_code
        == 201
    )
    assert api.quality.delete(f"/incidents/{incident.pk}/persons/{world.child.pk}").status_code == 403
    assert incident.persons.count() == 1
