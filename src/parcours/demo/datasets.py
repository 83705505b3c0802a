"""The three data sets: `demo` (modelled on the users' documents), `department` and `national`."""

from datetime import date, timedelta

from django.db import connection, transaction

from parcours.demo.generator import Generator, UnitSpec, create_demo_users
from parcours.directory.models import Antenna, Commune, Partner, PartnerContact
from parcours.pathways.models import Stay
from parcours.people.models import Measure, Person

D = date

LANDES = ["40192", "40088", "40279", "40046", "40312", "40001"]
SESSAD_WEST = [
    "93066",
    "93001",
    "93070",
    "93039",
    "93031",
    "93079",
    "93072",
    "93027",
    "93030",
    "93029",
    "93013",
    "93005",
    "93055",
    "93061",
]  # 14 communes
SESSAD_EAST = [
    "93048",
    "93010",
    "93008",
    "93053",
    "93063",
    "93064",
    "93006",
    "93045",
    "93046",
    "93047",
    "93014",
    "93032",
    "93051",
    "93050",
    "93077",
    "93062",
]  # 16 communes


def build_demo(gen: Generator) -> None:
    """The GCSMS of the Landes and its members, the Aveyron association of the CPOM, the two
    Seine-Saint-Denis SESSAD, partners, one user per role, about 300 persons with their pathways."""
    w = gen.writer
    dep40 = gen.organisation("Département des Landes", "departement", "40192")
    dep12 = gen.organisation("Département de l'Aveyron", "departement", "12202")
    dep93 = gen.organisation("Département de la Seine-Saint-Denis", "departement", "93008")
    mdph93 = gen.organisation("MDPH de la Seine-Saint-Denis", "mdph", "93008")
    pjj = gen.organisation("PJJ — Direction territoriale Aveyron-Lozère", "pjj", "12202")
    gen.authorities = {"departement": dep12, "mdph": mdph93, "pjj": pjj}

    gcsms = gen.organisation("GCSMS Landes Enfance", "group", "40192", "400000010")
    ale = gen.organisation(
        "Association landaise pour l'enfance", "association", "40192", "400000028", [gcsms]
    )
    asv = gen.organisation(
        "Association Saint-Vincent-de-Paul des Landes", "association", "40088", "400000036", [gcsms]
    )
    mecs_mdm = gen.establishment(
        ale,
        "MECS Les Pins — Mont-de-Marsan",
        "40192",
        "Maison d'enfants à caractère social (MECS)",
        "400780012",
    )
    foyer_dax = gen.establishment(
        ale, "Foyer départemental de l'enfance — Dax", "40088", "Foyer de l'enfance", "400780020"
    )
    mecs_dax = gen.establishment(
        asv, "MECS Saint-Vincent — Dax", "40088", "Maison d'enfants à caractère social (MECS)", "400780038"
    )
    gen.unit(
        mecs_mdm,
        "40192",
        UnitSpec(
            "mdm",
            "Internat des Pins",
            "residential",
            "child_protection",
            [(D(2012, 1, 1), 16)],
            6,
            18,
            communes=LANDES,
        ),
    )
    gen.unit(
        mecs_mdm,
        "40192",
        UnitSpec(
            "sead40",
            "SEAD des Landes",
            "home_placement",
            "child_protection",
            [(D(2016, 9, 1), 12), (D(2023, 1, 1), 16)],
            0,
            18,
            communes=LANDES,
        ),
    )
    gen.unit(
        foyer_dax,
        "40088",
        UnitSpec(
            "urgence40",
            "Accueil d'urgence",
            "emergency",
            "child_protection",
            [(D(2010, 1, 1), 6)],
            3,
            18,
            communes=LANDES,
        ),
    )
    gen.unit(
        mecs_dax,
        "40088",
        UnitSpec(
            "dax",
            "Internat Saint-Vincent",
            "residential",
            "child_protection",
            [(D(2008, 1, 1), 12)],
            12,
            18,
            communes=LANDES,
        ),
    )
    gen.unit(
        mecs_dax,
        "40088",
        UnitSpec(
            "autonomie40",
            "Service autonomie jeunes majeurs",
            "independent_living",
            "young_adults",
            [(D(2018, 1, 1), 6)],
            17,
            21,
            communes=LANDES,
        ),
    )

    aveyron = gen.organisation("Association Accueil Millau Ségur", "association", "12145", "120000018")
    millau = gen.establishment(
        aveyron,
        "Accueil Millau Ségur — site de Millau",
        "12145",
        "Maison d'enfants à caractère social (MECS)",
        "120780016",
    )
    segur = gen.establishment(
        aveyron,
        "Accueil Millau Ségur — site de Ségur",
        "12266",
        "Maison d'enfants à caractère social (MECS)",
        "120780024",
    )
    segur_unit = gen.unit(
        segur,
        "12266",
        UnitSpec(
            "segur", "Internat de Ségur", "residential", "child_protection", [(D(2005, 1, 1), 20)], 6, 18
        ),
    )
    gen.unit(
        millau,
        "12145",
        UnitSpec(
            "millau", "Internat de Millau", "residential", "child_protection", [(D(2005, 1, 1), 12)], 12, 18
        ),
    )
    gen.unit(
        millau,
        "12145",
        UnitSpec(
            "mna",
            "Internat de Millau — mineurs non accompagnés",
            "residential",
            "unaccompanied_minors",
            [(D(2018, 1, 1), 6)],
            14,
            18,
            sex="m",
        ),
    )
    gen.unit(
        millau,
        "12145",
        UnitSpec(
            "ame",
            "Accueil Mère Enfant (futur centre parental)",
            "parental_centre",
            "child_protection",
            [(D(2010, 1, 1), 5), (D(2025, 1, 1), 7)],
            0,
            3,
        ),
    )
    gen.unit(
        millau,
        "12145",
        UnitSpec(
            "sead12",
            "SEAD Aveyron",
            "home_placement",
            "child_protection",
            [(D(2015, 1, 1), 10)],
            0,
            18,
            communes=["12145", "12208", "12202"],
        ),
    )
    gen.unit(
        millau,
        "12145",
        UnitSpec(
            "sepad12",
            "SEPAD Aveyron",
            "home_support",
            "child_protection",
            [(D(2021, 1, 1), 8), (D(2024, 1, 1), 10)],
            0,
            18,
            communes=["12145", "12208"],
        ),
    )

    horizons = gen.organisation("Association Horizons 93", "association", "93066", "930000019")
    sessad_w = gen.establishment(
        horizons,
        "SESSAD TCC Ouest — Saint-Denis",
        "93066",
        "Service d'éducation spéciale et de soins à domicile (SESSAD)",
        "930780017",
    )
    sessad_e = gen.establishment(
        horizons,
        "SESSAD TCC Est — Bondy",
        "93010",
        "Service d'éducation spéciale et de soins à domicile (SESSAD)",
        "930780025",
    )
    west = gen.unit(
        sessad_w,
        "93066",
        UnitSpec(
            "sessadw",
            "SESSAD TCC Ouest",
            "ambulatory",
            "disability",
            [(D(2009, 1, 1), 24)],
            0,
            20,
            opening_days=210,
            communes=SESSAD_WEST,
        ),
    )
    east = gen.unit(
        sessad_e,
        "93010",
        UnitSpec(
            "sessade",
            "SESSAD TCC Est",
            "ambulatory",
            "disability",
            [(D(2011, 1, 1), 20), (D(2024, 9, 1), 26)],
            0,
            20,
            opening_days=210,
            communes=SESSAD_EAST,
        ),
    )
    for unit_id, code, school in [
        (west, "93066", "École Paul-Langevin"),
        (west, "93001", "Collège Jean-Moulin"),
        (east, "93010", "Collège Pierre-Brossolette"),
        (east, "93048", "École Jules-Ferry"),
    ]:
        w.add(
            Antenna,
            unit_id=unit_id,
            name=f"Antenne {school}",
            commune_id=code,
            host=school,
            agreement="Convention de mise à disposition gracieuse (mairie)",
        )

    w.flush()
    scopes = {
        "org:gcsms": ("organisation", gcsms),
        "org:aveyron": ("organisation", aveyron),
        "unit:segur": ("unit", segur_unit),
        "est:millau": ("establishment", millau),
        "org:sessad93": ("organisation", horizons),
        "est:montdemarsan": ("establishment", mecs_mdm),
        "org:dep12": ("organisation", dep12),
    }
    create_demo_users(gen, scopes)

    partners(gen, {"dep40": dep40, "dep12": dep12, "dep93": dep93, "mdph93": mdph93, "pjj": pjj})
    slots = gen.slots()
    gen.place(slots, reuse=0.3, with_details=True)
    w.finish()
    signature_child(gen, millau)
    demo_referrals(gen)
    demo_plans(gen)
    demo_grids(gen, gcsms)
    demo_steering(gen, aveyron=aveyron, horizons=horizons, millau=millau, sessad=sessad_w)


