"""Practice-analysis requests (the SESSAD document's fields), facilitators' proposals, acceptance
planning the sessions; who may ask (management and quality, not an educator)."""

from datetime import date

import pytest

from parcours.access.models import AuditEvent
from parcours.steering.meetings.models import Meeting
from parcours.steering.meetings.services import session_dates
from tests.api.conftest import fields_of

SESSAD_REQUEST = {
    "title": "Intervenant en analyse des pratiques professionnelles",
    "context": "Harmoniser les pratiques de deux équipes SESSAD réunies.",
    "sector": "médicosocial",
    "public": "SESSAD TCC, 0-20 ans",
    "professions": "éducateurs, psychologues, psychopédagogues, secrétaires, ASS, psychomotricien",
    "group_size": 27,
    "place_kind": "either",
    "place": "Seine-Saint-Denis",
    "session_duration_minutes": 180,
    "frequency": "monthly",
    "sessions_planned": 4,
    "period_start": "2023-09-19",
    "period_end": "2023-12-31",
    "facilitator_profile": "Psychologue, Superviseur, Psychosociologue",
    "methods": "Méthode systémique, soutien aux professionnels, cadrage",
}


def new_request(client, world, **extra):
    return client.post(
        "/practice-analysis-requests", {"establishment": world.e1.pk, **SESSAD_REQUEST, **extra}
    )


def proposal(client, request_id, **extra):
    body = {
        "facilitator_name": "Mme Morel",
        "organisation": "Cabinet Reliance",
        "qualifications": "Psychologue clinicienne, superviseure",
        "approach": "Systémique, groupe entier",
        "sessions_count": 4,
        "price": "2400.00",
        "received_on": "2023-09-05",
    }
    body.update(extra)
    return client.post(f"/practice-analysis-requests/{request_id}/proposals", body)


def test_request_proposals_and_acceptance(api, world):
    created = new_request(api.director, world)
    assert created.status_code == 201, created.data
    req = created.data
    assert req["status"] == "open" and req["group_size"] == 27 and req["proposals"] == []
    assert AuditEvent.objects.filter(actor=world.director, object_type="practiceanalysisrequest").exists()
    first = proposal(api.director, req["id"])
    assert first.status_code == 201 and first.data["price"] == "2400.00"
    second = proposal(api.quality, req["id"], facilitator_name="M. Garnier", sessions_count=6, price=None)
    assert second.status_code == 201
    got = api.educator.get(f"/practice-analysis-requests/{req['id']}")
    assert got.status_code == 200 and got.data["status"] == "answered" and len(got.data["proposals"]) == 2
    accepted = api.director.post(f"/proposals/{first.data['id']}/accept")
    assert accepted.status_code == 200, accepted.data
    assert accepted.data["accepted"] is True
    assert [s["date"] for s in accepted.data["sessions"]] == [
        "2023-09-19",
        "2023-10-19",
        "2023-11-19",
        "2023-12-19",
    ]
    sessions = Meeting.objects.filter(practice_analysis_request_id=req["id"])
    assert sessions.count() == 4
    assert {(m.kind, m.duration_minutes, m.facilitator, m.establishment_id) for m in sessions} == {
        ("practice_analysis", 180, "Mme Morel (Cabinet Reliance)", world.e1.pk)
    }
    assert api.director.get("/practice-analysis-requests").data["items"][0]["status"] == "accepted"
    # one proposal only is retained; no more proposals after that
    assert api.director.post(f"/proposals/{second.data['id']}/accept").status_code == 409
    assert api.director.post(f"/proposals/{first.data['id']}/accept").status_code == 409
    assert proposal(api.director, req["id"]).status_code == 409
    assert Meeting.objects.filter(practice_analysis_request_id=req["id"]).count() == 4
    # the sessions are meetings of the register
    assert api.educator.get("/meetings", {"kind": "practice_analysis"}).data["count"] == 4
    closed = api.director.post(f"/practice-analysis-requests/{req['id']}/close")
    assert closed.status_code == 200 and closed.data["status"] == "closed"
    assert api.director.post(f"/practice-analysis-requests/{req['id']}/close").status_code == 409


def test_who_may_ask_and_see(api, world):
    assert new_request(api.quality, world).status_code == 201
    assert new_request(api.admin, world).status_code == 201
    assert new_request(api.educator, world).status_code == 403
    assert new_request(api.outsider, world).status_code == 404  # E1 out of sight
    assert new_request(api.partner, world).status_code == 403
    req = new_request(api.director, world).data
    assert api.outsider.get(f"/practice-analysis-requests/{req['id']}").status_code == 404
    assert api.outsider.get("/practice-analysis-requests").data["count"] == 0
    assert api.partner.get("/practice-analysis-requests").status_code == 403
    assert proposal(api.educator, req["id"]).status_code == 403
    assert proposal(api.outsider, req["id"]).status_code == 404
    offer = proposal(api.director, req["id"]).data
    assert api.educator.post(f"/proposals/{offer['id']}/accept").status_code == 403
    assert api.outsider.post(f"/proposals/{offer['id']}/accept").status_code == 404
    assert api.director.post("/proposals/987654/accept").status_code == 404


def test_request_bad_input(api, world):
    bad = new_request(
        api.director,
        world,
        group_size=0,
        session_duration_minutes=5,
        frequency="daily",
        place_kind="moon",
        professions="  ",
        period_end="2023-01-01",
        sessions_planned=1000,
    )
    assert bad.status_code == 422
    assert fields_of(bad) == {
        "group_size",
        "session_duration_minutes",
        "frequency",
        "place_kind",
        "professions",
        "period_end",
        "sessions_planned",
    }
    assert fields_of(new_request(api.director, world, period_start="not a date")) == {"period_start"}
    missing = api.director.post("/practice-analysis-requests", {"establishment": world.e1.pk})
    assert missing.status_code == 422 and "professions" in fields_of(missing)
    req = new_request(api.director, world).data
    assert fields_of(proposal(api.director, req["id"], sessions_count=0, facilitator_name="")) == {
        "sessions_count",
        "facilitator_name",
    }
    assert fields_of(proposal(api.director, req["id"], price="-3")) == {"price"}
    assert proposal(api.director, req["id"], price="NaN").status_code == 422
    assert proposal(api.director, req["id"], price="1e30").status_code == 422


@pytest.mark.parametrize(
    "start,end,frequency,count,expected",
    [
        (
            date(2023, 9, 19),
            date(2023, 12, 31),
            "monthly",
            4,
            ["2023-09-19", "2023-10-19", "2023-11-19", "2023-12-19"],
        ),
        (date(2024, 1, 31), date(2024, 4, 30), "monthly", 3, ["2024-01-31", "2024-02-29", "2024-03-31"]),
        (date(2024, 1, 1), date(2024, 1, 31), "weekly", 3, ["2024-01-01", "2024-01-08", "2024-01-15"]),
        # six monthly sessions do not fit in three months: spread evenly over the period
        (
            date(2024, 1, 1),
            date(2024, 1, 11),
            "monthly",
            6,
            ["2024-01-01", "2024-01-03", "2024-01-05", "2024-01-07", "2024-01-09", "2024-01-11"],
        ),
        (date(2024, 1, 1), date(2024, 1, 11), "other", 3, ["2024-01-01", "2024-01-06", "2024-01-11"]),
        (date(2024, 1, 1), date(2024, 1, 11), "other", 1, ["2024-01-01"]),
    ],
)
def test_session_dates(start, end, frequency, count, expected):
    assert [d.isoformat() for d in session_dates(start, end, frequency, count)] == expected
