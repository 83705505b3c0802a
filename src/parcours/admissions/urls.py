from django.urls import path

from parcours.admissions import views

app_name = "admissions"
urlpatterns = [
    path("orientations/", views.board, name="board"),
    path("orientations/nouvelle/", views.new_referral, name="new"),
    path("orientations/<int:referral_id>/", views.referral, name="referral"),
    path("orientations/<int:referral_id>/decision", views.decide, name="decide"),
    path("orientations/<int:referral_id>/admission", views.admit, name="admit"),
    path("orientations/<int:referral_id>/documents", views.attach, name="attach"),
    path(
        "orientations/<int:referral_id>/documents/<int:document_id>/", views.shared_document, name="document"
    ),
    path("orientations/<int:referral_id>/informations", views.ask_information, name="ask_information"),
    path("unites/<int:unit_id>/attente/", views.waiting_list, name="waiting_list"),
    path("offre/partagee/", views.shared_offer, name="shared_offer"),
    path("orientations/affectation/", views.allocation_page, name="allocation"),
    path("commissions/", views.sessions, name="sessions"),
    path("commissions/<int:session_id>/", views.session, name="session"),
    path("notifications/", views.notifications_page, name="notifications"),
    path("personnes/<int:person_id>/parcours/", views.pathway_page, name="pathway"),
]