def partners(gen: Generator, orgs: dict[str, int]) -> None:
    w = gen.writer
    rows = [
        (
            "Direction de la protection de l'enfance et de la famille — Landes",
            "departement",
            "40192",
            orgs["dep40"],
            [("Mme Laporte", "Responsable de l'accueil familial"), ("M. Darrigade", "Référent ASE")],
        ),
        (
            "Direction de la protection de l'enfance — Aveyron",
            "departement",
            "12202",
            orgs["dep12"],
            [("Mme Vernhet", "Inspectrice ASE"), ("M. Bousquet", "Référent ASE Millau")],
        ),
        (
            "Service de l'aide sociale à l'enfance — Seine-Saint-Denis",
            "departement",
            "93008",
            orgs["dep93"],
            [("Mme Diallo", "Responsable de circonscription")],
        ),
        (
            "MDPH de la Seine-Saint-Denis",
            "mdph",
            "93008",
            orgs["mdph93"],
            [("M. Petit", "Coordonnateur CDAPH")],
        ),
        (
            "PJJ — Unité éducative de milieu ouvert de Millau",
            "pjj",
            "12145",
            orgs["pjj"],
            [("Mme Fabre", "Éducatrice PJJ")],
        ),
        ("Tribunal pour enfants de Rodez", "court", "12202", None, [("Greffe des mineurs", "Greffe")]),
        ("Tribunal judiciaire de Mont-de-Marsan — juges des enfants", "court", "40192", None, []),
        ("Collège Jean-Moulin", "school", "93001", None, [("M. Haddad", "Principal")]),
        (
            "Centre hospitalier de Millau — pédopsychiatrie",
            "hospital",
            "12145",
            None,
            [("Dr Combes", "Pédopsychiatre")],
        ),
    ]
    for name, kind, commune, org, contacts in rows:
        partner = w.add(
            Partner,
            name=name,
            kind=kind,
            commune_id=commune,
            organisation_id=org,
            phone=f"05 {gen.rng.randint(10, 99)} {gen.rng.randint(10, 99)} {gen.rng.randint(10, 99)} "
            f"{gen.rng.randint(10, 99)}",
        )
        for contact_name, function in contacts:
            w.add(PartnerContact, partner_id=partner, name=contact_name, function=function)


