from django.urls import path

from parcours.steering import views

app_name = "steering"
urlpatterns = [
    path("pilotage/", views.dashboard, name="dashboard"),
    path("pilotage/detail/", views.drilldown, name="drilldown"),
]
