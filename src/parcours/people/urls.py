from django.urls import path

from parcours.people import views

app_name = "people"
urlpatterns = [
    path("personnes/", views.search, name="search"),
    path("personnes/nouvelle/", views.create, name="create"),
    path("personnes/<int:person_id>/", views.record, name="record"),
    path("personnes/<int:person_id>/notes", views.add_note, name="add_note"),
    path("personnes/<int:person_id>/mesures", views.add_measure, name="add_measure"),
    path("personnes/<int:person_id>/liens", views.add_relationship, name="add_relationship"),
    path("personnes/<int:person_id>/documents", views.upload_document, name="upload_document"),
    path("personnes/<int:person_id>/documents/partage", views.share_document, name="share_document"),
    path("personnes/<int:person_id>/identite", views.update_identity, name="update_identity"),
    path("personnes/<int:person_id>/sejours/fin", views.end_stay, name="end_stay"),
    path("personnes/<int:person_id>/fusion", views.merge, name="merge"),
    path("personnes/<int:person_id>/export.json", views.export, name="export"),
    path("documents/<int:document_id>/", views.download_document, name="download_document"),
]
