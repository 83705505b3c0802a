"""API: the dossier unique (API.md — People). Every response showing a person's data is audited."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from ninja import File, Form, Router, Status, UploadedFile

from parcours.access import scoping
from parcours.access.models import AuditAction
from parcours.access.roles import Perm
from parcours.access.services import audit
from parcours.api.common import ERRORS, list_of, listing, page
from parcours.core.errors import Invalid
from parcours.people import selectors, services
from parcours.people.models import RecordChange
from parcours.people.schemas import (
    ChangeOut,
    DocumentOut,
    DocumentShareIn,
    DocumentShareOut,
    MeasureIn,
    MeasureOut,
    MeasurePatch,
    MergeIn,
    NoteIn,
    NoteOut,
    PersonDetailOut,
    PersonIn,
    PersonOut,
    PersonPatch,
    RelationshipIn,
    RelationshipOut,
)

router = Router(tags=["Personnes"])


@router.get("/persons", response={200: list_of(PersonOut), **ERRORS})
def list_persons(request, search: str = "", limit: int = 50, offset: int = 0):
    """Persons in scope; ?search= matches names, accents and case ignored. The listing is audited."""
    if len(search) > 100:
        raise Invalid({"search": "100 caractères au plus."})
    count, items = page(
        selectors.search_persons(request.user, search),
        limit,
        offset,
        fetch=lambda n, skip: selectors.search_page(request.user, search, n, skip),
    )
    audit(request.user, AuditAction.SEARCH, "person", query=search[:100], ids=[p.pk for p in items])
    return {"count": count, "items": items}


@router.post("/persons", response={201: PersonDetailOut, **ERRORS})
def create_person(request, data: PersonIn):
    return Status(201, services.create_person(request.user, **data.dict()))


@router.get("/persons/{person_id}", response={200: PersonDetailOut, **ERRORS})
def get_person(request, person_id: int):
    return selectors.open_record(
        request.user, person_id, section="identity", related=(), perm=Perm.VIEW_IDENTITY
    )


@router.patch("/persons/{person_id}", response={200: PersonDetailOut, **ERRORS})
def update_person(request, person_id: int, data: PersonPatch):
    return services.update_person(request.user, person_id, **data.dict(exclude_unset=True))


@router.get("/persons/{person_id}/relationships", response={200: list[RelationshipOut], **ERRORS})
def list_relationships(request, person_id: int):
    person, qs = selectors.relationships(request.user, person_id)
    audit(request.user, AuditAction.VIEW, person, person=person, section="relationships")
    return list(qs)


@router.post("/persons/{person_id}/relationships", response={201: RelationshipOut, **ERRORS})
def add_relationship(request, person_id: int, data: RelationshipIn):
    return Status(201, services.add_relationship(request.user, person_id, **data.dict()))


@router.get("/persons/{person_id}/measures", response={200: list[MeasureOut], **ERRORS})
def list_measures(request, person_id: int):
    person, qs = selectors.measures(request.user, person_id)
    audit(request.user, AuditAction.VIEW, person, person=person, section="measures")
    return list(qs)


@router.post("/persons/{person_id}/measures", response={201: MeasureOut, **ERRORS})
def add_measure(request, person_id: int, data: MeasureIn):
    return Status(201, services.add_measure(request.user, person_id, **data.dict()))


@router.patch("/measures/{measure_id}", response={200: MeasureOut, **ERRORS})
def update_measure(request, measure_id: int, data: MeasurePatch):
    return services.update_measure(request.user, measure_id, **data.dict(exclude_unset=True))


@router.get("/persons/{person_id}/notes", response={200: list[NoteOut], **ERRORS})
def list_notes(request, person_id: int):
    person = scoping.person_for(request.user, person_id, Perm.VIEW_NOTES)
    audit(request.user, AuditAction.VIEW, person, person=person, section="notes")
    return list(selectors.notes(request.user, person))


@router.post("/persons/{person_id}/notes", response={201: NoteOut, **ERRORS})
def add_note(request, person_id: int, data: NoteIn):
    return Status(201, services.add_note(request.user, person_id, **data.dict()))


@router.get("/persons/{person_id}/documents", response={200: list[DocumentOut], **ERRORS})
def list_documents(request, person_id: int):
    person, qs = selectors.documents(request.user, person_id)
    audit(request.user, AuditAction.VIEW, person, person=person, section="documents")
    return list(qs)


@router.post("/persons/{person_id}/documents", response={201: DocumentOut, **ERRORS})
def upload_document(
    request,
    person_id: int,
    file: File[UploadedFile],
    kind: Form[str],
    title: Form[str] = "",
    document_date: Form[str] = "",
):
    from datetime import date

    from parcours.core.validators import date_error

    when = None
    if document_date:
        try:
            when = date.fromisoformat(document_date)
        except ValueError:
            raise Invalid({"document_date": "Date attendue au format AAAA-MM-JJ."}) from None
        if date_error(when):
            raise Invalid({"document_date": date_error(when)})
    data = file.read()
    return Status(
        201,
        services.upload_document(
            request.user,
            person_id,
            filename=file.name or "",
            data=data,
            kind=kind,
            title=title,
            document_date=when,
        ),
    )


@router.get("/documents/{document_id}/content", response={200: None, **ERRORS})
def download_document(request, document_id: int):
    """The decrypted file; the download is audited."""
    doc, data = services.read_document(request.user, document_id)
    response = HttpResponse(data, content_type=doc.content_type)
    response["Content-Disposition"] = content_disposition_header(True, doc.filename)
    response["Cache-Control"] = "no-store"
    return response


@router.post("/documents/{document_id}/shares", response={201: DocumentShareOut, **ERRORS})
def share_document(request, document_id: int, data: DocumentShareIn):
    """Share one document of the record with a partner organisation, whose referents may then read
    it (the rest of the file stays out of their reach)."""
    return Status(201, services.share_document(request.user, document_id, data.organisation))


@router.get("/persons/{person_id}/history", response={200: list_of(ChangeOut), **ERRORS})
def history(request, person_id: int, limit: int = 50, offset: int = 0):
    person = scoping.person_for(request.user, person_id)
    audit(request.user, AuditAction.VIEW, person, person=person, section="history")
    return listing(RecordChange.objects.filter(person=person), limit, offset)


@router.post("/persons/{person_id}/merge", response={200: PersonDetailOut, **ERRORS})
def merge(request, person_id: int, data: MergeIn):
    """Merge the duplicate record `merged` into this one; everything of both is kept."""
    return services.merge_persons(request.user, person_id, data.merged)


@router.get("/persons/{person_id}/export", response={200: dict, **ERRORS})
def export(request, person_id: int):
    """Everything held on the person (GDPR access right), audited as an export."""
    return services.export_person(request.user, person_id)
