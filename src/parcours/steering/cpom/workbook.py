"""The CPOM as an Excel workbook (openpyxl): one sheet per strategic objective — its actions with
every field, the programme table and the indicators target vs actual per year — and an
'Indicateurs' sheet with one row per indicator and year. Text cells go through safe_cell, so a
label starting with = stays text."""

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from parcours.core.exports import safe_cell
from parcours.steering.cpom import selectors
from parcours.steering.cpom.choices import COMPUTED_KEYS, Direction, Source, Status

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="top")
FILLS = {
    Status.GREEN: PatternFill("solid", fgColor="B8FEC9"),
    Status.AMBER: PatternFill("solid", fgColor="FEECC2"),
    Status.RED: PatternFill("solid", fgColor="FFDDD9"),
}
STATUS_LABELS = dict(Status.choices)
SOURCE_LABELS = dict(Source.choices)
DIRECTION_LABELS = dict(Direction.choices)
FIELDS = [
    ("pilot", "Pilote"),
    ("context", "Contexte"),
    ("objectives", "Objectifs de l'action"),
    ("means", "Moyens"),
    ("implementation", "Modalités de mise en œuvre et de suivi"),
    ("partners", "Partenaires / acteurs à associer"),
]


def _sheet_title(text: str, used: set[str]) -> str:
    title = re.sub(r"[\[\]:*?/\\]", " ", text).strip()[:31].strip("' ") or "Feuille"
    base, n = title, 2
    while title.lower() in used:
        suffix = f" ({n})"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(title.lower())
    return title


def _row(ws, values, *, bold: bool = False):
    ws.append([safe_cell(v) for v in values])
    if bold:
        for cell in ws[ws.max_row]:
            cell.font = BOLD
    return ws.max_row


def _calendar(action) -> str:
    if action.calendar_start and action.calendar_end:
        return f"{action.calendar_start} – {action.calendar_end}"
    return str(action.calendar_start or action.calendar_end or "")


def _indicator_block(ws, rows, years):
    header = ["Indicateur", "Unité", "Source"]
    for year in years:
        header += [f"Cible {year}", f"Réalisé {year}", f"Statut {year}"]
    _row(ws, header, bold=True)
    for row in rows:
        source = SOURCE_LABELS.get(row["source"], row["source"])
        if row["source"] == Source.COMPUTED:
            source = f"{COMPUTED_KEYS.get(row['key'], row['key'])} ({row['scope']})"
        values = [row["label"], row["unit"], source]
        for cell in row["years"]:
            values += [cell["target"], cell["actual"], STATUS_LABELS.get(cell["status"], "")]
        line = _row(ws, values)
        for index, cell in enumerate(row["years"]):
            if cell["status"]:
                ws.cell(line, 4 + 3 * index + 2).fill = FILLS[cell["status"]]


def _objective_sheet(ws, item, years):
    objective = item["objective"]
    ws.append([safe_cell(f"Objectif stratégique n° {objective.number} : {objective.title}")])
    ws["A1"].font = TITLE
    if item["indicators"]:
        _row(ws, [])
        _row(ws, ["Indicateurs de l'objectif"], bold=True)
        _indicator_block(ws, item["indicators"], years)
    for entry in item["actions"]:
        action = entry["action"]
        _row(ws, [])
        line = _row(ws, [f"Action n° {action.number} : {action.title}"])
        ws.cell(line, 1).font = Font(bold=True, size=12)
        for name, label in FIELDS:
            line = _row(ws, [label, getattr(action, name)])
            ws.cell(line, 1).font = BOLD
            ws.cell(line, 2).alignment = WRAP
        line = _row(ws, ["Calendrier", _calendar(action)])
        ws.cell(line, 1).font = BOLD
        _row(ws, [])
        _row(ws, ["Programmation prévisionnelle détaillée"], bold=True)
        _row(ws, ["Étape", "Résultats attendus", *years], bold=True)
        for stage in entry["programme"]["rows"]:
            marks = []
            for cell in stage["cells"]:
                mark = "X" if cell["planned"] else ""
                if cell["progress_label"]:
                    mark = f"{mark} {cell['progress_label']}".strip()
                marks.append(mark)
            _row(ws, [stage["label"], stage["expected_results"], *marks])
        if entry["indicators"]:
            _row(ws, [])
            _row(ws, ["Indicateurs"], bold=True)
            _indicator_block(ws, entry["indicators"], years)
    ws.column_dimensions["A"].width = 55
    ws.column_dimensions["B"].width = 80


def _indicators_sheet(ws, rows):
    _row(
        ws,
        [
            "Objectif",
            "Action",
            "Indicateur",
            "Unité",
            "Source",
            "Indicateur calculé",
            "Périmètre",
            "Sens",
            "Année",
            "Cible",
            "Réalisé",
            "Statut",
            "Commentaire",
            "Indicateurs associés",
        ],
        bold=True,
    )
    for row in rows:
        for cell in row["years"]:
            line = _row(
                ws,
                [
                    row["objective"],
                    row["action"] or "",
                    row["label"],
                    row["unit"],
                    SOURCE_LABELS.get(row["source"], row["source"]),
                    row["key_label"],
                    row["scope"],
                    DIRECTION_LABELS.get(row["direction"], ""),
                    cell["year"],
                    cell["target"],
                    cell["actual"],
                    STATUS_LABELS.get(cell["status"], ""),
                    cell["comment"] or cell["note"],
                    ", ".join(f"{label} : {value}" for label, value in cell["related_text"]),
                ],
            )
            if cell["status"]:
                ws.cell(line, 12).fill = FILLS[cell["status"]]
    ws.column_dimensions["C"].width = 60
    ws.freeze_panes = "A2"


def cpom_workbook(user, cpom) -> bytes:
    """The workbook of a CPOM loaded with selectors.cpom_tree()."""
    view = selectors.overview(user, cpom)
    wb = Workbook()
    summary = wb.active
    summary.title = "CPOM"
    summary.append([safe_cell(cpom.title)])
    summary["A1"].font = TITLE
    for label, value in [
        ("Gestionnaire", cpom.organisation.name),
        ("Autorité", cpom.authority),
        ("Période", f"{cpom.start_year} – {cpom.end_year}"),
        ("Signé le", cpom.signed_on.strftime("%d/%m/%Y") if cpom.signed_on else ""),
        ("Signataires", ", ".join(cpom.signatories or [])),
        ("Établissements", ", ".join(e.name for e in cpom.establishments.all())),
    ]:
        line = _row(summary, [label, value])
        summary.cell(line, 1).font = BOLD
    summary.column_dimensions["A"].width = 20
    summary.column_dimensions["B"].width = 80
    used = {"cpom", "indicateurs"}
    for item in view["objectives"]:
        objective = item["objective"]
        ws = wb.create_sheet(_sheet_title(f"OS{objective.number} {objective.title}", used))
        _objective_sheet(ws, item, view["years"])
    _indicators_sheet(wb.create_sheet("Indicateurs"), view["indicators"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