def signature_child(gen: Generator, millau_est: int) -> None:
    """A well-known record for the walkthrough: Joël Dupont-Martin, followed in Millau for some months,
    placed in the first unit of the site that has had a place for him all along."""
    from parcours.directory.models import Unit
    from parcours.pathways.selectors import vacancy_on

    chosen = None
    for back in (120, 90, 60, 45, 30, 21, 14, 7, 1):  # the longest stay for which a place stayed free
        start = gen.today - timedelta(days=back)
        for unit in Unit.objects.filter(
            establishment_id=millau_est, age_min__lte=14, age_max__gt=14
        ).order_by("id"):
            days = {start} | set(
                Stay.objects.filter(unit=unit, start_date__gt=start).values_list("start_date", flat=True)
            )
            if all(vacancy_on(unit, day)["vacant"] >= 1 for day in days):
                chosen = unit
                break
        if chosen is not None:
            break
    person = Person.objects.create(
        first_name="Joël",
        last_name="Dupont-Martin",
        birth_date=date(2012, 3, 4),
        sex="m",
        home_establishment_id=millau_est,
        commune_id="12145",
    )
    Measure.objects.create(
        person=person,
        kind="judicial_placement",
        authority_id=gen.authorities["departement"],
        start_date=start - timedelta(days=10),
        reference="TE Rodez 25/0317",
    )
    if chosen is not None:
        Stay.objects.create(person=person, unit=chosen, start_date=start, intensity="full_time")


