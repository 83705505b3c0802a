from django.urls import path

from parcours.assessments import views

app_name = "assessments"
urlpatterns = [
    path("grilles/", views.grid_list, name="grids"),
    path("grilles/<int:grid_id>/", views.designer, name="grid"),
    path("grilles/<int:grid_id>/sections", views.add_section, name="add_section"),
    path(
        "grilles/<int:grid_id>/sections/<int:section_id>/supprimer",
        views.remove_section,
        name="remove_section",
    ),
    path("grilles/<int:grid_id>/questions", views.add_question, name="add_question"),
    path(
        "grilles/<int:grid_id>/questions/<int:question_id>/supprimer",
        views.remove_question,
        name="remove_question",
    ),
    path("grilles/<int:grid_id>/publier", views.publish, name="publish"),
    path("grilles/<int:grid_id>/nouvelle-version", views.new_version, name="new_version"),
    path("grilles/<int:grid_id>/remplir/", views.fill, name="fill"),
    path("grilles/evaluations/<int:assessment_id>/", views.assessment_page, name="assessment"),
]
