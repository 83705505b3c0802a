"""Self-assessments: who manages them (admin, director, quality referent — not an educator), scope
(outsider 404, partner 403), scores and their rules, results by thematic on hand-built data, the
action plan, the Excel export (formulas neutralised, audited), the establishment's quality record."""

import io
from datetime import date

from openpyxl import load_workbook

from parcours.access.models import AuditEvent
from parcours.steering.quality.models import Criterion, SelfAssessment
from tests.api.conftest import fields_of


def start(client, world, framework, **extra):
    return client.post(
        "/quality/self-assessments",
        {"establishment": world.e1.pk, "framework": framework.pk, "started_on": "2025-01-15", **extra},
    )


def ref(framework, reference):
    return Criterion.objects.get(framework=framework, reference=reference).pk


def put_score(client, assessment_id, criterion_id, score, **extra):
    return client.put(
        f"/quality/self-assessments/{assessment_id}/scores/{criterion_id}", {"score": score, **extra}
    )


def test_who_manages_and_scope(api, world, framework):
    assert start(api.educator, world, framework).status_code == 403
    assert start(api.outsider, world, framework).status_code == 404
    assert start(api.partner, world, framework).status_code == 403
    created = start(api.quality, world, framework)
    assert created.status_code == 201, created.data
    sa = created.data
    assert sa["status"] == "in_progress" and sa["establishment"] == world.e1.pk
    assert AuditEvent.objects.filter(
        actor=world.quality, action="create", object_type="selfassessment"
    ).exists()
    assert start(api.director, world, framework).status_code == 409  # one in progress at a time
    # reads: the establishment's professionals; not the outsider (404) nor a partner (403)
    assert api.educator.get(f"/quality/self-assessments/{sa['id']}").status_code == 200
    assert api.educator.get("/quality/self-assessments").data["count"] == 1
    assert api.outsider.get(f"/quality/self-assessments/{sa['id']}").status_code == 404
    assert api.outsider.get("/quality/self-assessments").data["count"] == 0
    assert api.partner.get("/quality/self-assessments").status_code == 403
    # writes: quality and director yes, educator 403, outsider 404
    criterion = ref(framework, "1.1.1")
    assert put_score(api.quality, sa["id"], criterion, "3").status_code == 200
    assert put_score(api.director, sa["id"], criterion, "4").data["score"] == "4"
    assert put_score(api.educator, sa["id"], criterion, "2").status_code == 403
    assert put_score(api.outsider, sa["id"], criterion, "2").status_code == 404
    assert (
        api.educator.post(
            f"/quality/self-assessments/{sa['id']}/actions", {"action": "x", "owner": "y"}
        ).status_code
        == 403
    )
    assert api.outsider.get(f"/quality/self-assessments/{sa['id']}/results").status_code == 404
    assert api.outsider.get(f"/quality/self-assessments/{sa['id']}/export.xlsx").status_code == 404
    assert api.partner.get(f"/quality/self-assessments/{sa['id']}/export.xlsx").status_code == 403


