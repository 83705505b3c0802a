from django.urls import path

from parcours.plans import views

app_name = "plans"
urlpatterns = [
    path("echeances/", views.dashboard, name="dashboard"),
    path("personnes/<int:person_id>/projets/", views.person_plans, name="person_plans"),
    path("projets/<int:plan_id>/", views.plan_page, name="plan"),
    path("projets/<int:plan_id>/document.pdf", views.plan_document, name="document"),
    path("projets/<int:plan_id>/expression", views.save_expression, name="expression"),
    path("projets/<int:plan_id>/besoins", views.add_need, name="add_need"),
    path("projets/<int:plan_id>/besoins/<int:index>/retirer", views.remove_need, name="remove_need"),
    path("projets/<int:plan_id>/partenaires", views.add_partner, name="add_partner"),
    path(
        "projets/<int:plan_id>/partenaires/<int:index>/retirer", views.remove_partner, name="remove_partner"
    ),
    path("projets/<int:plan_id>/objectifs", views.add_objective, name="add_objective"),
    path(
        "projets/<int:plan_id>/objectifs/<int:objective_id>/retirer",
        views.remove_objective,
        name="remove_objective",
    ),
    path("projets/<int:plan_id>/signature", views.sign, name="sign"),
    path("projets/<int:plan_id>/avenant", views.amend, name="amend"),
    path("projets/<int:plan_id>/evaluation", views.evaluation, name="evaluation"),
]
