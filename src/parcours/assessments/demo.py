"""Demo grids, built and published through the services: the multidimensional assessment at intake
(the principle of a global, multidimensional assessment of situations in the département's scheme)
and the RSA orientation interview grid (fiche action 1-3 of the scheme: a more thorough interview grid
for the orientation platforms, and a reinforced collective orientation for complex profiles)."""

from parcours.assessments import services
from parcours.assessments.models import Grid, GridStatus

SCALE_HELP = "1 = besoins importants, 2 = besoins à travailler, 3 = quelques points de vigilance, 4 = pas de besoin particulier"


def _scale(key, label, required=True, help_text=SCALE_HELP):
    return {
        "key": key,
        "label": label,
        "kind": "scale",
        "required": required,
        "scale_min": 1,
        "scale_max": 4,
        "help_text": help_text,
    }


def _text(key, label, required=False, help_text=""):
    return {"key": key, "label": label, "kind": "text", "required": required, "help_text": help_text}


def _choice(key, label, options, required=False, multiple=False, help_text=""):
    return {
        "key": key,
        "label": label,
        "kind": "multiple_choice" if multiple else "choice",
        "required": required,
        "choices": [{"value": value, "label": text} for value, text in options],
        "help_text": help_text,
    }


MULTIDIMENSIONAL = {
    "name": "Évaluation multidimensionnelle à l'admission",
    "description": (
        "Évaluation globale de la situation à l'admission, domaine par domaine, avec le jeune et sa "
        "famille : elle prépare le projet personnalisé et le PPE."
    ),
    "sections": [
        (
            "Cadre de l'évaluation",
            [
                {"key": "date_evaluation", "label": "Date de l'évaluation", "kind": "date", "required": True},
                _choice(
                    "participants",
                    "Personnes associées à l'évaluation",
                    [
                        ("jeune", "Le jeune"),
                        ("parents", "Les titulaires de l'autorité parentale"),
                        ("referent_ase", "Le référent ASE"),
                        ("ecole", "L'établissement scolaire"),
                        ("soin", "Les professionnels du soin"),
                    ],
                    multiple=True,
                ),
            ],
        ),
        (
            "Santé",
            [
                _scale("sante_niveau", "Santé physique et psychique"),
                _choice(
                    "sante_suivi",
                    "Suivi médical à jour (bilan de santé, vaccinations)",
                    [
                        ("oui", "Oui"),
                        ("partiel", "Partiellement"),
                        ("non", "Non"),
                        ("inconnu", "Ne sait pas"),
                    ],
                ),
                _text("sante_observations", "Observations sur la santé"),
            ],
        ),
        (
            "Scolarité et formation",
            [
                _scale("scolarite_niveau", "Scolarité, formation, insertion"),
                _text("scolarite_observations", "Observations sur la scolarité ou la formation"),
            ],
        ),
        (
            "Vie quotidienne et autonomie",
            [
                _scale("autonomie_niveau", "Vie quotidienne et autonomie"),
                _text("autonomie_observations", "Observations sur l'autonomie"),
            ],
        ),
        (
            "Liens familiaux et sociaux",
            [
                _scale("liens_niveau", "Liens familiaux et sociaux"),
                _text("liens_observations", "Observations sur les liens familiaux et sociaux"),
            ],
        ),
        (
            "Sécurité",
            [
                _scale("securite_niveau", "Sécurité et protection"),
                _text(
                    "securite_observations",
                    "Observations sur la sécurité",
                    help_text="Dangers ou risques repérés, mesures de protection en cours.",
                ),
            ],
        ),
        (
            "Loisirs",
            [
                _scale("loisirs_niveau", "Loisirs, activités culturelles et sportives", required=False),
                _text("loisirs_observations", "Centres d'intérêt et activités"),
            ],
        ),
        (
            "Synthèse",
            [
                _text("synthese", "Synthèse et premiers axes du projet personnalisé", required=True),
            ],
        ),
    ],
}

