"""Demo meetings, built through the services from the seeds:
- the SESSAD 93 request for a practice-analysis facilitator (sessad-93-plateforme-et-gapp.txt) with
  two proposals, one accepted, and its sessions (attendance taken for those already past);
- the ethics committee of the CPOM 2024–2028 of Accueil Millau Ségur (cpom-accueil-millau-segur.txt:
  "Mise en place d'un comité éthique", indicator "Nombre de réunions du Comité éthique"), twice a year;
- trainings and territorial meetings with the ASE referring partners (same CPOM sheet).

demo_meetings(organisation_ids, establishment_ids, users), keys:
- organisation_ids: "sessad93" (the SESSAD association), "aveyron" (Accueil Millau Ségur);
- establishment_ids: "millau" (the Millau site), "sessad93" (optional: the SESSAD establishment the
  request is made for; without it, the association as a whole);
- users: "admin" (the acting user, who must see both associations), and optionally
  "qualite.aveyron", "directrice.millau", "educ.millau", "psy.sessad" (invited as participants).
Absent keys are skipped; running it twice adds nothing (the SESSAD request is looked up first)."""

from datetime import date, time
from decimal import Decimal

from parcours.core.dates import today
from parcours.steering.meetings import services
from parcours.steering.meetings.choices import Frequency, MeetingKind, PlaceKind
from parcours.steering.meetings.models import Meeting, PracticeAnalysisRequest

GAPP_CONTEXT = (
    "Nous cherchons un intervenant capable d'analyse de la pratique professionnelle pour un groupe de "
    "27 personnes. Actuellement le groupe est composé de 20 personnes car il manque des postes à pourvoir. "
    "Nous avons déjà essayé les demi-groupes, mais pour une question de cohérence et de sens, il est "
    "important de faire l'analyse de la pratique en groupe entier. Nous sommes engagés dans un maillage "
    "territorial qui consiste à la réunification de deux structures SESSAD de la même association : les "
    "deux équipes doivent travailler de concert mais la problématique de l'harmonisation des pratiques "
    "demeure. (Demande publiée le 30/08/2023.)"
)
GAPP_PROFESSIONALS = [
    ("Mme Benali", "Éducatrice spécialisée"),
    ("M. Traoré", "Éducateur spécialisé"),
    ("Mme Da Silva", "Psychopédagogue"),
    ("M. Nguyen", "Psychomotricien"),
    ("Mme Haddad", "Assistante de service social"),
    ("Mme Lefebvre", "Secrétaire"),
]


def demo_meetings(organisation_ids: dict, establishment_ids: dict, users: dict) -> None:
    admin = users["admin"]
    if "sessad93" in organisation_ids:
        _gapp(admin, organisation_ids["sessad93"], establishment_ids.get("sessad93"), users)
    if "aveyron" in organisation_ids:
        _cpom_meetings(admin, organisation_ids["aveyron"], establishment_ids.get("millau"), users)


def _gapp(admin, organisation_id: int, establishment_id: int | None, users: dict) -> None:
    if PracticeAnalysisRequest.objects.filter(organisation_id=organisation_id).exists():
        return
    where = {"establishment": establishment_id} if establishment_id else {"organisation": organisation_id}
    request = services.create_request(
        admin,
        **where,
        title="Intervenant en analyse des pratiques professionnelles — SESSAD Seine-Saint-Denis",
        context=GAPP_CONTEXT,
        sector="médicosocial",
        public="SESSAD TCC — troubles du comportement et de la conduite, 0-20 ans",
        professions="éducateurs, psychologues, psychopédagogues, secrétaires, ASS, psychomotricien",
        group_size=27,
        place_kind=PlaceKind.EITHER,
        place="Seine-Saint-Denis",
        session_duration_minutes=180,
        frequency=Frequency.MONTHLY,
        sessions_planned=4,
        period_start=date(2023, 9, 19),
        period_end=date(2023, 12, 31),
        facilitator_profile=(
            "Psychologue, Psychologue du travail, Psychothérapeute, Superviseur, Professionnel d'expérience "
            "du secteur, Psychosociologue, Philosophe, Consultant, Formateur, Psychopédagogue, Sociologue, "
            "Anthropologue"
        ),
        methods=(
            "Méthode systémique, soutien aux professionnels, guidance, support, dispositif sécurisant, "
            "cadrage, laisser place à l'expression de chacun."
        ),
    )
    services.add_proposal(
        admin,
        request.pk,
        facilitator_name="Mme Claire Morel",
        organisation="Cabinet Reliance",
        qualifications="Psychologue clinicienne, superviseure d'équipes médico-sociales depuis 15 ans.",
        approach="Approche systémique en groupe entier, un cadre sécurisant et la parole de chacun.",
        sessions_count=4,
        price=Decimal("2400.00"),
        received_on=date(2023, 9, 5),
    )
    other = services.add_proposal(
        admin,
        request.pk,
        facilitator_name="M. Paul Garnier",
        organisation="Garnier Conseil",
        qualifications="Psychosociologue, formateur en travail social.",
        approach="Analyse de situations apportées par les professionnels, en demi-groupes.",
        sessions_count=6,
        price=Decimal("3300.00"),
        received_on=date(2023, 9, 8),
    )
    chosen = request.proposals.exclude(pk=other.pk).get()
    services.accept_proposal(admin, chosen.pk)
    for session in Meeting.objects.filter(practice_analysis_request=request).order_by("date"):
        _invite(admin, session, users.get("psy.sessad"), "Psychologue")
        for name, profession in GAPP_PROFESSIONALS:
            services.add_participant(admin, session.pk, name=name, profession=profession)
        if session.date <= today():
            participants = list(session.participants.order_by("id"))
            services.record_attendance(
                admin,
                session.pk,
                [
                    {"participant": p.pk, "attended": i % 5 != 4, "excused": i % 5 == 4}
                    for i, p in enumerate(participants)
                ],
            )


