"""The annual activity report: the figures of a unit or an establishment for a year (capacity, days,
occupancy, admissions and exits by origin and destination, ages, lengths of stay, waiting list,
emergency activity, plans, incidents, meetings), as grouped queries."""

from datetime import date, timedelta

from django.db.models import (
    Case,
    CharField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import ExtractYear

from parcours.core.dates import today
from parcours.pathways.choices import ExitReason
from parcours.pathways.models import Stay
from parcours.steering import indicators, selectors
from parcours.steering.scope import resolve

AGE_BANDS = [
    (0, 5, "0–5 ans"),
    (6, 10, "6–10 ans"),
    (11, 14, "11–14 ans"),
    (15, 17, "15–17 ans"),
    (18, 200, "18 ans et plus"),
]
LENGTH_BANDS = [
    (0, 30, "moins d'un mois"),
    (31, 182, "1 à 6 mois"),
    (183, 365, "6 mois à 1 an"),
    (366, 730, "1 à 2 ans"),
    (731, 100000, "plus de 2 ans"),
]
ORIGINS = {
    "transfer": "Autre unité (transfert)",
    "departement": "Service départemental (ASE)",
    "mdph": "MDPH",
    "pjj": "PJJ",
    "internal": "Orientation interne / du groupement",
    "direct": "Admission directe",
}


def year_period(year: int) -> tuple[date, date]:
    return date(year, 1, 1), min(date(year, 12, 31), max(today(), date(year, 1, 1)))


def build(user, scope_value: str, year: int, progress=lambda pct, step: None) -> dict:
    """Every section of the report; progress(pct, step) is called between sections."""
    start, end = year_period(year)
    scope = resolve(user, scope_value)
    units = scope.unit_queryset
    progress(10, "Indicateurs d'activité")
    figures = selectors.activity(user, scope_value, start, end)
    capacities = [
        {
            "unit": u.name,
            "modality": u.get_modality_display(),
            "capacity_start": u.capacity_on(start),
            "capacity_end": u.capacity_on(end),
            "opening_days": u.opening_days,
        }
        for u in units.order_by("name")
    ]
    progress(30, "Évolution mensuelle")
    monthly = indicators.monthly(scope.units, start, end)
    per_unit = selectors.comparison(user, scope_value, start, end)
    progress(50, "Admissions et sorties")
    stays = Stay.objects.filter(unit__in=units.values("id"))
    admitted = stays.filter(start_date__range=(start, end))
    transfer = Stay.objects.filter(person_id=OuterRef("person_id"), end_date=OuterRef("start_date")).exclude(
        pk=OuterRef("pk")
    )
    kind = "referral__referrer__memberships__organisation__kind"
    origins = admitted.annotate(
        origin=Case(
            When(Exists(transfer), then=Value("transfer")),
            When(**{kind: "departement"}, then=Value("departement")),
            When(**{kind: "mdph"}, then=Value("mdph")),
            When(**{kind: "pjj"}, then=Value("pjj")),
            When(referral__isnull=False, then=Value("internal")),
            default=Value("direct"),
            output_field=CharField(),
        )
    )
    by_origin = {
        ORIGINS[r["origin"]]: r["n"]
        for r in origins.values("origin").annotate(n=Count("id", distinct=True)).order_by("origin")
    }
    exits = stays.filter(end_date__range=(start, end))
    labels = dict(ExitReason.choices)
    by_destination = {
        labels.get(r["exit_reason"], "Non renseigné"): r["n"]
        for r in exits.values("exit_reason").annotate(n=Count("id")).order_by("exit_reason")
    }
    progress(65, "Âges et durées de séjour")
    aged = admitted.annotate(age=Value(year, output_field=IntegerField()) - ExtractYear("person__birth_date"))
    by_age = {label: aged.filter(age__gte=low, age__lte=high).count() for low, high, label in AGE_BANDS}
    lengths = exits.annotate(
        length=ExpressionWrapper(F("end_date") - F("start_date"), output_field=DurationField())
    )
    by_length = {
        label: lengths.filter(length__gte=timedelta(days=low), length__lte=timedelta(days=high)).count()
        for low, high, label in LENGTH_BANDS
    }
    emergency = {
        "requests": figures["emergency_requests"],
        "admissions": figures["emergency_admissions"],
        "admitted_in_emergency_units": admitted.filter(
            Q(emergency=True) | Q(unit__modality="emergency")
        ).count(),
    }
    return {
        "scope": scope_value,
        "label": scope.label,
        "year": year,
        "start": start,
        "end": end,
        "figures": figures,
        "capacities": capacities,
        "monthly": monthly,
        "per_unit": per_unit,
        "by_origin": by_origin,
        "by_destination": by_destination,
        "by_age": by_age,
        "by_length": by_length,
        "emergency": emergency,
    }
