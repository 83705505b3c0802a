"""Demo adverse events, built through the services: about a dozen events over the last two years in
the given establishments, of various categories and at every step — among them a serious event
(EIG, a runaway with the gendarmerie alerted) reported within 48 hours, analysed and closed with
its corrective actions done, an EIG reported late, one closed with an action still open (and the
reason), and recent ones still to classify or to report (the 48-hour deadline then shows overdue).

demo_incidents(establishment_ids, users): users maps usernames to users; "admin" (who must see the
establishments) acts for the quality steps, "educ.millau" or "directrice.millau" declare when
their scope allows it. Running it twice adds nothing (establishments that already hold events are
skipped). Persons involved are taken among those who stayed in the establishment's units."""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from parcours.core.dates import today
from parcours.core.errors import ServiceError
from parcours.steering.incidents import services
from parcours.steering.incidents.models import Incident

# (days ago, hour, category, serious, final step, report delay in days, description, place,
#  immediate measures, informed, persons roles, actions [(description, owner, due in days, done)])
SCENARIOS = [
    (
        700,
        17,
        "violence",
        False,
        "closed",
        None,
        "Altercation entre deux jeunes au retour du collège : coups échangés dans le couloir, un "
        "jeune légèrement blessé à la main.",
        "Couloir de l'internat",
        "Séparation des jeunes, soins sur place, entretien avec chacun par l'éducateur de service.",
        ["Familles des deux jeunes", "Référents ASE"],
        ["victim", "author"],
        [
            (
                "Reprise en réunion d'unité des règles de vie et du temps du retour",
                "Cheffe de service",
                30,
                True,
            )
        ],
    ),
    (
        620,
        22,
        "disappearance",
        True,
        "closed",
        1,
        "Jeune non rentré(e) après une sortie autorisée ; recherches sans succès, gendarmerie alertée "
        "à 23 h. Retour le lendemain matin, accompagné(e) par la gendarmerie.",
        "Hors de l'établissement (sortie autorisée)",
        "Signalement de fugue à la gendarmerie, information de l'astreinte de direction et de l'ASE, "
        "accueil et examen médical au retour.",
        ["Gendarmerie", "Famille", "Astreinte ASE", "Conseil de la vie sociale"],
        ["victim"],
        [
            ("Revoir la procédure de sortie autorisée (horaires, appel de contrôle)", "Directrice", 45, True),
            ("Entretien de retour et avenant au projet personnalisé", "Éducateur référent", 15, True),
        ],
    ),
    (
        540,
        7,
        "equipment_failure",
        False,
        "analysed",
        None,
        "Panne du chauffage collectif pendant la nuit (température relevée à 14 °C dans les chambres).",
        "Bâtiment d'hébergement",
        "Radiateurs d'appoint, couvertures supplémentaires, intervention du chauffagiste en urgence.",
        ["Conseil de la vie sociale"],
        [],
        [("Contrat de maintenance préventive de la chaudière", "Service technique", 90, False)],
    ),
    (
        450,
        15,
        "abuse",
        True,
        "analysed",
        2,
        "Propos humiliants d'un intervenant extérieur envers un jeune, rapportés par un témoin.",
        "Salle d'activités",
        "Éviction immédiate de l'intervenant, écoute du jeune, information de la direction.",
        ["Famille", "Référent ASE", "Procureur de la République (signalement)"],
        ["victim", "witness"],
        [
            ("Charte de bientraitance signée par les intervenants extérieurs", "Référente qualité", 60, True),
            ("Formation bientraitance de l'équipe", "Directrice", 180, False),
        ],
    ),
    (
        380,
        8,
        "care_failure",
        False,
        "classified",
        None,
        "Erreur dans la distribution d'un traitement (dose du soir donnée le matin), sans conséquence.",
        "Infirmerie",
        "Avis du médecin traitant, surveillance renforcée sur la journée.",
        ["Médecin traitant", "Famille"],
        ["victim"],
        [],
    ),
    (
        300,
        19,
        "relational_difficulties",
        False,
        "analysed",
        None,
        "Menaces répétées d'un proche au portail lors des visites, perturbant l'accueil des autres jeunes.",
        "Entrée de l'établissement",
        "Visite interrompue, appel de la cheffe de service, main courante déposée.",
        ["Référent ASE", "Police (main courante)"],
        [],
        [("Visites médiatisées en lieu neutre, en lien avec l'ASE", "Cheffe de service", 20, True)],
    ),
    (
        240,
        6,
        "work_organisation",
        False,
        "closed_with_reason",
        None,
        "Nuit assurée par un seul professionnel à la suite d'un arrêt maladie non remplacé.",
        "Internat",
        "Astreinte de direction mobilisée, renfort d'un éducateur de l'unité voisine à 22 h.",
        ["Conseil de la vie sociale", "Représentants du personnel"],
        [],
        [
            ("Vivier de remplaçants de nuit", "Responsable RH", 60, True),
            ("Convention de renfort avec l'établissement voisin", "Directrice", 120, False),
        ],
    ),
    (
        170,
        21,
        "suicide",
        True,
        "analysed",
        3,
        "Tentative de suicide d'un jeune dans sa chambre, découverte par l'éducateur de nuit.",
        "Chambre",
        "Premiers secours, SAMU, hospitalisation ; soutien psychologique de l'équipe et des jeunes.",
        ["SAMU", "Famille", "Référent ASE", "Pédopsychiatre"],
        ["victim"],
        [("Protocole de repérage du risque suicidaire avec le CMP", "Psychologue", 90, False)],
    ),
    (
        120,
        14,
        "disaster",
        False,
        "closed",
        None,
        "Orage violent : inondation du sous-sol et coupure d'électricité pendant 4 heures.",
        "Sous-sol et locaux techniques",
        "Mise en sécurité des jeunes à l'étage, groupe électrogène, déclaration à l'assureur.",
        ["Assureur"],
        [],
        [("Surélever les équipements du sous-sol", "Service technique", 60, True)],
    ),
    (
        60,
        3,
        "malicious_act",
        False,
        "declared",
        None,
        "Effraction nocturne dans le bureau éducatif, ordinateur dérobé.",
        "Bureau éducatif",
        "Dépôt de plainte, changement des serrures, vérification des accès au dossier informatisé.",
        ["Police (plainte)"],
        [],
        [],
    ),
    (
        25,
        9,
        "abuse",
        True,
        "reported",
        0,
        "Geste de contention inadapté d'un professionnel envers un enfant lors d'une crise, signalé "
        "par un collègue.",
        "Salle de vie",
        "Professionnel écarté de l'unité à titre conservatoire, examen médical de l'enfant, écoute.",
        ["Famille", "Référent ASE", "Procureur de la République (signalement)"],
        ["victim"],
        [],
    ),
    (
        10,
        18,
        "violence",
        True,
        "classified",
        None,
        "Agression d'une éducatrice par un jeune lors d'un refus de sortie ; arrêt de travail de 8 jours.",
        "Salle commune",
        "Mise à l'écart du jeune, soins à l'éducatrice, dépôt de plainte, information de l'ASE.",
        ["Référent ASE", "Police (plainte)", "Médecine du travail"],
        ["author"],
        [],
    ),
    (
        1,
        16,
        "",
        False,
        "declared",
        None,
        "Chute d'un enfant dans l'escalier de la cour, douleur au poignet ; radiographie prévue.",
        "Cour",
        "Glace, attelle, accompagnement aux urgences par un éducateur.",
        ["Famille"],
        ["victim"],
        [],
    ),
]