def test_scores_rules_and_results(api, world, framework):
    sa = start(api.quality, world, framework).data
    scores = {"1.1.1": "3", "2.1.1": "optimised", "1.2.1": "4", "2.2.1": "2", "1.6.1": "nc", "3.2.1": "1"}
    for reference, value in scores.items():
        response = put_score(
            api.quality, sa["id"], ref(framework, reference), value, evidence=f"Preuve {reference}"
        )
        assert response.status_code == 200, response.data
    # rescoring replaces the score
    assert (
        put_score(api.quality, sa["id"], ref(framework, "1.1.1"), "3", comment="revu").data["comment"]
        == "revu"
    )
    # bad input
    assert fields_of(put_score(api.quality, sa["id"], ref(framework, "1.1.1"), "5")) == {"score"}
    assert fields_of(put_score(api.quality, sa["id"], ref(framework, "1.2.1"), "nc")) == {
        "score"
    }  # imperative
    assert fields_of(
        api.quality.put(f"/quality/self-assessments/{sa['id']}/scores/{ref(framework, '1.1.1')}", {})
    ) == {"score"}
    assert put_score(api.quality, sa["id"], 999999, "3").status_code == 404
    results = api.educator.get(f"/quality/self-assessments/{sa['id']}/results")
    assert results.status_code == 200
    by_number = {r["number"]: r for r in results.data["thematics"]}
    assert len(by_number) == 9
    assert by_number[1] == {
        "thematic": by_number[1]["thematic"],
        "number": 1,
        "name": "Bientraitance et éthique",
        "criteria": 2,
        "scored": 2,
        "to_score": 0,
        "nc": 0,
        "optimised": 1,
        "average_score": "3.50",
        "imperatives": 1,
        "imperatives_applicable": 1,
        "imperatives_at_4": 1,
        "imperatives_at_4_share": "1.0000",
    }
    assert (by_number[2]["average_score"], by_number[2]["imperatives_at_4_share"]) == ("3.00", "0.5000")
    assert (by_number[6]["nc"], by_number[6]["average_score"], by_number[6]["imperatives_at_4_share"]) == (
        1,
        None,
        None,
    )
    assert (
        by_number[9]["scored"],
        by_number[9]["average_score"],
        by_number[9]["imperatives_at_4_share"],
    ) == (1, "1.00", "0.0000")
    assert by_number[3]["scored"] == 0 and by_number[3]["average_score"] is None
    overall = results.data["overall"]
    assert (overall["criteria"], overall["scored"], overall["nc"], overall["to_score"]) == (13, 6, 1, 7)
    assert overall["average_score"] == "2.80"  # (3 + 4 + 4 + 2 + 1) / 5
    assert (
        overall["imperatives_applicable"],
        overall["imperatives_at_4"],
        overall["imperatives_at_4_share"],
    ) == (4, 2, "0.5000")
    assert len(api.educator.get(f"/quality/self-assessments/{sa['id']}/scores").data) == 6
    # a completed self-assessment is read-only until reopened
    done = api.director.patch(f"/quality/self-assessments/{sa['id']}", {"status": "completed"})
    assert done.status_code == 200 and done.data["completed_on"]
    assert put_score(api.quality, sa["id"], ref(framework, "1.3.1"), "3").status_code == 409
    assert fields_of(api.director.patch(f"/quality/self-assessments/{sa['id']}", {"status": "x"})) == {
        "status"
    }
    assert (
        api.director.patch(f"/quality/self-assessments/{sa['id']}", {"status": "in_progress"}).status_code
        == 200
    )


def test_results_aggregate_queries(world, framework, django_assert_max_num_queries):
    from parcours.steering.quality.selectors import results

    sa = SelfAssessment.objects.create(
        establishment=world.e1, framework=framework, started_on=date(2025, 1, 1)
    )
    with django_assert_max_num_queries(3):
        out = results(sa)
    assert out["overall"]["criteria"] == 13 and out["overall"]["average_score"] is None


def test_action_plan(api, world, framework):
    sa = start(api.director, world, framework).data
    url = f"/quality/self-assessments/{sa['id']}/actions"
    created = api.quality.post(
        url,
        {
            "action": "Réunir le CVS deux fois par an",
            "owner": "Direction",
            "due_date": "2025-12-31",
            "criterion": ref(framework, "1.3.1"),
        },
    )
    assert created.status_code == 201, created.data
    assert created.data["status"] == "planned"
    bad = api.quality.post(url, {"action": " ", "owner": "", "criterion": 999999, "status": "x"})
    assert bad.status_code == 422 and fields_of(bad) == {"action", "owner", "criterion", "status"}
    listed = api.educator.get(url)
    assert [a["action"] for a in listed.data] == ["Réunir le CVS deux fois par an"]
    changed = api.quality.patch(f"/quality/actions/{created.data['id']}", {"status": "done"})
    assert changed.status_code == 200 and changed.data["status"] == "done"
    assert api.educator.patch(f"/quality/actions/{created.data['id']}", {"status": "done"}).status_code == 403
    assert api.outsider.patch(f"/quality/actions/{created.data['id']}", {"status": "done"}).status_code == 404
    assert fields_of(api.quality.patch(f"/quality/actions/{created.data['id']}", {"owner": ""})) == {"owner"}


