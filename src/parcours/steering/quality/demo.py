"""Demo quality data, through the services: a small generated extract of the HAS framework
(sample.py — the real 157 criteria come from the HAS spreadsheet), a self-assessment in progress for
the Millau establishment, its first actions, and the establishment's quality record from the CPOM
seed (cpom-accueil-millau-segur.txt: external evaluation planned in 2025, "Nomination d'un référent
qualité", "Mise en place du Comité éthique" in 2024)."""

from datetime import date

from parcours.steering.quality import sample, services
from parcours.steering.quality.models import Framework, SelfAssessment

VERSION = "2022 v1.1 (extrait de démonstration)"
# The CPOM plans the external evaluation in 2025 ("Evaluation externe et suivis des préconisations
# d'action": 2025–2028): by the end of that year.
CPOM_EXTERNAL_EVALUATION = date(2025, 12, 31)
SCORES = [
    ("1.1.1", "3", "Questionnaire de satisfaction 2024 ; réunions du conseil de la vie sociale."),
    ("1.2.1", "4", "Livret d'accueil et règlement de fonctionnement remis à l'admission."),
    ("1.3.1", "2", "Conseil de la vie sociale réuni une fois en 2024 (deux prévues)."),
    ("1.6.1", "nc", ""),
    ("2.1.1", "3", "Procédure de signalement ; formation bientraitance d'avril 2024."),
    ("3.2.1", "2", "Procédure de déclaration des événements indésirables à consolider (CPOM 2025)."),
]


def demo_quality(establishment_id: int, user) -> None:
    """user: a group administrator (imports the framework) who also manages the establishment's
    quality. Running it twice adds nothing."""
    framework = Framework.objects.filter(version=VERSION).first()
    if framework is None:
        framework = services.import_framework(
            user, sample.workbook_bytes(), "referentiel-has-extrait.xlsx", version=VERSION
        )
    if SelfAssessment.objects.filter(establishment_id=establishment_id).exists():
        return
    services.set_establishment_quality(
        user,
        establishment_id,
        next_external_evaluation=CPOM_EXTERNAL_EVALUATION,
        evaluation_body="Organisme évaluateur accrédité par le COFRAC (à désigner)",
        quality_referent_name="Référente qualité de l'association (nommée en 2024, CPOM fiche 1)",
        ethics_committee=(
            "Comité éthique mis en place en 2024 à partir des groupes de travail « démarche qualité » : "
            "bientraitance, pouvoir d'agir des enfants accueillis, valeurs associatives ; deux réunions par an."
        ),
    )
    assessment = services.start_self_assessment(
        user,
        establishment=establishment_id,
        framework=framework.pk,
        started_on=date(2025, 1, 15),
        title="Autoévaluation préparatoire à l'évaluation externe 2025",
    )
    criteria = {c.reference: c for c in framework.criteria.all()}
    for reference, score, evidence in SCORES:
        if reference in criteria:
            services.score_criterion(
                user, assessment.pk, criteria[reference].pk, score=score, evidence=evidence
            )
    services.add_action(
        user,
        assessment.pk,
        action="Réunir le conseil de la vie sociale deux fois par an et en diffuser les comptes rendus.",
        owner="Direction",
        due_date=date(2025, 12, 31),
        criterion=criteria.get("1.3.1").pk if "1.3.1" in criteria else None,
    )
    services.add_action(
        user,
        assessment.pk,
        action="Consolider la procédure de déclaration des événements indésirables (procédure départementale).",
        owner="Référente qualité",
        due_date=date(2025, 6, 30),
        criterion=criteria.get("3.2.1").pk if "3.2.1" in criteria else None,
        status="in_progress",
    )
