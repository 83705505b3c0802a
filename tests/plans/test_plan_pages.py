"""Plan pages: deadlines dashboard, person's plans, editor with htmx partial saves, signature,
co-evaluation; scope and audit."""

from datetime import date, timedelta

from django.http import HttpRequest
from django.test import Client

from parcours.access.models import AuditEvent
from parcours.core.dates import today
from parcours.pathways.models import Assignment
from parcours.plans.models import Evaluation, Plan
from tests.conftest import PASSWORD


def client_for(username):
    client = Client()
    assert client.login(request=HttpRequest(), username=username, password=PASSWORD)
    return client


def make_plan(world, **extra):
    fields = dict(person=world.child, kind="personalised_plan", start_date=date(2026, 6, 1), due_date=today())
    fields.update(extra)
    return Plan.objects.create(**fields)


def test_dashboard_buckets_and_filters(world):
    day = today()
    late = make_plan(world, kind="ppe", due_date=day - timedelta(days=3))
    soon = make_plan(world, kind="dipc", due_date=day)
    later = make_plan(world, kind="situation_report", due_date=day + timedelta(days=40))
    director = client_for("directeur")
    page = director.get("/echeances/")
    assert page.status_code == 200
    html = page.content.decode()
    overdue = html.split('id="overdue"')[1].split("</table>")[0]
    week = html.split('id="week"')[1].split("</table>")[0]
    assert f"/projets/{late.pk}/" in overdue and "3 j de retard" in overdue
    assert f"/projets/{soon.pk}/" in week
    assert f"/projets/{later.pk}/" not in html  # beyond this month
    assert AuditEvent.objects.filter(actor=world.director, details__section="deadlines").exists()
    # by coordinator: nobody assigned yet → empty; then the educator is the référent
    assert (
        f"/projets/{late.pk}/"
        not in director.get(f"/echeances/?coordinateur={world.educator.pk}").content.decode()
    )
    Assignment.objects.create(
        person=world.child, professional=world.educator, role="referent", start_date=date(2024, 9, 1)
    )
    assert (
        f"/projets/{late.pk}/"
        in director.get(f"/echeances/?coordinateur={world.educator.pk}").content.decode()
    )
    assert f"/projets/{late.pk}/" in director.get(f"/echeances/?unite={world.u1.pk}").content.decode()
    assert f"/projets/{late.pk}/" not in director.get(f"/echeances/?unite={world.u2.pk}").content.decode()
    # outsiders see nothing of it; an unknown unit filter is a 404
    outsider = client_for("educ_e2").get("/echeances/").content.decode()
    assert f"/projets/{late.pk}/" not in outsider
    assert client_for("educ_e2").get(f"/echeances/?unite={world.u1.pk}").status_code == 404


def test_editor_partial_saves_and_scope(world):
    plan = make_plan(world)
    director = client_for("directeur")
    page = director.get(f"/projets/{plan.pk}/")
    assert page.status_code == 200 and "htmx.min.js" in page.content.decode()
    hx = {"HTTP_HX_REQUEST": "true"}
    saved = director.post(
        f"/projets/{plan.pk}/expression",
        {"person_expression": "Je veux voir mon frère.", "family_expression": ""},
        **hx,
    )
    assert saved.status_code == 200 and 'id="expression-saved"' in saved.content.decode()
    assert "<html" not in saved.content.decode()  # a fragment, not the page
    need = director.post(
        f"/projets/{plan.pk}/besoins",
        {"domain": "family_ties", "serafin": "1.3.3.4", "description": "Lien fraternel"},
        **hx,
    )
    assert "Lien fraternel" in need.content.decode()
    bad = director.post(f"/projets/{plan.pk}/besoins", {"domain": "magic", "description": ""}, **hx)
    assert "fr-error-text" in bad.content.decode() or "fr-message--error" in bad.content.decode()
    objective = director.post(
        f"/projets/{plan.pk}/objectifs",
        {
            "domain": "family_ties",
            "description": "Visites mensuelles",
            "action": "Organiser les visites",
            "responsible": "",
        },
        **hx,
    )
    assert "Qui fait l" in objective.content.decode()  # the action needs someone
    objective = director.post(
        f"/projets/{plan.pk}/objectifs",
        {
            "domain": "family_ties",
            "description": "Visites mensuelles",
            "action": "Organiser les visites",
            "responsible": "Référente",
        },
        **hx,
    )
    assert "Visites mensuelles" in objective.content.decode()
    director.post(f"/projets/{plan.pk}/partenaires", {"name": "Service ASE", "role": "référent"}, **hx)
    plan.refresh_from_db()
    assert plan.person_expression == "Je veux voir mon frère."
    assert plan.needs == [{"domain": "family_ties", "serafin": "1.3.3.4", "description": "Lien fraternel"}]
    assert plan.partners == [{"name": "Service ASE", "role": "référent"}]
    assert plan.objectives.get().actions.get().responsible == "Référente"
    # without htmx the same forms redirect back to the page
    assert director.post(f"/projets/{plan.pk}/besoins/0/retirer").status_code == 302
    plan.refresh_from_db()
    assert plan.needs == []
    # read-only role and outsider
    assert client_for("qualite").get(f"/projets/{plan.pk}/").status_code == 200
    assert (
        client_for("qualite")
        .post(f"/projets/{plan.pk}/besoins", {"domain": "health", "description": "x"})
        .status_code
        == 403
    )
    assert client_for("educ_e2").get(f"/projets/{plan.pk}/").status_code == 404
    assert (
        client_for("educ_e2").post(f"/projets/{plan.pk}/expression", {"person_expression": "x"}).status_code
        == 404
    )
    assert AuditEvent.objects.filter(
        actor=world.director, object_type="plan", object_id=str(plan.pk), action="view"
    ).exists()


