from parcours.assessments import rules, selectors, services
from parcours.assessments.demo import demo_grids
from parcours.assessments.models import Grid


def test_demo_grids_are_published_and_usable(world):
    multidimensional, rsa = demo_grids(world.assoc, world.director)
    assert multidimensional.name == "Évaluation multidimensionnelle à l'admission"
    assert rsa.name == "Entretien d'orientation RSA"
    assert {multidimensional.status, rsa.status} == {"published"}
    titles = [s.title for s in multidimensional.sections.all()]
    for theme in ("Santé", "Scolarité", "Vie quotidienne", "Liens familiaux", "Sécurité", "Loisirs"):
        assert any(theme in t for t in titles)
    structure = selectors.structure_of(rsa)
    orientation = next(q for q in rules.questions_of(structure) if q["key"] == "orientation")
    assert [c["value"] for c in orientation["choices"]] == [
        "sociale",
        "socio_professionnelle",
        "professionnelle",
    ]
    assert demo_grids(world.assoc, world.director) == [multidimensional, rsa]  # idempotent
    assert Grid.objects.count() == 2
    item = services.start_assessment(
        world.educator,
        grid=rsa.pk,
        person=world.child.pk,
        answers={
            "date_entretien": "2025-03-14",
            "composition_foyer": "parent_isole",
            "logement": "heberge",
            "freins": ["mobilite", "garde_enfants"],
            "intensite_freins": 2,
            "proximite_emploi": 2,
            "projet": "Aide à domicile",
            "orientation": "socio_professionnelle",
            "motif_orientation": "Freins de mobilité et de garde à lever avant une reprise d'emploi.",
        },
        complete=True,
    )
    assert item.status == "completed"
