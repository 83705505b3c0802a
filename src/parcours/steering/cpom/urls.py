from django.urls import path

from parcours.steering.cpom import views

app_name = "cpom"
urlpatterns = [
    path("cpom/", views.cpom_list, name="list"),
    path("cpom/<int:cpom_id>/", views.cpom_page, name="cpom"),
    path("cpom/<int:cpom_id>/objectifs", views.add_objective, name="add_objective"),
    path("cpom/<int:cpom_id>/actions", views.add_action, name="add_action"),
    path("cpom/<int:cpom_id>/etapes", views.add_stage, name="add_stage"),
    path("cpom/<int:cpom_id>/avancement", views.stage_progress, name="stage_progress"),
    path("cpom/<int:cpom_id>/indicateurs", views.add_indicator, name="add_indicator"),
    path("cpom/<int:cpom_id>/valeurs", views.record_value, name="record_value"),
    path("cpom/<int:cpom_id>/document.pdf", views.document_pdf, name="document"),
    path("cpom/<int:cpom_id>/export.xlsx", views.export_xlsx, name="export"),
]
