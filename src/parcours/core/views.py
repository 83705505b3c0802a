from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET


@require_GET
def healthz(request):
    """Liveness and database check."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any database failure is reported
        return JsonResponse({"status": "error", "database": str(exc)[:200]}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})


@login_required
def home(request):
    from parcours.access.scoping import is_partner_only

    return redirect("admissions:board" if is_partner_only(request.user) else "directory:offer")


def bench_primary_key(request, person_id: int):
    """The reference of the load benchmark (only mounted with PARCOURS_BENCH=1): a bare view doing one
    primary-key lookup on the same stack (middleware, database), with no scoping nor audit."""
    from parcours.people.models import Person

    person = Person.objects.filter(pk=person_id).values("id", "first_name", "last_name", "birth_date").first()
    if person is None:
        return JsonResponse({"detail": "not found"}, status=404)
    return JsonResponse(person)
