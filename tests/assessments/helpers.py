"""Building a small grid through the API, as the director of E1 (who designs the association's grids)."""

QUESTIONS = [
    {"key": "sante", "label": "Santé", "kind": "scale", "required": True, "scale_min": 1, "scale_max": 4},
    {"key": "observations", "label": "Observations", "kind": "text"},
    {
        "key": "orientation",
        "label": "Orientation proposée",
        "kind": "choice",
        "required": True,
        "choices": [
            {"value": "sociale", "label": "Sociale"},
            {"value": "socio_professionnelle", "label": "Socio-professionnelle"},
            {"value": "professionnelle", "label": "Professionnelle"},
        ],
    },
    {
        "key": "freins",
        "label": "Freins",
        "kind": "multiple_choice",
        "choices": [{"value": "mobilite", "label": "Mobilité"}, {"value": "logement", "label": "Logement"}],
    },
    {"key": "date_entretien", "label": "Date de l'entretien", "kind": "date"},
    {"key": "mois", "label": "Mois sans emploi", "kind": "number", "min": 0, "max": 600},
]

VALID = {
    "sante": 3,
    "observations": "Bonne santé générale.",
    "orientation": "sociale",
    "freins": ["mobilite"],
    "date_entretien": "2025-03-14",
    "mois": 7.5,
}


def build_grid(client, organisation_id, *, publish=True, name="Grille d'entretien"):
    response = client.post("/grids", {"organisation": organisation_id, "name": name, "description": "Test"})
    assert response.status_code == 201, response.data
    grid = response.data
    section = client.post(f"/grids/{grid['id']}/sections", {"title": "Situation"})
    assert section.status_code == 201, section.data
    for question in QUESTIONS:
        created = client.post(f"/grids/{grid['id']}/questions", {"section": section.data["id"], **question})
        assert created.status_code == 201, created.data
    if publish:
        published = client.post(f"/grids/{grid['id']}/publish")
        assert published.status_code == 200, published.data
        return published.data
    return client.get(f"/grids/{grid['id']}").data
