from django.urls import path

from parcours.steering.incidents import views

app_name = "incidents"
urlpatterns = [
    path("evenements-indesirables/", views.register_page, name="register"),
    path("evenements-indesirables/registre.csv", views.register_csv, name="register_csv"),
    path("evenements-indesirables/declarer/", views.declare, name="declare"),
    path("evenements-indesirables/<int:incident_id>/", views.incident_page, name="incident"),
    path("evenements-indesirables/<int:incident_id>/eig.pdf", views.eig_form, name="eig_form"),
    path("evenements-indesirables/<int:incident_id>/personnes", views.add_person, name="add_person"),
    path(
        "evenements-indesirables/<int:incident_id>/personnes/<int:person_id>/retirer",
        views.remove_person,
        name="remove_person",
    ),
    path("evenements-indesirables/<int:incident_id>/qualification", views.classify, name="classify"),
    path("evenements-indesirables/<int:incident_id>/transmission", views.report, name="report"),
    path("evenements-indesirables/<int:incident_id>/analyse", views.analysis, name="analysis"),
    path("evenements-indesirables/<int:incident_id>/actions", views.add_action, name="add_action"),
    path(
        "evenements-indesirables/<int:incident_id>/actions/<int:action_id>/realisee",
        views.action_done,
        name="action_done",
    ),
    path("evenements-indesirables/<int:incident_id>/cloture", views.close, name="close"),
]
