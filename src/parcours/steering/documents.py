"""The activity report as a PDF with charts (WeasyPrint, charts drawn as inline SVG) and as an Excel
workbook (openpyxl, with native charts); every cell value goes through safe_cell."""

import io
from decimal import Decimal
from xml.sax.saxutils import escape

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from parcours.core.exports import safe_cell

LABELS = [
    ("days_theoretical", "Journées théoriques"),
    ("days_realised", "Journées réalisées"),
    ("occupancy_rate", "Taux d'occupation"),
    ("active_caseload", "File active (personnes accompagnées)"),
    ("admissions", "Admissions"),
    ("exits", "Sorties"),
    ("average_length_of_stay", "Durée moyenne des séjours terminés (jours)"),
    ("waiting_list_size", "Liste d'attente au 31/12 (ou à date)"),
    ("average_waiting_days", "Délai moyen décision → admission (jours)"),
    ("average_days_referral_to_admission", "Délai moyen orientation → admission (jours)"),
    ("referrals_received", "Orientations reçues"),
    ("emergency_requests", "Demandes en urgence"),
    ("emergency_admissions", "Admissions en urgence"),
    ("ruptures", "Ruptures de parcours"),
    ("persons_present", "Personnes présentes en fin de période"),
    ("plans_up_to_date_share", "Part des personnes au projet à jour"),
    ("overdue_plans", "Échéances de projets dépassées"),
    ("incidents", "Événements indésirables"),
    ("serious_incidents", "dont graves (EIG)"),
    ("meetings", "Réunions"),
    ("ethics_committee_meetings", "Réunions du comité d'éthique"),
    ("practice_analysis_sessions", "Séances d'analyse des pratiques"),
    ("training_sessions", "Formations"),
]
PERCENT = {"occupancy_rate", "plans_up_to_date_share"}


def display(key, value):
    if value is None:
        return "—"
    if key in PERCENT:
        return f"{Decimal(value) * 100:.1f} %".replace(".", ",")
    return str(value).replace(".", ",")


def bar_chart(pairs: list[tuple[str, float]], *, width=480, height=180, percent=False) -> str:
    """A plain SVG bar chart (WeasyPrint draws SVG): one bar per label."""
    if not pairs:
        return ""
    top = max((v for _, v in pairs), default=0) or 1
    n = len(pairs)
    gap = 6
    bar = max(4, (width - 40 - gap * n) / n)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 40}" font-size="8">']
    for i, (label, value) in enumerate(pairs):
        h = (value / top) * height if top else 0
        x = 30 + i * (bar + gap)
        y = height - h + 10
        shown = f"{value * 100:.0f} %" if percent else f"{value:g}"
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="#000091"/>')
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{y - 2:.1f}" text-anchor="middle">{escape(shown)}</text>'
        )
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{height + 22}" text-anchor="middle">{escape(str(label)[:14])}</text>'
        )
    parts.append(f'<line x1="28" y1="{height + 10}" x2="{width}" y2="{height + 10}" stroke="#666"/></svg>')
    return "".join(parts)


def report_pdf(data: dict) -> bytes:
    from weasyprint import HTML

    figures = data["figures"]
    rows = [(label, display(key, figures.get(key))) for key, label in LABELS if key in figures]
    charts = {
        "occupancy": mark_safe(
            bar_chart([(m["month"][5:], float(m["occupancy_rate"])) for m in data["monthly"]], percent=True)
        ),
        "caseload": mark_safe(bar_chart([(m["month"][5:], m["active_caseload"]) for m in data["monthly"]])),
        "origins": mark_safe(bar_chart(list(data["by_origin"].items()))),
        "destinations": mark_safe(bar_chart(list(data["by_destination"].items()))),
    }
    html = render_to_string("steering/report_pdf.html", {"data": data, "rows": rows, "charts": charts})
    return HTML(string=html).write_pdf()


def report_xlsx(data: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Synthèse"
    sheet.append([safe_cell(f"Rapport d'activité {data['year']} — {data['label']}")])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([f"Période du {data['start']:%d/%m/%Y} au {data['end']:%d/%m/%Y}"])
    sheet.append([])
    sheet.append(["Indicateur", "Valeur"])
    figures = data["figures"]
    for key, label in LABELS:
        if key in figures:
            value = figures[key]
            sheet.append([label, float(value) if isinstance(value, Decimal) else value])
    sheet.column_dimensions["A"].width = 48

    units = book.create_sheet("Capacités et unités")
    units.append(["Unité", "Modalité", "Capacité au début", "Capacité à la fin", "Jours d'ouverture"])
    for c in data["capacities"]:
        units.append(
            [safe_cell(c["unit"]), c["modality"], c["capacity_start"], c["capacity_end"], c["opening_days"]]
        )
    units.append([])
    units.append(["Unité", "Journées théoriques", "Journées réalisées", "Taux d'occupation", "File active"])
    for u in data["per_unit"]:
        units.append(
            [
                safe_cell(u["name"]),
                float(u["days_theoretical"]),
                float(u["days_realised"]),
                float(u["occupancy_rate"]),
                u["active_caseload"],
            ]
        )

    monthly = book.create_sheet("Mensuel")
    monthly.append(["Mois", "Taux d'occupation", "File active", "Liste d'attente", "Admissions", "Sorties"])
    for m in data["monthly"]:
        monthly.append(
            [
                m["month"],
                float(m["occupancy_rate"]),
                m["active_caseload"],
                m["waiting_list_size"],
                m["admissions"],
                m["exits"],
            ]
        )
    if data["monthly"]:
        chart = BarChart()
        chart.title = "File active par mois"
        chart.add_data(
            Reference(monthly, min_col=3, min_row=1, max_row=len(data["monthly"]) + 1), titles_from_data=True
        )
        chart.set_categories(Reference(monthly, min_col=1, min_row=2, max_row=len(data["monthly"]) + 1))
        monthly.add_chart(chart, "H2")

    flows = book.create_sheet("Entrées et sorties")
    for title, mapping in (
        ("Admissions par origine", data["by_origin"]),
        ("Âge au 31 décembre des personnes admises", data["by_age"]),
        ("Sorties par destination", data["by_destination"]),
        ("Durée des séjours terminés", data["by_length"]),
    ):
        flows.append([title, "Nombre"])
        for label, count in mapping.items():
            flows.append([safe_cell(label), count])
        flows.append([])
    flows.column_dimensions["A"].width = 44
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
