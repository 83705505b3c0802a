from django.urls import path

from parcours.steering.quality import views

app_name = "quality"
urlpatterns = [
    path("qualite/", views.overview, name="overview"),
    path("qualite/referentiel/", views.framework_page, name="framework"),
    path("qualite/etablissements/<int:establishment_id>/", views.establishment_page, name="establishment"),
    path("qualite/autoevaluation/<int:assessment_id>/", views.self_assessment_page, name="self_assessment"),
    path(
        "qualite/autoevaluation/<int:assessment_id>/statut", views.assessment_status, name="assessment_status"
    ),
    path("qualite/autoevaluation/<int:assessment_id>/export.xlsx", views.export, name="export"),
    path(
        "qualite/autoevaluation/<int:assessment_id>/criteres/<int:criterion_id>/",
        views.score_page,
        name="score",
    ),
    path("qualite/actions/<int:action_id>/statut", views.action_status, name="action_status"),
]
