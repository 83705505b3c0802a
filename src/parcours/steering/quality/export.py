"""A self-assessment as an Excel workbook (openpyxl): the scores criterion by criterion with their
evidence, the results by thematic, the action plan. Every cell goes through safe_cell (a value
starting with =, +, -, @ is written as text, never run as a formula)."""

import io

from parcours.core.exports import safe_cell
from parcours.steering.quality import selectors
from parcours.steering.quality.models import SelfAssessment


def _sheet(workbook, title: str, header: list[str], rows, *, first: bool = False):
    from openpyxl.styles import Font

    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title
    sheet.append([safe_cell(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    return sheet


def self_assessment_xlsx(assessment: SelfAssessment) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    scores = [
        (
            criterion.chapter.number,
            criterion.thematic.name,
            criterion.reference,
            criterion.text,
            "oui" if criterion.imperative else "non",
            score.get_score_display() if score else "",
            score.evidence if score else "",
            score.comment if score else "",
        )
        for criterion, score in selectors.criteria_with_scores(assessment)
    ]
    _sheet(
        workbook,
        "Cotations",
        [
            "Chapitre",
            "Thématique",
            "Référence",
            "Critère",
            "Impératif",
            "Cotation",
            "Éléments de preuve",
            "Commentaire",
        ],
        scores,
        first=True,
    )
    out = selectors.results(assessment)
    results = [
        (
            r["name"],
            r["criteria"],
            r["scored"],
            r["nc"],
            r["average_score"],
            r["imperatives_applicable"],
            r["imperatives_at_4"],
            r["imperatives_at_4_share"],
        )
        for r in [*out["thematics"], {**out["overall"], "name": "Ensemble"}]
    ]
    _sheet(
        workbook,
        "Résultats",
        [
            "Thématique",
            "Critères",
            "Cotés",
            "NC",
            "Moyenne",
            "Impératifs applicables",
            "Impératifs à 4",
            "Part",
        ],
        results,
    )
    actions = [
        (
            item.criterion.reference if item.criterion_id else "",
            item.action,
            item.owner,
            item.due_date,
            item.get_status_display(),
        )
        for item in selectors.actions(assessment)
    ]
    _sheet(workbook, "Plan d'actions", ["Critère", "Action", "Pilote", "Échéance", "Statut"], actions)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
