import os

from django.contrib import admin
from django.urls import include, path

from parcours.api.api import api
from parcours.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("gestion/", admin.site.urls),
    path("", include("parcours.access.urls")),
    path("", include("parcours.directory.urls")),
    path("", include("parcours.people.urls")),
    path("", include("parcours.admissions.urls")),
    path("", include("parcours.plans.urls")),
    path("", include("parcours.assessments.urls")),
    path("", include("parcours.steering.urls")),
    path("", include("parcours.steering.incidents.urls")),
    path("", include("parcours.steering.meetings.urls")),
    path("", include("parcours.steering.quality.urls")),
    path("", include("parcours.steering.cpom.urls")),
    path("", core_views.home, name="home"),
]

if os.environ.get("PARCOURS_BENCH") == "1":  # the load benchmark's reference view, never in production
    urlpatterns.insert(0, path("bench/pk/<int:person_id>", core_views.bench_primary_key))