def build_scale(gen: Generator, *, persons: int, stays: int, departements: list[str]) -> None:
    """Many organisations, establishments and units across départements, sized so that about
    `stays` stays and `persons` persons are generated over the history."""
    from parcours.demo.generator import LENGTHS

    communes = list(
        Commune.objects.filter(departement__in=departements)
        .order_by("code")
        .values_list("code", "departement")
    )
    by_dep: dict[str, list[str]] = {}
    for code, dep in communes:
        by_dep.setdefault(dep, []).append(code)
    history_days = (gen.today - date(2019, 1, 1)).days
    mix = [
        ("residential", "child_protection", 6, 18, 14),
        ("home_placement", "child_protection", 0, 18, 15),
        ("emergency", "child_protection", 0, 18, 8),
        ("ambulatory", "disability", 0, 20, 25),
        ("residential", "unaccompanied_minors", 14, 18, 12),
        ("independent_living", "young_adults", 17, 21, 10),
    ]
    mean_len = sum((LENGTHS[m][0] + LENGTHS[m][1]) / 2 + 22 for m, *_ in mix) / len(mix)
    places_needed = int(0.67 * stays / (history_days / mean_len))  # 0.67: measured lane fill
    gen.authorities = {}
    deps = sorted(by_dep)
    places = 0
    n = 0
    while places < places_needed:
        dep = deps[n % len(deps)]
        if dep not in gen.authorities:
            gen.authorities[dep] = gen.organisation(f"Département {dep}", "departement", by_dep[dep][0])
        gen.authorities["departement"] = gen.authorities[dep]
        gen.authorities.setdefault("mdph", gen.organisation(f"MDPH {dep}", "mdph", by_dep[dep][0]))
        if f"group:{dep}" not in gen.authorities:
            # one GCSMS per département grouping its associations (the "whole group" of the benchmarks)
            gen.authorities[f"group:{dep}"] = gen.organisation(f"GCSMS {dep}", "group", by_dep[dep][0])
        org = gen.organisation(
            f"Association {gen.fake.last_name()} {n + 1}",
            "association",
            by_dep[dep][0],
            member_of=[gen.authorities[f"group:{dep}"]],
        )
        for e in range(gen.rng.randint(2, 4)):
            commune = gen.rng.choice(by_dep[dep])
            est = gen.establishment(
                org,
                f"Établissement {n + 1}-{e + 1}",
                commune,
                "",
                f"{dep}{gen.rng.randint(0, 9999999):07d}"[:9].ljust(9, "0"),
            )
            for u, (modality, public, amin, amax, capacity) in enumerate(
                gen.rng.sample(mix, gen.rng.randint(2, 4))
            ):
                cap = max(4, int(capacity * gen.rng.uniform(0.6, 1.6)))
                gen.unit(
                    est,
                    commune,
                    UnitSpec(
                        f"{n}-{e}-{u}",
                        f"{modality} {n + 1}-{e + 1}-{u + 1}",
                        modality,
                        public,
                        [(date(2010, 1, 1), cap)],
                        amin,
                        amax,
                        opening_days=210 if modality == "ambulatory" else 365,
                    ),
                )
                places += cap
        n += 1
    gen.writer.flush()
    slots = gen.slots()
    reuse = max(0.0, min(0.9, 1 - persons / max(1, len(slots))))
    gen.place(slots, reuse=min(0.95, reuse * 1.15), with_details=False, window=365, any_exit=True)
    gen.writer.finish()


