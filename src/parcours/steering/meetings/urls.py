from django.urls import path

from parcours.steering.meetings import views

app_name = "meetings"
urlpatterns = [
    path("reunions/", views.meeting_list, name="list"),
    path("reunions/<int:meeting_id>/", views.meeting_page, name="meeting"),
    path("reunions/<int:meeting_id>/modifier", views.edit_meeting, name="edit"),
    path("reunions/<int:meeting_id>/participants", views.add_participant, name="add_participant"),
    path(
        "reunions/<int:meeting_id>/participants/<int:participant_id>/retirer",
        views.remove_participant,
        name="remove_participant",
    ),
    path("reunions/<int:meeting_id>/presences", views.record_attendance, name="attendance"),
    path("reunions/<int:meeting_id>/compte-rendu", views.write_minutes, name="minutes"),
    path("reunions/<int:meeting_id>/personnes", views.add_person, name="add_person"),
    path(
        "reunions/<int:meeting_id>/personnes/<int:person_id>/retirer",
        views.remove_person,
        name="remove_person",
    ),
    path("analyse-des-pratiques/", views.requests_page, name="requests"),
    path("analyse-des-pratiques/<int:request_id>/", views.request_page, name="request"),
    path("analyse-des-pratiques/<int:request_id>/cloturer", views.close_request, name="close_request"),
    path(
        "analyse-des-pratiques/propositions/<int:proposal_id>/retenir",
        views.accept_proposal,
        name="accept_proposal",
    ),
]