def _invite(admin, meeting, user, profession: str = "") -> None:
    if user is not None:
        services.add_participant(admin, meeting.pk, user=user.pk, profession=profession)


def _cpom_meetings(admin, organisation_id: int, establishment_id: int | None, users: dict) -> None:
    if Meeting.objects.filter(organisation_id=organisation_id, kind=MeetingKind.ETHICS_COMMITTEE).exists():
        return
    day = today()
    # Ethics committee: twice a year over the CPOM 2024–2028.
    for year in range(2024, 2029):
        for month, topic in ((3, "pouvoir d'agir des enfants accueillis"), (10, "bientraitance et valeurs")):
            meeting = services.create_meeting(
                admin,
                organisation=organisation_id,
                kind=MeetingKind.ETHICS_COMMITTEE,
                title=f"Comité éthique — {topic}",
                date=date(year, month, 14),
                start_time=time(14, 0),
                duration_minutes=150,
                facilitator="Référente qualité",
                place="Millau, salle de réunion",
            )
            _held(admin, meeting, users, ["qualite.aveyron", "directrice.millau", "educ.millau"], day)
    if establishment_id is None:
        return
    trainings = [
        (date(2024, 4, 11), "Formation — bientraitance et prévention de la maltraitance"),
        (date(2024, 11, 21), "Formation — signalement des événements indésirables"),
        (date(2025, 5, 15), "Formation — accueil d'urgence : protocole interne"),
        (date(2025, 11, 13), "Formation — projet d'accès à l'autonomie dès 17 ans"),
    ]
    for when, title in trainings:
        meeting = services.create_meeting(
            admin,
            establishment=establishment_id,
            kind=MeetingKind.TRAINING,
            title=title,
            date=when,
            start_time=time(9, 30),
            duration_minutes=360,
            facilitator="Organisme de formation",
            place="Millau",
        )
        _held(admin, meeting, users, ["educ.millau", "directrice.millau"], day)
    for when in (date(2024, 6, 6), date(2024, 12, 5), date(2025, 6, 12), date(2025, 12, 4)):
        meeting = services.create_meeting(
            admin,
            establishment=establishment_id,
            kind=MeetingKind.PARTNER_MEETING,
            title="Rencontre territoriale avec les partenaires ASE orienteurs",
            date=when,
            start_time=time(10, 0),
            duration_minutes=120,
            facilitator="Direction",
            place="Millau",
        )
        services.add_participant(
            admin, meeting.pk, name="Référent ASE — territoire d'action sociale", profession="Partenaire"
        )
        _held(admin, meeting, users, ["directrice.millau"], day)


def _held(admin, meeting, users: dict, usernames: list[str], day: date) -> None:
    """Invite the users; a past meeting gets its attendance and short minutes."""
    for username in usernames:
        _invite(admin, meeting, users.get(username))
    if meeting.date > day:
        return
    participants = list(meeting.participants.order_by("id"))
    if participants:
        services.record_attendance(
            admin,
            meeting.pk,
            [{"participant": p.pk, "attended": True, "excused": False} for p in participants],
        )
    services.write_minutes(
        admin, meeting.pk, f"{meeting.label} : échanges et décisions consignés par le secrétariat de séance."
    )