def reset() -> None:
    """Delete every generated row (not the communes reference), in dependency order."""
    from parcours.access.models import ApiToken, Membership, User
    from parcours.admissions.models import CommissionSession, Decision, Notification, Referral, SharedDocument
    from parcours.directory.models import Establishment, Organisation, Unit, UnitCapacity
    from parcours.pathways.models import Assignment
    from parcours.people.models import Document, Note, RecordChange, Relationship

    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        tables = [
            m._meta.db_table
            for m in (
                Assignment,
                Stay,
                Note,
                Document,
                RecordChange,
                Relationship,
                Measure,
                Person,
                Membership,
                ApiToken,
                Antenna,
                PartnerContact,
                Partner,
                UnitCapacity,
                Unit.communes_served.through,
                Unit,
                Establishment,
                Organisation.member_of.through,
                Organisation,
            )
        ]
        tables += [
            "access_user_groups",
            "access_user_user_permissions",
            "django_admin_log",
            "otp_totp_totpdevice",
        ]
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
            cursor.execute('DELETE FROM "access_user"')
        return
    from django.apps import apps

    with transaction.atomic():
        # the apps built on the dossier first (plans, grids, steering, task results), table by table:
        # their foreign keys are checked at commit, when every referencing row is gone
        upper = {
            "plans",
            "assessments",
            "steering",
            "incidents",
            "meetings",
            "quality",
            "cpom",
            "django_tasks_db",
        }
        with connection.cursor() as cursor:
            for model in apps.get_models(include_auto_created=True):
                if model._meta.app_label in upper and not model._meta.proxy:
                    cursor.execute(f'DELETE FROM "{model._meta.db_table}"')
        for model in (
            Notification,
            SharedDocument,
            Decision,
            Referral,
            CommissionSession,
            Assignment,
            Stay,
            Note,
            Document,
            RecordChange,
            Relationship,
            Measure,
        ):
            model.objects.all().delete()
        Person.objects.update(merged_into=None)
        Person.objects.all().delete()
        for model in (Membership, ApiToken, Antenna, PartnerContact, Partner, UnitCapacity):
            model.objects.all().delete()
        User.objects.all().delete()
        Unit.objects.all().delete()
        Establishment.objects.all().delete()
        Organisation.objects.all().delete()


def demo_referrals(gen: Generator) -> None:
    """Referrals in every status, a few admission commission sessions (past and next), decisions."""
    from parcours.admissions.models import CommissionSession, Decision, Referral
    from parcours.core.dates import age_at
    from parcours.directory.models import Organisation, Unit

    rng, day = gen.rng, gen.today
    gcsms = Organisation.objects.get(kind="group")
    partner = gen.users["referent.ase12"]
    coordinator = gen.users["coordinatrice.landes"]
    director = gen.users["directrice.millau"]
    past = CommissionSession.objects.create(
        date=day - timedelta(days=14),
        organisation=gcsms,
        minutes="Examen des orientations du mois ; 3 décisions.",
    )
    past.members.set([coordinator, gen.users["admin"]])
    upcoming = CommissionSession.objects.create(date=day + timedelta(days=7), organisation=gcsms)
    upcoming.members.set([coordinator])
    landes_units = list(
        Unit.objects.filter(establishment__organisation__member_of=gcsms, modality="residential")
    )
    aveyron_units = list(
        Unit.objects.filter(
            establishment__commune__departement="12", modality="residential", public="child_protection"
        )
    )
    plan = (
        ["received"] * 4
        + ["under_review"] * 3
        + ["accepted"] * 3
        + ["waiting_list"] * 5
        + ["refused"] * 2
        + ["withdrawn"] * 2
    )
    for index, status in enumerate(plan):
        aveyron = index % 3 == 0
        units = aveyron_units if aveyron else landes_units
        unit = rng.choice(units)
        age = rng.randint(max(unit.age_min, 6), unit.age_max - 1)
        birth = day - timedelta(days=365 * age + rng.randint(30, 300))
        sex = "m" if unit.sex == "m" else rng.choice(["f", "m"])
        first = gen.fake.first_name_female() if sex == "f" else gen.fake.first_name_male()
        person = Person.objects.create(
            first_name=first,
            last_name=gen.fake.last_name(),
            birth_date=birth,
            sex=sex,
            commune_id=unit.establishment.commune_id,
            created_by=partner if aveyron else None,
            home_establishment=None if aveyron else unit.establishment,
        )
        assert age_at(person.birth_date, day) >= unit.age_min
        received = day - timedelta(days=rng.randint(3, 120))
        referral = Referral.objects.create(
            person=person,
            referrer=partner if aveyron else coordinator,
            modality="residential",
            public=unit.public,
            emergency=index % 7 == 0,
            wished_date=received + timedelta(days=30),
            reason=rng.choice(
                [
                    "Placement judiciaire ordonné par le juge des enfants.",
                    "Accueil provisoire demandé par les parents, situation de crise familiale.",
                    "Réorientation après une fin de prise en charge sans solution.",
                ]
            ),
            organisation=None if aveyron else gcsms,
            received_on=received,
            family_informed=True,
            family_informed_on=received,
            status="received",
            session=past
            if status in ("accepted", "waiting_list", "refused") and not aveyron
            else (upcoming if status == "under_review" else None),
        )
        if aveyron:
            referral.target_units.set([unit])
        decision = {"accepted": "accepted", "waiting_list": "waiting_list", "refused": "refused"}.get(status)
        if decision:
            Decision.objects.create(
                referral=referral,
                unit=unit,
                decision=decision,
                decided_by=director,
                decided_on=received + timedelta(days=rng.randint(1, 3)),
                reason="Pas de place adaptée au profil" if decision == "refused" else "",
                session=referral.session,
            )
        referral.status = status
        if status in ("refused", "withdrawn"):
            referral.closed_on = min(day, received + timedelta(days=10))
        if status == "withdrawn":
            referral.closed_reason = "Retour en famille organisé par l'ASE"
        referral.save()
    # Admitted: the most recent stays of the Landes residential units came through the commission.
    for stay in Stay.objects.filter(unit__in=landes_units, end_date__isnull=True).order_by("-start_date")[:4]:
        received = stay.start_date - timedelta(days=20)
        referral = Referral.objects.create(
            person=stay.person,
            referrer=coordinator,
            modality="residential",
            public=stay.unit.public,
            wished_date=stay.start_date,
            reason="Orientation",
            organisation=gcsms,
            received_on=received,
            family_informed=True,
            status="admitted",
            stay=stay,
            session=past,
        )
        Decision.objects.create(
            referral=referral,
            unit=stay.unit,
            decision="accepted",
            decided_by=director,
            decided_on=received + timedelta(days=5),
            session=past,
        )


