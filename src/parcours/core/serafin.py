"""The SERAFIN-PH nomenclature of needs and services (disability sector, DOMAIN.md): codes and labels
shipped as reference data, used to tag the needs in plans and referrals."""

# SERAFIN-PH: needs (1.x), direct services (2.x), indirect services (3.x).
SERAFIN_PH = {
    "1": "Besoins",
    "1.1": "Besoins en matière de santé somatique ou psychique",
    "1.2": "Besoins en matière d'autonomie",
    "1.2.1.1": "Besoins en lien avec l'entretien personnel",
    "1.2.1.2": "Besoins en lien avec les relations et les interactions avec autrui",
    "1.2.1.3": "Besoins pour la mobilité",
    "1.2.1.4": "Besoins pour prendre des décisions adaptées et pour la sécurité",
    "1.3": "Besoins pour la participation sociale",
    "1.3.1": "Besoins pour accéder aux droits et à la citoyenneté",
    "1.3.2": "Besoins pour vivre dans un logement et accomplir les activités domestiques",
    "1.3.3": "Besoins pour l'insertion sociale et professionnelle et pour exercer ses rôles sociaux",
    "1.3.3.1": "Besoins en lien avec la vie scolaire et étudiante",
    "1.3.3.2": "Besoins en lien avec le travail et l'emploi",
    "1.3.3.3": "Besoins transversaux en matière d'apprentissages",
    "1.3.3.4": "Besoins pour la vie familiale, la parentalité, la vie affective et sexuelle",
    "1.3.3.5": "Besoins pour apprendre à être pair-aidant",
    "1.3.4": "Besoins pour participer à la vie sociale et se déplacer avec un moyen de transport",
    "1.3.5": "Besoins en matière de ressources et d'autosuffisance économique",
    "2": "Prestations directes",
    "2.1": "Prestations de soins, de maintien et de développement des capacités fonctionnelles",
    "2.2": "Prestations en matière d'autonomie",
    "2.3": "Prestations pour la participation sociale",
    "2.4": "Prestations de coordination renforcée pour la cohérence du parcours",
    "3": "Prestations indirectes",
    "3.1": "Fonctions gérer, manager, coopérer",
    "3.1.4.2": "Analyse des pratiques, espaces ressources et soutien aux personnels",
    "3.1.4.3": "Supervision",
    "3.2": "Fonctions logistiques",
}

NEED_CODES = {code for code in SERAFIN_PH if code.startswith("1.")}


def serafin_rows() -> list[dict]:
    """The nomenclature as rows: code, label, level (needs, direct or indirect services), depth."""
    kinds = {"1": "need", "2": "direct_service", "3": "indirect_service"}
    return [
        {"code": code, "label": label, "kind": kinds[code[0]], "depth": code.count(".")}
        for code, label in SERAFIN_PH.items()
    ]
