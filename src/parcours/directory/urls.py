from django.urls import path

from parcours.directory import views

app_name = "directory"
urlpatterns = [
    path("offre/", views.offer, name="offer"),
    path("unites/<int:unit_id>/", views.unit, name="unit"),
    path("partenaires/", views.partners, name="partners"),
]