OBJECTIVES = [
    (
        "schooling",
        "Reprendre une scolarité régulière",
        "Assiduité au collège",
        "Rencontre avec le CPE",
        "Éducateur référent",
    ),
    (
        "health",
        "Réaliser le bilan de santé et suivre les soins",
        "Bilan fait, suivi orthophonique",
        "Prendre rendez-vous chez le médecin",
        "Infirmière",
    ),
    (
        "family_ties",
        "Maintenir les liens avec la fratrie",
        "Une visite par mois",
        "Organiser les visites médiatisées",
        "Éducatrice référente",
    ),
    (
        "daily_life",
        "Gagner en autonomie au quotidien",
        "Gérer son argent de poche",
        "Atelier budget",
        "Maîtresse de maison",
    ),
    (
        "leisure",
        "Pratiquer une activité sportive",
        "Inscription au club",
        "Contacter le club",
        "Éducateur sportif",
    ),
    (
        "safety",
        "Prévenir les fugues",
        "Aucune fugue sur le semestre",
        "Entretiens hebdomadaires",
        "Psychologue",
    ),
]


def demo_plans(gen: Generator) -> None:
    """The plans the law requires for every open stay, in every state: signed in time, drafts due
    soon, overdue drafts, signed plans under review, co-evaluated plans, amendments in progress and
    superseded versions."""
    from parcours.plans.models import Action, Evaluation, EvaluationResult, Objective, Plan
    from parcours.plans.services import ensure_required_plans, review_after

    rng, day = gen.rng, gen.today
    stays = Stay.objects.filter(end_date__isnull=True).select_related("unit", "person").order_by("id")
    for stay in stays:
        ensure_required_plans(stay)
    for plan in Plan.objects.select_related("person").order_by("id"):
        roll = rng.random()
        if plan.due_date > day + timedelta(days=30) or roll < 0.18:
            continue  # not yet due, or overdue (left as a draft past its deadline)
        for domain, text, expected, action, who in rng.sample(OBJECTIVES, 2):
            objective = Objective.objects.create(
                plan=plan, domain=domain, description=text, expected_results=expected
            )
            Action.objects.create(
                objective=objective,
                description=action,
                responsible=who,
                due_date=plan.due_date + timedelta(days=60),
            )
        if plan.due_date > day:
            continue  # due soon: being prepared
        plan.person_expression = rng.choice(
            [
                "Je voudrais rentrer chez moi le week-end.",
                "Je veux faire un CAP cuisine.",
                "J'aimerais voir ma sœur plus souvent.",
            ]
        )
        plan.status = "signed"
        plan.signed_on = plan.due_date - timedelta(days=rng.randint(0, 10))
        plan.signatories = [plan.person.first_name, "Titulaire de l'autorité parentale", "Direction"]
        plan.next_review_date = review_after(plan, plan.signed_on)
        plan.save()
        if plan.next_review_date <= day or rng.random() < 0.3:
            evaluation_day = min(day, plan.signed_on + timedelta(days=rng.randint(90, 300)))
            evaluation = Evaluation.objects.create(
                plan=plan,
                date=evaluation_day,
                participants=[
                    {"name": plan.person.first_name, "role": "person"},
                    {"name": "Référent", "role": "professional"},
                ],
            )
            for objective in plan.objectives.all():
                EvaluationResult.objects.create(
                    evaluation=evaluation,
                    objective=objective,
                    status=rng.choice(["achieved", "partly", "not_achieved"]),
                )
            if rng.random() < 0.7:
                plan.next_review_date = review_after(plan, evaluation_day)
                plan.save(update_fields=["next_review_date"])
        if rng.random() < 0.1:
            amendment = Plan.objects.create(
                person=plan.person,
                stay=plan.stay,
                kind=plan.kind,
                version=2,
                previous=plan,
                start_date=plan.start_date,
                due_date=plan.next_review_date,
                person_expression=plan.person_expression,
            )
            if rng.random() < 0.5 and amendment.due_date <= day:
                amendment.status = "signed"
                amendment.signed_on = day - timedelta(days=rng.randint(1, 20))
                amendment.signatories = plan.signatories
                amendment.next_review_date = review_after(amendment, amendment.signed_on)
                amendment.save()
                Plan.objects.filter(pk=plan.pk).update(status="superseded")
    joel_plans(gen)


