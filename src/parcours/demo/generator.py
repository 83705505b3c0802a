"""Deterministic synthetic data: the demo data set modelled on the users' documents, and the
département and national data sets for benchmarks. Same seed, same day → same data.

Stays are laid out on "lanes" (one lane per authorised place), so a unit is never overbooked and a
person never has two overlapping stays in one unit; persons leaving towards another unit are picked
up by a later stay elsewhere, which makes real pathways."""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from faker import Faker
from tqdm import tqdm

from parcours.access.models import Membership, User
from parcours.core.dates import add_years, age_at
from parcours.core.text import fold
from parcours.demo.writer import BatchWriter
from parcours.directory.models import (
    Establishment,
    Organisation,
    Unit,
    UnitCapacity,
)
from parcours.pathways.models import Assignment, Stay
from parcours.people.models import Measure, Note, Person, Relationship

DEMO_PASSWORD = "demo-parcours-2026"
HISTORY_START = date(2019, 1, 1)

# (username, role, label, scope key) — scope keys are resolved after the offer is created.
DEMO_USERS = [
    ("admin", "admin", "Administrateur du groupement", "org:gcsms"),
    ("directrice.millau", "director", "Directrice — Accueil Millau Ségur", "org:aveyron"),
    ("chef.segur", "head_of_service", "Chef de service — internat de Ségur", "unit:segur"),
    ("coordinatrice.landes", "coordinator", "Coordinatrice de parcours — GCSMS des Landes", "org:gcsms"),
    ("educ.millau", "educator", "Éducateur — site de Millau", "est:millau"),
    ("psy.sessad", "psychologist", "Psychologue — SESSAD de Seine-Saint-Denis", "org:sessad93"),
    ("secretariat.landes", "secretary", "Secrétariat — MECS de Mont-de-Marsan", "est:montdemarsan"),
    ("qualite.aveyron", "quality", "Référente qualité — Accueil Millau Ségur", "org:aveyron"),
    ("referent.ase12", "partner", "Référent ASE — Département de l'Aveyron", "org:dep12"),
]

# Typical length of a stay (days) and exit reasons per modality.
LENGTHS = {
    "residential": (90, 900),
    "emergency": (3, 75),
    "home_placement": (150, 700),
    "home_support": (120, 600),
    "ambulatory": (200, 1200),
    "parental_centre": (120, 540),
    "independent_living": (120, 700),
    "day_care": (90, 600),
    "foster_family": (180, 1500),
}
EXITS = ["return_home"] * 4 + ["other_unit"] * 4 + ["adulthood"] * 2 + ["runaway", "no_solution", "other"]
MEASURES_BY_PUBLIC = {
    "child_protection": ["administrative_care", "judicial_placement", "judicial_placement", "opp"],
    "unaccompanied_minors": ["unaccompanied_minor"],
    "youth_justice": ["pjj"],
    "disability": ["mdph_orientation"],
    "young_adults": ["young_adult_contract"],
    "inclusion": ["other"],
}
NOTE_TEXTS = [
    "Entretien avec la famille : bonne participation, la mère souhaite des visites plus fréquentes.",
    "Point scolaire avec le collège : progrès en français, difficultés persistantes en mathématiques.",
    "Rendez-vous médical effectué ; bilan de santé à jour.",
    "Synthèse d'équipe : maintien de l'accompagnement, objectifs revus avec le jeune.",
    "Week-end en famille bien passé selon l'assistante familiale.",
    "Incident au groupe de vie, échange éducatif le soir même ; apaisement.",
    "Demande d'orientation vers un dispositif d'autonomie à préparer.",
    "Contact avec le référent ASE : audience prévue le mois prochain.",
]


@dataclass
class UnitSpec:
    key: str
    name: str
    modality: str
    public: str
    capacities: list[tuple[date, int]]
    age_min: int
    age_max: int
    opening_days: int = 365
    sex: str = "any"
    communes: list[str] = field(default_factory=list)


@dataclass
class Slot:
    unit_id: int
    modality: str
    public: str
    age_min: int
    age_max: int
    establishment_id: int
    commune: str
    start: date
    end: date | None
    exit_reason: str
    emergency: bool