RSA_ORIENTATION = {
    "name": "Entretien d'orientation RSA",
    "description": (
        "Grille d'entretien des plateformes d'orientation des bénéficiaires du RSA (schéma départemental, "
        "fiche action 1-3) : situation, freins, projet professionnel et orientation proposée. Les profils "
        "complexes peuvent être orientés vers la plateforme collective renforcée."
    ),
    "sections": [
        (
            "Situation",
            [
                {"key": "date_entretien", "label": "Date de l'entretien", "kind": "date", "required": True},
                {"key": "date_ouverture_droits", "label": "Date d'ouverture des droits RSA", "kind": "date"},
                _choice(
                    "composition_foyer",
                    "Composition du foyer",
                    [
                        ("seul", "Personne seule"),
                        ("couple", "Couple sans enfant"),
                        ("parent_isole", "Parent isolé"),
                        ("couple_enfants", "Couple avec enfant(s)"),
                    ],
                    required=True,
                ),
                _choice(
                    "logement",
                    "Logement",
                    [
                        ("autonome", "Logement autonome"),
                        ("heberge", "Hébergé par un tiers"),
                        ("hebergement_social", "Hébergement social ou d'urgence"),
                        ("sans", "Sans logement"),
                    ],
                    required=True,
                ),
                _text("ressources", "Ressources et situation administrative"),
            ],
        ),
        (
            "Parcours et compétences",
            [
                _choice(
                    "niveau_formation",
                    "Niveau de formation",
                    [
                        ("sans", "Sans diplôme"),
                        ("cap_bep", "CAP, BEP"),
                        ("bac", "Baccalauréat"),
                        ("superieur", "Études supérieures"),
                    ],
                ),
                _text("derniere_activite", "Dernière activité professionnelle"),
                {
                    "key": "mois_sans_emploi",
                    "label": "Durée sans emploi (en mois)",
                    "kind": "number",
                    "min": 0,
                    "max": 600,
                },
            ],
        ),
        (
            "Freins",
            [
                _choice(
                    "freins",
                    "Freins repérés à l'insertion",
                    [
                        ("sante", "Santé"),
                        ("logement", "Logement"),
                        ("mobilite", "Mobilité"),
                        ("garde_enfants", "Garde d'enfants"),
                        ("langue", "Maîtrise du français"),
                        ("numerique", "Usage du numérique"),
                        ("endettement", "Endettement"),
                        ("isolement", "Isolement social"),
                        ("administratif", "Situation administrative"),
                    ],
                    multiple=True,
                ),
                _scale(
                    "intensite_freins",
                    "Intensité des freins",
                    help_text="1 = freins majeurs, 4 = pas de frein particulier",
                ),
                _text("freins_observations", "Précisions sur les freins"),
            ],
        ),
        (
            "Projet professionnel",
            [
                _text("projet", "Projet professionnel exprimé par la personne", required=True),
                _scale(
                    "proximite_emploi",
                    "Proximité de l'emploi",
                    help_text="1 = très éloigné de l'emploi, 4 = prêt à une reprise d'emploi",
                ),
            ],
        ),
        (
            "Orientation proposée",
            [
                _choice(
                    "orientation",
                    "Orientation proposée",
                    [
                        ("sociale", "Sociale"),
                        ("socio_professionnelle", "Socio-professionnelle"),
                        ("professionnelle", "Professionnelle"),
                    ],
                    required=True,
                ),
                _choice(
                    "organisme_referent",
                    "Organisme référent proposé",
                    [
                        ("france_travail", "France Travail (ex-Pôle emploi)"),
                        ("rsp", "Référent socio-professionnel"),
                        ("service_social", "Service social départemental"),
                        ("caf", "CAF"),
                    ],
                ),
                _choice(
                    "plateforme_collective",
                    "Profil relevant de la plateforme collective renforcée",
                    [("oui", "Oui"), ("non", "Non")],
                    help_text="Profils les moins facilement orientables ou complexes : temps d'orientation "
                    "plus longs et collectifs avec les partenaires.",
                ),
                _text("motif_orientation", "Motif de l'orientation", required=True),
            ],
        ),
    ],
}

DEMO_GRIDS = (MULTIDIMENSIONAL, RSA_ORIENTATION)


def build_grid(organisation, user, spec: dict) -> Grid:
    """Create and publish a grid from a spec (name, description, sections of question dicts)."""
    grid = services.create_grid(
        user, organisation=organisation.pk, name=spec["name"], description=spec["description"]
    )
    for title, questions in spec["sections"]:
        section = services.add_section(user, grid.pk, title=title)
        for question in questions:
            payload = dict(question)
            payload["min_value"] = payload.pop("min", None)
            payload["max_value"] = payload.pop("max", None)
            services.add_question(user, grid.pk, section=section.pk, **payload)
    return services.publish(user, grid.pk)


def demo_grids(organisation, user) -> list[Grid]:
    """The two demo grids of an organisation, published (those already there are kept as they are).
    The user must be allowed to design the organisation's grids (its admin or director)."""
    grids = []
    for spec in DEMO_GRIDS:
        existing = (
            Grid.objects.filter(organisation=organisation, name=spec["name"])
            .exclude(status=GridStatus.RETIRED)
            .order_by("-version")
            .first()
        )
        grids.append(existing or build_grid(organisation, user, spec))
    return grids
