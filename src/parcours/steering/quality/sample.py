"""A small generated extract of the HAS framework spreadsheet, for the demo and the tests — the real
framework (157 criteria) is imported by an administrator from the HAS file, never typed in code.
The wording below is abridged and illustrative."""

import io

HEADER = ["Chapitre", "Thématique", "Objectif", "Référence", "Critère", "Impératif", "Cible"]

EXTRACT = [
    (
        "1",
        "Bientraitance et éthique",
        "1.1",
        "1.1.1",
        "La personne accompagnée exprime sa perception de la bientraitance.",
        "non",
        "Tous ESSMS",
    ),
    (
        "1",
        "Droits de la personne",
        "1.2",
        "1.2.1",
        "La personne accompagnée est informée de ses droits et des voies de recours.",
        "oui",
        "Tous ESSMS",
    ),
    (
        "1",
        "Expression et participation",
        "1.3",
        "1.3.1",
        "La personne accompagnée est associée au fonctionnement de l'ESSMS (conseil de la vie sociale).",
        "non",
        "Tous ESSMS",
    ),
    (
        "1",
        "Co-construction et personnalisation du projet",
        "1.4",
        "1.4.1",
        "La personne co-construit son projet personnalisé et exprime ses attentes.",
        "non",
        "Tous ESSMS",
    ),
    (
        "1",
        "Accompagnement à l'autonomie",
        "1.5",
        "1.5.1",
        "La personne est soutenue dans l'exercice de son autonomie au quotidien.",
        "non",
        "Tous ESSMS",
    ),
    (
        "1",
        "Accompagnement à la santé",
        "1.6",
        "1.6.1",
        "La personne bénéficie d'un accompagnement à la santé adapté à ses besoins.",
        "non",
        "ESSMS assurant un accompagnement à la santé",
    ),
    (
        "1",
        "Continuité et fluidité des parcours",
        "1.7",
        "1.7.1",
        "La continuité de l'accompagnement est organisée lors des transitions.",
        "non",
        "Tous ESSMS",
    ),
    (
        "2",
        "Bientraitance et éthique",
        "2.1",
        "2.1.1",
        "Les professionnels repèrent, signalent et traitent les situations de maltraitance.",
        "oui",
        "Tous ESSMS",
    ),
    (
        "2",
        "Droits de la personne",
        "2.2",
        "2.2.1",
        "Les professionnels respectent la confidentialité des informations relatives à la personne.",
        "oui",
        "Tous ESSMS",
    ),
    (
        "2",
        "Politique ressources humaines",
        "2.3",
        "2.3.1",
        "Les professionnels bénéficient d'analyse des pratiques et de formations.",
        "non",
        "Tous ESSMS",
    ),
    (
        "3",
        "Politique ressources humaines",
        "3.1",
        "3.1.1",
        "L'ESSMS met en œuvre une politique de gestion des ressources humaines.",
        "non",
        "Tous ESSMS",
    ),
    (
        "3",
        "Démarche qualité et gestion des risques",
        "3.2",
        "3.2.1",
        "L'ESSMS déclare et analyse les événements indésirables et en tire des actions.",
        "oui",
        "Tous ESSMS",
    ),
    (
        "3",
        "Démarche qualité et gestion des risques",
        "3.2",
        "3.2.2",
        "L'ESSMS définit et met en œuvre sa démarche d'amélioration continue de la qualité.",
        "non",
        "Tous ESSMS",
    ),
]


def workbook_bytes(rows=EXTRACT, header=HEADER, title: str | None = "Référentiel HAS — extrait") -> bytes:
    """An .xlsx laid out as the HAS spreadsheet: a title line, the header, one criterion per row."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Critères"
    if title:
        sheet.append([title])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