class Generator:
    """Builds one data set. `persons` and `stays` are targets for the larger scales."""

    def __init__(
        self,
        seed: int,
        today: date | None = None,
        stdout=None,
        *,
        history_start: date = HISTORY_START,
        length_factor: float = 1.0,
        family_rate: float = 0.6,
    ):
        self.rng = random.Random(seed)
        self.fake = Faker("fr_FR")
        self.fake.seed_instance(seed)
        self.today = today or timezone.localdate()
        self.writer = BatchWriter()
        self.stdout = stdout
        self.units: list[dict] = []
        self.users: dict[str, User] = {}
        self.authorities: dict[str, int] = {}
        self.history_start = history_start
        self.length_factor = length_factor
        self.family_rate = family_rate

    # --- offer -------------------------------------------------------------------------------

    def organisation(self, name, kind, commune=None, finess="", member_of=None) -> int:
        org_id = self.writer.add(Organisation, name=name, kind=kind, commune_id=commune, finess_ej=finess)
        for group in member_of or []:
            self.writer.add(
                Organisation.member_of.through, from_organisation_id=org_id, to_organisation_id=group
            )
        return org_id

    def establishment(self, org_id, name, commune, category, finess) -> int:
        return self.writer.add(
            Establishment,
            organisation_id=org_id,
            name=name,
            commune_id=commune,
            category=category,
            finess_et=finess,
            address=f"{self.rng.randint(1, 90)} {self.fake.street_name()}",
        )

    def unit(self, est_id, commune, spec: UnitSpec) -> int:
        opened = spec.capacities[0][0]
        unit_id = self.writer.add(
            Unit,
            establishment_id=est_id,
            name=spec.name,
            modality=spec.modality,
            public=spec.public,
            age_min=spec.age_min,
            age_max=spec.age_max,
            sex=spec.sex,
            opening_days=spec.opening_days,
            opened_on=opened,
        )
        for valid_from, capacity in spec.capacities:
            self.writer.add(
                UnitCapacity,
                unit_id=unit_id,
                capacity=capacity,
                valid_from=valid_from,
                reason="Arrêté d'autorisation" if valid_from == opened else "Extension de capacité",
            )
        for code in spec.communes:
            self.writer.add(Unit.communes_served.through, unit_id=unit_id, commune_id=code)
        self.units.append({"id": unit_id, "spec": spec, "establishment_id": est_id, "commune": commune})
        return unit_id

    # --- stays -------------------------------------------------------------------------------

    def slots(self, stays_per_lane_gap=(0, 45)) -> list[Slot]:
        """Lay stays on one lane per place of each capacity period (capacities only grow here)."""
        slots = []
        for unit in self.units:
            spec: UnitSpec = unit["spec"]
            lo, hi = (int(x * self.length_factor) for x in LENGTHS[spec.modality])
            lanes = []
            for valid_from, capacity in spec.capacities:
                while len(lanes) < capacity:
                    lanes.append(max(valid_from, self.history_start))
            for lane_start in lanes:
                day = lane_start + timedelta(days=self.rng.randint(0, 240))
                while day <= self.today:
                    length = self.rng.randint(lo, hi)
                    end = day + timedelta(days=length)
                    if end > self.today and self.rng.random() < 0.12 and (self.today - day).days > 30:
                        # some places are vacant today: the last stay ended a little while ago
                        end = self.today - timedelta(
                            days=self.rng.randint(1, min(60, (self.today - day).days - 1))
                        )
                        slots.append(
                            Slot(
                                unit["id"],
                                spec.modality,
                                spec.public,
                                spec.age_min,
                                spec.age_max,
                                unit["establishment_id"],
                                unit["commune"],
                                day,
                                end,
                                self.rng.choice(EXITS),
                                spec.modality == "emergency",
                            )
                        )
                        break
                    if end > self.today:
                        slots.append(
                            Slot(
                                unit["id"],
                                spec.modality,
                                spec.public,
                                spec.age_min,
                                spec.age_max,
                                unit["establishment_id"],
                                unit["commune"],
                                day,
                                None,
                                "",
                                spec.modality == "emergency",
                            )
                        )
                        break
                    slots.append(
                        Slot(
                            unit["id"],
                            spec.modality,
                            spec.public,
                            spec.age_min,
                            spec.age_max,
                            unit["establishment_id"],
                            unit["commune"],
                            day,
                            end,
                            self.rng.choice(EXITS),
                            spec.modality == "emergency",
                        )
                    )
                    day = end + timedelta(days=self.rng.randint(*stays_per_lane_gap))
        slots.sort(key=lambda s: (s.start, s.unit_id))
        return slots

    def person_row(
        self, birth_date, sex, home, commune, created_on: date, created_by=None, last_name=None
    ) -> int:
        first = self.fake.first_name_female() if sex == "f" else self.fake.first_name_male()
        last = last_name or self.fake.last_name()
        return self.writer.add(
            Person,
            first_name=first,
            last_name=last,
            birth_date=birth_date,
            sex=sex,
            commune_id=commune,
            home_establishment_id=home,
            search_name=fold(f"{last} {first} ").strip(),
            created_by_id=created_by,
            created_at=datetime.combine(created_on, time(9), tzinfo=timezone.get_current_timezone()),
        )

    def place(
        self, slots: list[Slot], reuse: float, with_details: bool, *, window: int = 60, any_exit: bool = False
    ) -> None:
        """Give each slot a person: someone who left another unit shortly before (towards it, or for
        the larger scales after any exit), or a new child. Leavers are bucketed by week of exit."""
        pool: dict[int, list[tuple[date, int, date, int]]] = {}
        last_unit_end: dict[tuple[int, int], date] = {}
        iterator = tqdm(
            slots,
            desc="séjours",
            unit="séjour",
            mininterval=2,
            disable=self.stdout is None or len(slots) < 5000,
        )
        for slot in iterator:
            person = birth = None
            if pool and self.rng.random() < reuse:
                week = slot.start.toordinal() // 7
                for w in range(week, week - window // 7 - 1, -1):
                    bucket = pool.get(w)
                    if not bucket:
                        continue
                    for index, item in enumerate(bucket):
                        if (
                            item[0] <= slot.start
                            and item[3] != slot.unit_id
                            and (slot.age_min <= age_at(item[2], slot.start) < slot.age_max)
                        ):
                            person, birth = item[1], item[2]
                            bucket.pop(index)
                            break
                    if person is not None:
                        break
            if person is None:
                age = self.rng.randint(slot.age_min, max(slot.age_min, slot.age_max - 1))
                birth = slot.start - timedelta(days=age * 365 + self.rng.randint(0, 300))
                sex = "f" if slot.public != "unaccompanied_minors" and self.rng.random() < 0.47 else "m"
                person = self.person_row(birth, sex, slot.establishment_id, slot.commune, slot.start)
                if with_details:
                    self.family(person, slot, birth)
                self.measure(person, slot, birth)
            key = (person, slot.unit_id)
            if key in last_unit_end and last_unit_end[key] > slot.start:
                continue  # never two overlapping stays of one person in one unit
            exit_reason = slot.exit_reason
            if slot.end and exit_reason == "adulthood" and age_at(birth, slot.end) < 18:
                exit_reason = "return_home"
            self.writer.add(
                Stay,
                person_id=person,
                unit_id=slot.unit_id,
                start_date=slot.start,
                end_date=slot.end,
                exit_reason=exit_reason if slot.end else "",
                intensity=self.intensity(slot),
                emergency=slot.emergency,
            )
            last_unit_end[key] = slot.end or date.max
            if slot.end and (any_exit or exit_reason == "other_unit"):
                pool.setdefault(slot.end.toordinal() // 7, []).append((slot.end, person, birth, slot.unit_id))
            if with_details:
                self.details(person, slot)

    def intensity(self, slot: Slot) -> str:
        if slot.modality == "ambulatory":
            return self.rng.choice(["occasional", "part_time", "part_time", "full_time", "sequential"])
        if slot.modality in ("home_placement", "home_support"):
            return self.rng.choice(["part_time", "full_time"])
        return "full_time"

    def measure(self, person: int, slot: Slot, birth: date) -> None:
        kind = self.rng.choice(MEASURES_BY_PUBLIC.get(slot.public, ["other"]))
        start = slot.start - timedelta(days=self.rng.randint(0, 40))
        if kind == "mdph_orientation":
            end = add_years(start, self.rng.choice([3, 5]))
            authority = self.authorities.get("mdph")
        elif kind == "pjj":
            end = slot.end
            authority = self.authorities.get("pjj")
        else:
            end = slot.end
            authority = self.authorities.get("departement")
        if kind in ("judicial_placement", "opp") and slot.end is None:
            end = None
        if kind == "unaccompanied_minor":
            end = add_years(birth, 18)
            end = end if end <= self.today else None
        if end is not None and end < start:
            end = start
        self.writer.add(
            Measure,
            person_id=person,
            kind=kind,
            authority_id=authority,
            start_date=start,
            end_date=end,
            reference=f"{start.year}/{self.rng.randint(100, 9999):04d}",
        )

    def family(self, child: int, slot: Slot, birth: date) -> None:
        if self.rng.random() > self.family_rate:
            return
        last = self.fake.last_name()
        mother = self.person_row(
            birth - timedelta(days=365 * self.rng.randint(19, 40)),
            "f",
            slot.establishment_id,
            slot.commune,
            slot.start,
            last_name=last,
        )
        self.writer.add(
            Relationship,
            person_id=child,
            relative_id=mother,
            kind="mother",
            parental_authority=self.rng.random() < 0.85,
        )
        self.writer.add(
            Relationship, person_id=mother, relative_id=child, kind="child", parental_authority=False
        )
        if self.rng.random() < 0.5:
            father = self.person_row(
                birth - timedelta(days=365 * self.rng.randint(21, 45)),
                "m",
                slot.establishment_id,
                slot.commune,
                slot.start,
                last_name=last,
            )
            self.writer.add(
                Relationship,
                person_id=child,
                relative_id=father,
                kind="father",
                parental_authority=self.rng.random() < 0.7,
            )
            self.writer.add(
                Relationship, person_id=father, relative_id=child, kind="child", parental_authority=False
            )

    def details(self, person: int, slot: Slot) -> None:
        staff = [u.pk for u in self.users.values() if u.username not in ("referent.ase12", "qualite.aveyron")]
        end = slot.end or self.today
        for _ in range(self.rng.randint(0, 3)):
            day = slot.start + timedelta(days=self.rng.randint(0, max(0, (end - slot.start).days)))
            self.writer.add(
                Note,
                person_id=person,
                author_id=self.rng.choice(staff),
                date=min(day, self.today),
                text=self.rng.choice(NOTE_TEXTS),
                confidentiality=self.rng.choice(["team", "team", "team", "coordinator", "partner"]),
            )
        if slot.end is None:
            self.writer.add(
                Assignment,
                person_id=person,
                professional_id=self.rng.choice(staff),
                role="referent",
                start_date=slot.start,
            )
            if self.rng.random() < 0.5 and "coordinatrice.landes" in self.users:
                self.writer.add(
                    Assignment,
                    person_id=person,
                    professional_id=self.users["coordinatrice.landes"].pk,
                    role="pathway_coordinator",
                    start_date=slot.start,
                )


def create_demo_users(gen: Generator, scopes: dict[str, tuple[str, int]]) -> None:
    for username, role, _label, scope_key in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            first, _, last = _label.partition(" — ")
            user = User.objects.create_user(
                username=username,
                password=DEMO_PASSWORD,
                first_name=username.split(".")[0].capitalize(),
                last_name=(username.split(".") + [""])[1].capitalize(),
                is_superuser=(username == "admin"),
                is_staff=(username == "admin"),
            )
        kind, obj_id = scopes[scope_key]
        Membership.objects.get_or_create(user=user, role=role, **{f"{kind}_id": obj_id})
        gen.users[username] = user
