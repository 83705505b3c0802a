"""Pages of the offer: by organisation and establishment with capacity and occupancy today, a unit,
the partners."""

from itertools import groupby

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

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
