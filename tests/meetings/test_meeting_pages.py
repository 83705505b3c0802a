"""Meeting pages: the register with its form (errors next to the field), a meeting with attendance
and minutes, the case review's persons audited, the practice-analysis requests page; scope."""

from datetime import date
from html import unescape

from django.http import HttpRequest
from django.test import Client

from parcours.access.models import AuditEvent
from parcours.steering.meetings.models import (
    FacilitatorProposal,
    Meeting,
    Participant,
    PracticeAnalysisRequest,
)
from tests.conftest import PASSWORD


def client_for(username):
    client = Client()
    assert client.login(request=HttpRequest(), username=username, password=PASSWORD)
    return client


def make_meeting(world, **extra):
    fields = dict(
        kind="ethics_committee", date=date(2025, 3, 14), organisation=world.assoc, establishment=world.e1
    )
    fields.update(extra)
    return Meeting.objects.create(**fields)


def field_error(html: str, field: str) -> str:
    """The error block next to a field, as django-dsfr renders it ("" when none)."""
    marker = f'<div id="id_{field}-desc-error">'
    if marker not in html:
        return ""
    return unescape(html.split(marker)[1].split("</div>")[0])


def test_list_filters_and_create(world):
    ethics = make_meeting(world, title="Comité éthique de printemps")
    make_meeting(world, kind="training", title="Formation bientraitance", date=date(2024, 5, 1))
    make_meeting(
        world,
        kind="training",
        title="Formation SESSAD",
        organisation=world.other_assoc,
        establishment=world.e2,
    )
    director = client_for("directeur")
    page = director.get("/reunions/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Comité éthique de printemps" in html and "Formation bientraitance" in html
    assert "Formation SESSAD" not in html
    assert 'id="new-meeting"' in html and f'value="establishment:{world.e1.pk}"' in html
    filtered = director.get(
        "/reunions/", {"type": "training", "du": "2024-01-01", "au": "2024-12-31"}
    ).content.decode()
    assert "Formation bientraitance" in filtered and "Comité éthique de printemps" not in filtered
    # an error lands next to its field
    bad = director.post(
        "/reunions/",
        {
            "attachment": f"establishment:{world.e1.pk}",
            "kind": "training",
            "date": "",
            "duration_minutes": "60",
        },
    )
    assert bad.status_code == 422
    assert "Ce champ est obligatoire." in field_error(bad.content.decode(), "date")
    assert field_error(bad.content.decode(), "kind") == ""
    created = director.post(
        "/reunions/",
        {
            "attachment": f"establishment:{world.e1.pk}",
            "kind": "partner_meeting",
            "title": "Rencontre ASE",
            "date": "2025-06-06",
            "start_time": "10:00",
            "duration_minutes": "120",
        },
    )
    meeting = Meeting.objects.get(title="Rencontre ASE")
    assert created.status_code == 302 and created["Location"] == f"/reunions/{meeting.pk}/"
    assert meeting.establishment_id == world.e1.pk and meeting.start_time.hour == 10
    # out of scope: the outsider does not see it; the partner is refused
    assert client_for("educ_e2").get(f"/reunions/{ethics.pk}/").status_code == 404
    assert client_for("referent_ase").get("/reunions/").status_code == 403


def test_meeting_page_attendance_minutes_and_persons(world):
    meeting = make_meeting(world, kind="case_review", title="Étude de situation")
    meeting.persons.add(world.child)
    present = Participant.objects.create(meeting=meeting, name="Mme Roux", profession="Éducatrice")
    excused = Participant.objects.create(meeting=meeting, user=world.educator, name="Educ E1")
    director = client_for("directeur")
    page = director.get(f"/reunions/{meeting.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "Dupont-Martin".upper() in html
    assert AuditEvent.objects.filter(actor=world.director, person_id=world.child.pk, action="view").exists()
    assert 'id="attendance"' in html and 'id="minutes"' in html
    done = director.post(
        f"/reunions/{meeting.pk}/presences",
        {f"presence_{present.pk}": "present", f"presence_{excused.pk}": "excused"},
    )
    assert done.status_code == 302
    present.refresh_from_db(), excused.refresh_from_db(), meeting.refresh_from_db()
    assert present.attended and excused.excused and meeting.status == "held"
    assert (
        director.post(
            f"/reunions/{meeting.pk}/compte-rendu", {"minutes": "Orientation discutée."}
        ).status_code
        == 302
    )
    meeting.refresh_from_db()
    assert meeting.minutes == "Orientation discutée."
    # add a participant by name; a person out of scope cannot be named (404)
    assert (
        director.post(
            f"/reunions/{meeting.pk}/participants", {"name": "M. Blanc", "profession": "ASE"}
        ).status_code
        == 302
    )
    assert meeting.participants.count() == 3
    missing = director.post(f"/reunions/{meeting.pk}/participants", {"profession": "ASE"})
    assert missing.status_code == 422 and "Indiquez un utilisateur ou un nom." in missing.content.decode()
    assert director.post(f"/reunions/{meeting.pk}/personnes", {"person": "987654"}).status_code == 404
    # the outsider: 404 on the page and on writes
    outsider = client_for("educ_e2")
    assert outsider.get(f"/reunions/{meeting.pk}/").status_code == 404
    assert outsider.post(f"/reunions/{meeting.pk}/compte-rendu", {"minutes": "x"}).status_code == 404


def test_requests_page(world):
    director = client_for("directeur")
    page = director.get("/analyse-des-pratiques/")
    html = unescape(page.content.decode())
    assert page.status_code == 200
    for label in (
        "Taille du groupe",
        "Professions du groupe",
        "Durée d'une séance",
        "Fréquence des séances",
        "Profils d'intervenant souhaités",
        "Méthodes souhaitées",
        "Public accompagné",
        "Lieu des séances",
    ):
        assert label in html
    bad = director.post(
        "/analyse-des-pratiques/",
        {
            "attachment": f"establishment:{world.e1.pk}",
            "title": "GAPP",
            "professions": "éducateurs",
            "group_size": "20",
            "place_kind": "on_site",
            "session_duration_minutes": "180",
            "frequency": "monthly",
            "period_start": "2025-09-01",
            "period_end": "2025-06-01",
        },
    )
    assert bad.status_code == 422
    assert "La fin de la période précède son début." in field_error(bad.content.decode(), "period_end")
    good = director.post(
        "/analyse-des-pratiques/",
        {
            "attachment": f"establishment:{world.e1.pk}",
            "title": "GAPP",
            "professions": "éducateurs",
            "group_size": "20",
            "place_kind": "on_site",
            "session_duration_minutes": "180",
            "frequency": "monthly",
            "period_start": "2025-09-01",
            "period_end": "2025-12-31",
            "profiles": ["psychologue", "superviseur"],
            "other_profile": "Art-thérapeute",
        },
    )
    request = PracticeAnalysisRequest.objects.get()
    assert (
        good.status_code == 302 and request.facilitator_profile == "Psychologue, Superviseur, Art-thérapeute"
    )
    detail = director.post(
        f"/analyse-des-pratiques/{request.pk}/",
        {"facilitator_name": "Mme Morel", "sessions_count": "4", "price": "1200"},
    )
    assert detail.status_code == 302
    proposal = FacilitatorProposal.objects.get()
    assert director.post(f"/analyse-des-pratiques/propositions/{proposal.pk}/retenir").status_code == 302
    assert Meeting.objects.filter(practice_analysis_request=request).count() == 4
    html = director.get(f"/analyse-des-pratiques/{request.pk}/").content.decode()
    assert "Retenue" in html and "séance 1/4" in html
    assert "Mme Morel" in director.get("/analyse-des-pratiques/").content.decode()
    # an educator sees the request but may not answer it; the outsider does not see it
    educator = client_for("educ_e1")
    assert 'id="new-proposal"' not in educator.get(f"/analyse-des-pratiques/{request.pk}/").content.decode()
    assert client_for("educ_e2").get(f"/analyse-des-pratiques/{request.pk}/").status_code == 404


def test_quality_cannot_name_a_person_from_the_page(world):
    review = make_meeting(world, kind="case_review")
    url = f"/reunions/{review.pk}/personnes"
    assert client_for("qualite").post(url, {"person": world.child.pk}).status_code == 403
    assert not review.persons.exists()
    assert client_for("educ_e1").post(url, {"person": world.child.pk}).status_code == 302
    assert review.persons.count() == 1