def test_sign_then_co_evaluate_then_amend(world):
    plan = make_plan(world)
    objective = plan.objectives.create(domain="schooling", description="Retour au collège")
    director = client_for("directeur")
    bad = director.post(f"/projets/{plan.pk}/signature", {"date": "", "signatories": ""})
    assert bad.status_code == 422
    signed = director.post(
        f"/projets/{plan.pk}/signature",
        {"date": "2026-11-02", "signatories": "Joël\nMme Dupont\nMECS Millau"},
    )
    assert signed.status_code == 302
    plan.refresh_from_db()
    assert plan.status == "signed" and plan.next_review_date == date(2027, 11, 2)
    assert plan.signatories == ["Joël", "Mme Dupont", "MECS Millau"]
    form = director.get(f"/projets/{plan.pk}/evaluation")
    assert form.status_code == 200 and "Retour au collège" in form.content.decode()
    # without the person or the family: refused, nothing written
    refused = director.post(
        f"/projets/{plan.pk}/evaluation",
        {
            "date": "2027-05-02",
            "participant_0_name": "Éducatrice",
            "participant_0_role": "professional",
            f"result_{objective.pk}": "partly",
        },
    )
    assert refused.status_code == 422 and "La personne ou sa famille" in refused.content.decode()
    assert not Evaluation.objects.exists()
    done = director.post(
        f"/projets/{plan.pk}/evaluation",
        {
            "date": "2027-05-02",
            "participant_0_name": "Joël",
            "participant_0_role": "person",
            "participant_1_name": "Éducatrice",
            "participant_1_role": "professional",
            f"result_{objective.pk}": "partly",
            f"comment_{objective.pk}": "Assiduité en progrès",
        },
    )
    assert done.status_code == 302
    plan.refresh_from_db()
    assert plan.next_review_date == date(2028, 5, 2)
    page = director.get(f"/projets/{plan.pk}/").content.decode()
    assert "Partiellement" in page and "Assiduité en progrès" in page
    amended = director.post(f"/projets/{plan.pk}/avenant")
    draft = Plan.objects.get(previous=plan)
    assert amended["Location"] == f"/projets/{draft.pk}/"
    assert "Partiellement" in director.get(f"/projets/{draft.pk}/").content.decode()  # history carried over
    assert client_for("educ_e2").get(f"/projets/{plan.pk}/evaluation").status_code == 404
    assert client_for("qualite").get(f"/projets/{plan.pk}/evaluation").status_code == 403


def test_person_plans_page_and_pdf(world):
    director = client_for("directeur")
    page = director.post(f"/personnes/{world.child.pk}/projets/", {"kind": "ppe", "start_date": "2026-10-01"})
    plan = Plan.objects.get(person=world.child, kind="ppe")
    assert page["Location"] == f"/projets/{plan.pk}/" and plan.due_date == date(2027, 1, 1)
    assert (
        director.post(f"/personnes/{world.child.pk}/projets/", {"kind": "x", "start_date": ""}).status_code
        == 200
    )
    assert "Projet pour l" in director.get(f"/personnes/{world.child.pk}/projets/").content.decode()
    pdf = director.get(f"/projets/{plan.pk}/document.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client_for("educ_e2").get(f"/projets/{plan.pk}/document.pdf").status_code == 404
    assert client_for("educ_e2").get(f"/personnes/{world.child.pk}/projets/").status_code == 404


def test_removing_a_need_that_is_not_there_is_a_404_and_changes_nothing(world):
    plan = make_plan(world, needs=[{"domain": "health", "serafin": "", "description": "Bilan"}])
    director = client_for("directeur")
    assert director.post(f"/projets/{plan.pk}/besoins/3/retirer").status_code == 404
    assert client_for("qualite").post(f"/projets/{plan.pk}/partenaires/0/retirer").status_code == 403
    plan.refresh_from_db()
    assert plan.needs == [{"domain": "health", "serafin": "", "description": "Bilan"}]
    import pytest

    from parcours.core.errors import Invalid
    from parcours.plans import services

    with pytest.raises(Invalid) as refused:
        services.add_item(world.director, plan.pk, "signatories", {"x": 1})
    assert refused.value.errors[0]["field"] == "signatories"