def test_export_neutralises_formulas_and_is_audited(api, world, framework):
    sa = start(api.quality, world, framework).data
    put_score(
        api.quality,
        sa["id"],
        ref(framework, "1.1.1"),
        "3",
        evidence='=HYPERLINK("http://evil","clic")',
        comment="+33 6 00",
    )
    api.quality.post(
        f"/quality/self-assessments/{sa['id']}/actions", {"action": "@SUM(A1)", "owner": "-Direction"}
    )
    response = api.educator.get(f"/quality/self-assessments/{sa['id']}/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Cotations", "Résultats", "Plan d'actions"]
    scores = workbook["Cotations"]
    header = [c.value for c in scores[1]]
    assert header[:6] == ["Chapitre", "Thématique", "Référence", "Critère", "Impératif", "Cotation"]
    row = next(r for r in scores.iter_rows(min_row=2) if r[2].value == "1.1.1")
    assert row[6].value == '\'=HYPERLINK("http://evil","clic")' and row[6].data_type == "s"
    assert row[7].value == "'+33 6 00" and row[5].value.startswith("3")
    assert scores.max_row == 14  # header + 13 criteria
    assert all(cell.data_type != "f" for sheet in workbook for r in sheet.iter_rows() for cell in r)
    actions = workbook["Plan d'actions"]
    assert actions["B2"].value == "'@SUM(A1)" and actions["C2"].value == "'-Direction"
    results = workbook["Résultats"]
    assert results.max_row == 11 and results["A11"].value == "Ensemble"
    assert AuditEvent.objects.filter(
        actor=world.educator, action="export", object_type="selfassessment"
    ).exists()


def test_establishment_quality_record(api, world):
    url = f"/quality/establishments/{world.e1.pk}"
    saved = api.quality.put(
        url,
        {
            "last_external_evaluation": "2021-06-15",
            "evaluation_body": "Cabinet évaluateur",
            "quality_referent": world.quality.pk,
            "ethics_committee": "Deux réunions par an",
        },
    )
    assert saved.status_code == 200, saved.data
    assert saved.data["next_external_evaluation"] == "2026-06-15"
    assert saved.data["quality_referent_name"] == "Qualite Test"
    bad = api.director.put(
        url,
        {
            "last_external_evaluation": "2021-06-15",
            "next_external_evaluation": "2030-01-01",
            "quality_referent": world.outsider.pk,
        },
    )
    assert bad.status_code == 422 and fields_of(bad) == {"next_external_evaluation", "quality_referent"}
    assert fields_of(api.director.put(url, {"last_external_evaluation": "2999-01-01"})) == {
        "last_external_evaluation"
    }
    # planning a first evaluation by hand (no evaluation recorded yet)
    planned = api.director.put(
        url, {"next_external_evaluation": "2025-12-31", "quality_referent_name": "Mme Durand"}
    )
    assert (
        planned.data["next_external_evaluation"] == "2025-12-31"
        and planned.data["quality_referent_name"] == "Mme Durand"
    )
    assert api.educator.put(url, {}).status_code == 403
    assert api.outsider.put(url, {}).status_code == 404
    assert api.partner.put(url, {}).status_code == 403
    listed = {r["establishment"]: r for r in api.educator.get("/quality/establishments").data}
    assert set(listed) == {world.e1.pk} and listed[world.e1.pk]["next_external_evaluation"] == "2025-12-31"
    assert {r["establishment"] for r in api.admin.get("/quality/establishments").data} == {world.e1.pk}
