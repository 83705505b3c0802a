"""The plan as a PDF to be signed (WeasyPrint): identity, expressions, needs by domain, objectives
with expected results and actions, partners, the last co-evaluation, and the signature boxes of the
young person, the holders of parental authority and the establishment."""

from django.template.loader import render_to_string

from parcours.core.dates import age_at, today
from parcours.plans.reference import DOMAINS, SERAFIN_PH


def plan_pdf(plan) -> bytes:
    from weasyprint import HTML

    person = plan.person
    relatives = list(person.relationships.filter(parental_authority=True).select_related("relative"))
    establishment = plan.stay.unit.establishment if plan.stay_id else person.home_establishment
    needs = [
        dict(
            n,
            domain_label=DOMAINS.get(n["domain"], n["domain"]),
            serafin_label=SERAFIN_PH.get(n.get("serafin") or "", ""),
        )
        for n in plan.needs
    ]
    objectives = [
        {"domain_label": DOMAINS.get(o.domain, o.domain), "objective": o, "actions": list(o.actions.all())}
        for o in plan.objectives.all()
    ]
    evaluation = plan.evaluations.prefetch_related("results__objective").order_by("-date", "-id").first()
    html = render_to_string(
        "plans/plan_pdf.html",
        {
            "plan": plan,
            "person": person,
            "age": age_at(person.birth_date, today()),
            "relatives": relatives,
            "establishment": establishment,
            "needs": needs,
            "objectives": objectives,
            "evaluation": evaluation,
            "printed_on": today(),
        },
    )
    return HTML(string=html).write_pdf()