def joel_plans(gen: Generator) -> None:
    """Joël's personalised plan in preparation, with his words, his mother's, needs and objectives."""
    from parcours.plans.models import Plan

    plan = Plan.objects.filter(
        person__first_name="Joël", person__last_name="Dupont-Martin", kind="personalised_plan"
    ).first()
    if plan is None or plan.status != "draft":
        return
    plan.person_expression = "Je veux retourner au collège à Millau et voir mon frère Hugo le mercredi."
    plan.family_expression = (
        "Sa mère souhaite être associée aux rendez-vous médicaux et aux réunions au collège."
    )
    plan.needs = [
        {
            "domain": "schooling",
            "serafin": "1.3.3.1",
            "description": "Rescolarisation progressive après 4 mois de déscolarisation",
        },
        {"domain": "family_ties", "serafin": "1.3.3.4", "description": "Maintenir le lien avec son frère"},
        {"domain": "health", "serafin": "1.1", "description": "Bilan de santé d'entrée à réaliser"},
    ]
    plan.partners = [
        {"name": "Collège Marcel-Aymard (Millau)", "role": "scolarité"},
        {"name": "ASE Aveyron", "role": "référent de la mesure"},
    ]
    plan.save()


def demo_grids(gen: Generator, organisation_id: int) -> None:
    """The assessment grids of the seeds (intake assessment, RSA orientation interview)."""
    from parcours.assessments.demo import demo_grids as create
    from parcours.directory.models import Organisation

    create(Organisation.objects.get(pk=organisation_id), gen.users["admin"])


def demo_steering(gen: Generator, *, aveyron: int, horizons: int, millau: int, sessad: int) -> None:
    """Meetings (the SESSAD's practice-analysis request and its sessions, the CPOM's ethics committee,
    trainings), the quality self-assessment of the Millau site, adverse events, and the whole CPOM of
    the seed, entered through the services by a system account that cannot log in."""
    from parcours.access.models import User
    from parcours.directory.models import Establishment, Organisation
    from parcours.steering.cpom.demo import demo_cpom
    from parcours.steering.cpom.models import Cpom
    from parcours.steering.incidents.demo import demo_incidents
    from parcours.steering.meetings.demo import demo_meetings
    from parcours.steering.quality.demo import demo_quality

    system = User.objects.filter(username="systeme.demo").first()
    if system is None:
        system = User.objects.create_superuser(
            "systeme.demo", password=None, first_name="Données", last_name="de démonstration"
        )
        system.is_active = False
        system.save(update_fields=["is_active"])
    users = dict(gen.users, admin=system)
    demo_meetings({"sessad93": horizons, "aveyron": aveyron}, {"millau": millau, "sessad93": sessad}, users)
    demo_quality(millau, system)
    demo_incidents([millau, sessad], users)
    if not Cpom.objects.exists():
        demo_cpom(
            Organisation.objects.get(pk=aveyron),
            [Establishment.objects.get(pk=millau)],
            f"establishment:{millau}",
            system,
        )
