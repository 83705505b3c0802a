"""Steering pages: the indicators dashboard (any scope and period, monthly trends, comparison between
units) and the drill-down to the stays or referrals behind a figure."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from parcours.access import scoping
from parcours.access.models import AuditAction
from parcours.access.services import audit
from parcours.core.dates import add_months, today
from parcours.core.errors import Invalid
from parcours.core.viewtools import service_errors
from parcours.steering import selectors
from parcours.steering.api import drill_row

# figure, label, what it drills into: a drill-down figure, or a page of the steering registers
FIGURES = [
    ("days_theoretical", "Journées théoriques", None),
    ("days_realised", "Journées réalisées", "active_caseload"),
    ("occupancy_rate", "Taux d'occupation", "active_caseload"),
    ("active_caseload", "File active", "active_caseload"),
    ("admissions", "Admissions", "admissions"),
    ("exits", "Sorties", "exits"),
    ("average_length_of_stay", "Durée moyenne de séjour (jours)", "exits"),
    ("waiting_list_size", "Liste d'attente (fin de période)", "waiting_list_size"),
    ("average_waiting_days", "Délai décision → admission (jours)", "admissions"),
    ("average_days_referral_to_admission", "Délai orientation → admission (jours)", "admissions"),
    ("referrals_received", "Orientations reçues", "referrals_received"),
    ("emergency_requests", "Demandes en urgence", "emergency_requests"),
    ("emergency_admissions", "Admissions en urgence", "emergency_admissions"),
    ("ruptures", "Ruptures de parcours", "exits"),
    ("plans_up_to_date_share", "Personnes au projet à jour", "page:plans:dashboard"),
    ("overdue_plans", "Échéances de projets dépassées", "page:plans:dashboard"),
    ("incidents", "Événements indésirables", "page:incidents:register"),
    ("serious_incidents", "dont graves (EIG)", "page:incidents:register"),
    ("meetings", "Réunions", "page:meetings:list"),
    ("ethics_committee_meetings", "Comités d'éthique", "page:meetings:list"),
    ("practice_analysis_sessions", "Séances d'analyse des pratiques", "page:meetings:list"),
]


def _date(value):
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid({"du": "Date attendue au format AAAA-MM-JJ."}) from None


MAX_UNIT_OPTIONS = 300
MAX_COMPARED_UNITS = 100


def _scopes(user, current: str | None = None):
    """The scopes of the selector, those the user's memberships cover as a whole (steering.scope):
    organisations, establishments and — unless there are hundreds, a list nobody scrolls; the units
    are then reached from the per-unit table — units."""
    from parcours.directory.models import Establishment, Organisation

    orgs = scoping.organisation_ids_at_org_level(user)
    organisations = Organisation.objects.all() if orgs is None else Organisation.objects.filter(pk__in=orgs)
    out = [
        (f"organisation:{pk}", name) for pk, name in organisations.order_by("name").values_list("pk", "name")
    ]
    ests = scoping.establishment_ids_at_level(user)
    establishments = (
        Establishment.objects.all() if ests is None else Establishment.objects.filter(pk__in=ests)
    )
    out += [
        (f"establishment:{pk}", f"— {name}")
        for pk, name in establishments.order_by("name").values_list("pk", "name")
    ]
    units = scoping.units_visible_to(user).order_by("name").values_list("pk", "name")
    listed = list(units[: MAX_UNIT_OPTIONS + 1])
    if len(listed) <= MAX_UNIT_OPTIONS:
        out += [(f"unit:{pk}", f"—— {name}") for pk, name in listed]
    elif current and current.startswith("unit:") and current[5:].isdecimal():
        out += [(f"unit:{pk}", f"—— {name}") for pk, name in units.filter(pk=int(current[5:]))]
    return out


def _drill_url(drill: str | None, scope: str, start: date, end: date) -> str | None:
    from urllib.parse import urlencode

    from django.urls import reverse

    if drill is None:
        return None
    if drill.startswith("page:"):
        return reverse(drill[5:])
    query = urlencode(
        {"perimetre": scope, "indicateur": drill, "du": start.isoformat(), "au": end.isoformat()}
    )
    return reverse("steering:drilldown") + "?" + query


@login_required
@service_errors
def dashboard(request):
    scope = request.GET.get("perimetre") or selectors.default_scope(request.user)
    day = today()
    error = None
    context = {"nav": "steering", "scopes": _scopes(request.user, scope), "scope": scope}
    try:
        start = _date(request.GET.get("du")) or date(day.year, 1, 1)
        end = _date(request.GET.get("au")) or day
        if scope is None:
            raise Invalid({"perimetre": "Aucun périmètre à piloter pour votre compte."})
        figures = selectors.activity(request.user, scope, start, end)
        trend_start = max(start, add_months(date(end.year, end.month, 1), -11))
        # the first units on the page, every unit on demand (or through the API and the report)
        all_units = request.GET.get("unites") == "toutes"
        units = selectors.comparison(
            request.user, scope, start, end, limit=None if all_units else MAX_COMPARED_UNITS + 1
        )
        context.update(
            figures=figures,
            cards=[
                (key, label, figures.get(key), _drill_url(drill, scope, start, end))
                for key, label, drill in FIGURES
                if figures.get(key) is not None
            ],
            trend=selectors.trend(request.user, scope, trend_start, end),
            shown_units=units if all_units else units[:MAX_COMPARED_UNITS],
            more_units=not all_units and len(units) > MAX_COMPARED_UNITS,
            period_query=f"du={start.isoformat()}&au={end.isoformat()}",
            start=start,
            end=end,
        )
    except Invalid as exc:
        error = "; ".join(e["message"] for e in exc.errors) or exc.detail
        context.update(start=day.replace(month=1, day=1), end=day)
    context["error"] = error
    audit(request.user, AuditAction.VIEW, "indicators", scope=scope, section="dashboard")
    return render(request, "steering/dashboard.html", context, status=422 if error else 200)


@login_required
@service_errors
def drilldown(request):
    scope = request.GET.get("perimetre", "")
    figure = request.GET.get("indicateur", "")
    start, end = _date(request.GET.get("du")), _date(request.GET.get("au"))
    kind, qs = selectors.drilldown(request.user, scope, figure, start, end)
    rows = [drill_row(kind, obj) for obj in qs[:1000]]
    audit(
        request.user,
        AuditAction.VIEW,
        kind[:-1],
        section="indicator drill-down",
        figure=figure,
        scope=scope,
        persons=sorted({r["person"] for r in rows}),
    )
    label = dict((k, v) for k, v, _ in FIGURES).get(figure, figure)
    return render(
        request,
        "steering/drilldown.html",
        {"rows": rows, "kind": kind, "label": label, "count": qs.count(), "nav": "steering", "scope": scope},
    )


@login_required
@service_errors
def reports(request):
    """Ask for an annual activity report; the list of reports asked for."""
    from parcours.steering import services
    from parcours.steering.models import ActivityReport

    error = None
    if request.method == "POST":
        try:
            year = int(request.POST.get("annee", ""))
        except ValueError:
            year = -1
        try:
            report = services.request_report(request.user, scope=request.POST.get("perimetre", ""), year=year)
        except Invalid as exc:
            error = "; ".join(e["message"] for e in exc.errors) or exc.detail
        else:
            return redirect("steering:report", report.pk)
    items = ActivityReport.objects.filter(requested_by=request.user)[:50]
    return render(
        request,
        "steering/reports.html",
        {
            "reports": items,
            "scopes": _scopes(request.user),
            "years": list(range(today().year, today().year - 6, -1)),
            "error": error,
            "nav": "steering",
        },
        status=422 if error else 200,
    )


@login_required
@service_errors
def report(request, report_id):
    from parcours.steering import services

    item = services.report_for(request.user, report_id)
    template = "steering/_report_status.html" if request.headers.get("HX-Request") else "steering/report.html"
    return render(request, template, {"report": item, "nav": "steering"})


@login_required
@service_errors
def report_file(request, report_id, fmt):
    from django.http import HttpResponse

    from parcours.core.errors import Conflict
    from parcours.steering.api import report_download

    try:
        return report_download(request, report_id, fmt)
    except Conflict as exc:
        return HttpResponse(exc.detail, status=409, content_type="text/plain; charset=utf-8")
