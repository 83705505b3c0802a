"""Pages of the offer: by organisation and establishment with capacity and occupancy today, a unit,
the partners."""

from itertools import groupby

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from parcours.access import scoping
from parcours.core.dates import today
from parcours.core.viewtools import service_errors
from parcours.directory import selectors
from parcours.pathways import selectors as stays


@login_required
def offer(request):
    """Units of the user's scope grouped by establishment, with capacity and occupancy today."""
    units = list(stays.offer(request.user))
    for u in units:
        u.vacant_today = max(0, (u.capacity_today or 0) - u.occupied_today)
    establishments = []
    for est, group in groupby(units, key=lambda u: u.establishment):
        group = list(group)
        capacity = sum(u.capacity_today or 0 for u in group)
        occupied = sum(u.occupied_today for u in group)
        establishments.append(
            {
                "establishment": est,
                "units": group,
                "capacity": capacity,
                "occupied": occupied,
                "vacant": max(0, capacity - occupied),
            }
        )
    return render(
        request, "directory/offer.html", {"establishments": establishments, "today": today(), "nav": "offer"}
    )


@login_required
@service_errors
def unit(request, unit_id: int):
    """A unit: establishment, FINESS, capacity history, territory, antennas, vacancy and current stays."""
    unit = selectors.unit_detail(request.user, unit_id)
    day = today()
    current = stays.stays(request.user, unit=unit.pk, open_on=day)
    return render(
        request,
        "directory/unit.html",
        {
            "unit": unit,
            "vacancy": stays.vacancy_on(unit, day),
            "current": current,
            "can_manage": scoping.units_visible_to(request.user, "manage_offer").filter(pk=unit.pk).exists(),
            "nav": "offer",
        },
    )


@login_required
@service_errors
def partners(request):
    return render(
        request, "directory/partners.html", {"partners": selectors.partners(request.user), "nav": "partners"}
    )


@require_POST
@login_required
@service_errors
def admission_terms(request, unit_id: int):
    """The unit's managers edit the admission criteria and procedure shown to partners."""
    from django.contrib import messages

    from parcours.core.errors import Invalid
    from parcours.core.validators import text_error
    from parcours.directory import services

    def number(name):
        value = request.POST.get(name, "").strip()
        return int(value) if value.isdecimal() else None

    texts = {name: request.POST.get(name, "") for name in ("admission_criteria", "admission_procedure")}
    try:
        errors = {name: text_error(value) for name, value in texts.items() if text_error(value)}
        if errors:
            raise Invalid(errors)
        services.set_admission_terms(
            request.user,
            unit_id,
            **texts,
            max_emergency_days=number("max_emergency_days"),
            emergency_follow_up_days=number("emergency_follow_up_days"),
        )
        messages.success(request, "Modalités d'admission enregistrées.")
    except Invalid as exc:
        messages.error(request, " ".join(e["message"] for e in exc.errors))
    return redirect("directory:unit", unit_id)
