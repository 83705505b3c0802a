from django.urls import path

from parcours.directory import views

app_name = "directory"
urlpatterns = [
    path("offre/", views.offer, name="offer"),
    path("unites/<int:unit_id>/", views.unit, name="unit"),
    path("unites/<int:unit_id>/admission", views.admission_terms, name="admission_terms"),
    path("partenaires/", views.partners, name="partners"),
]
