from django.urls import path

from parcours.steering import views

app_name = "steering"
urlpatterns = [
    path("pilotage/", views.dashboard, name="dashboard"),
    path("pilotage/detail/", views.drilldown, name="drilldown"),
    path("pilotage/rapports/", views.reports, name="reports"),
    path("pilotage/rapports/<int:report_id>/", views.report, name="report"),
    path("pilotage/rapports/<int:report_id>/rapport.<str:fmt>", views.report_file, name="report_file"),
]