def _moment(days_ago: int, hour: int) -> datetime:
    day = today() - timedelta(days=days_ago)
    moment = timezone.make_aware(datetime.combine(day, time(hour, 0)))
    return min(moment, timezone.now() - timedelta(hours=1))


def _persons(establishment_id: int, count: int, rng: random.Random) -> list[int]:
    from parcours.pathways.models import Stay

    ids = sorted(
        set(
            Stay.objects.filter(unit__establishment_id=establishment_id).values_list("person_id", flat=True)[
                :200
            ]
        )
    )
    return rng.sample(ids, min(count, len(ids)))


def _unit(establishment_id: int, rng: random.Random):
    from parcours.directory.models import Unit

    ids = list(
        Unit.objects.filter(establishment_id=establishment_id).order_by("id").values_list("id", flat=True)
    )
    return rng.choice(ids) if ids else None


def _declare(declarers: list, **values):
    for user in declarers:
        try:
            return services.declare(user, **values)
        except ServiceError:
            continue
    return None


def demo_incidents(establishment_ids: list[int], users: dict) -> None:
    admin = users.get("admin")
    if admin is None or not establishment_ids:
        return
    rng = random.Random(2016_1813)
    targets = [e for e in establishment_ids if not Incident.objects.filter(establishment_id=e).exists()]
    if not targets:
        return
    declarers = [users[u] for u in ("educ.millau", "directrice.millau") if u in users] + [admin]
    for index, scenario in enumerate(SCENARIOS):
        (
            days,
            hour,
            category,
            serious,
            step,
            delay,
            description,
            place,
            measures,
            informed,
            roles,
            actions,
        ) = scenario
        establishment = targets[index % len(targets)]
        occurred = _moment(days, hour)
        discovered = occurred + timedelta(minutes=30) if days > 1 else occurred
        persons = _persons(establishment, len(roles), rng)
        incident = _declare(
            declarers,
            establishment=establishment,
            unit=_unit(establishment, rng),
            occurred_at=occurred,
            discovered_at=min(discovered, timezone.now()),
            place=place,
            description=description,
            victims_count=roles.count("victim") or (1 if serious else 0),
            exposed_count=len(roles) + rng.randint(0, 6),
            immediate_measures=measures,
            informed=[
                {"who": who, "when": occurred + timedelta(hours=1 + i)} for i, who in enumerate(informed)
            ],
            judicial_follow_up="Plainte déposée." if any("plainte" in w.lower() for w in informed) else "",
            persons=[{"person": p, "role": r} for p, r in zip(persons, roles, strict=False)],
        )
        if incident is None or step == "declared" or not category:
            continue
        services.classify(admin, incident.pk, category=category, serious=serious)
        if step == "classified" or (step == "reported" and not serious):
            continue
        if serious:
            reported = (discovered + timedelta(days=delay or 0)).date()
            services.record_report(admin, incident.pk, reported_on=min(reported, today()))
        if step == "reported":
            continue
        services.analyse(
            admin,
            incident.pk,
            causes="Analyse en équipe (méthode des 5 pourquoi) : causes organisationnelles et humaines "
            "identifiées, facteurs contributifs partagés avec le conseil de la vie sociale.",
        )
        for description_, owner, due, done in actions:
            action = services.add_corrective_action(
                admin,
                incident.pk,
                description=description_,
                owner=owner,
                due_date=occurred.date() + timedelta(days=due),
            )
            if done:
                done_on = min(occurred.date() + timedelta(days=max(1, due - 5)), today())
                services.complete_action(admin, action.pk, done_on=done_on)
        if step == "closed":
            services.close(admin, incident.pk, closed_on=min(occurred.date() + timedelta(days=120), today()))
        elif step == "closed_with_reason":
            services.close(
                admin,
                incident.pk,
                closed_on=min(occurred.date() + timedelta(days=90), today()),
                reason="Convention de renfort reportée au prochain CPOM ; suivie dans le plan d'action qualité.",
            )
