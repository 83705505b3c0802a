"""Read queries on the dossier unique, always scoped to the acting user; reads of a record are audited
by the callers that show it (views and API) through open_record()."""

from django.db import connection
from django.db.models import Prefetch, Q
from django.db.models.expressions import RawSQL

from parcours.access import scoping
from parcours.access.models import AuditAction
from parcours.access.roles import Perm
from parcours.access.services import audit
from parcours.core.errors import Forbidden, NotFound
from parcours.core.text import fold
from parcours.people.choices import NoteConfidentiality
from parcours.people.models import (
    Document,
    DocumentShare,
    Measure,
    Note,
    Person,
    RecordChange,
    Relationship,
)


def search_persons(user, query: str = "", *, include_archived: bool = True):
    """Persons in scope whose names contain every word of the query, accents and case ignored
    (so 'joel dupont', 'DUPONT Joël' and 'dup' all find Joël Dupont)."""
    qs = _searchable(user, include_archived)
    for word in fold(query).split():
        qs = qs.filter(search_name__contains=word)
    return qs.select_related("commune").order_by(*NAME_ORDER)


NAME_ORDER = ("last_name", "first_name", "id")


def _searchable(user, include_archived: bool):
    qs = Person.objects.visible_to(user, Perm.VIEW_IDENTITY).filter(merged_into__isnull=True)
    return qs if include_archived else qs.filter(archived_at__isnull=True)


# How many persons, in name order, are looked at first for a frequent fragment.
SEARCH_HEAD = 20_000


def search_page(user, query: str, limit: int, offset: int = 0, *, include_archived: bool = True) -> list:
    """One page of search_persons(), found fast whatever the fragment's frequency.

    The trigram index finds the matches of a rare fragment at once, but a frequent one ("mar":
    tens of thousands of persons at national size) makes PostgreSQL fetch and sort every match for
    the first page. So the first SEARCH_HEAD persons in name order are tried first, read from the
    name-order index with their folded names (migration people 0003, whose condition the query
    repeats): when their first matches fill the page once the scope is applied, the page is exact —
    every later match sorts after them. Otherwise the full search answers."""
    words = fold(query).split()
    if words:
        name_order = ", ".join(NAME_ORDER)
        like = " AND ".join(["h.search_name LIKE %s"] * len(words))
        patterns = [f"%{connection.ops.prep_for_like_query(w)}%" for w in words]
        head = RawSQL(
            f"""SELECT h.id FROM (SELECT {name_order}, search_name FROM {Person._meta.db_table}
                                  WHERE search_name <> '' ORDER BY {name_order} LIMIT %s) h
                WHERE {like} ORDER BY {name_order} LIMIT %s""",
            (SEARCH_HEAD, *patterns, 4 * (offset + limit)),
        )
        qs = _searchable(user, include_archived).filter(pk__in=head)
        found = list(qs.select_related("commune").order_by(*NAME_ORDER)[offset : offset + limit])
        if len(found) == limit:
            return found
    return list(search_persons(user, query, include_archived=include_archived)[offset : offset + limit])


def note_levels(user, person: Person) -> set[str]:
    """Confidentiality levels of notes this user may read on this record: a partner, only the notes
    written for it."""
    if not scoping.reaches_as_professional(user, person, Perm.VIEW_NOTES):
        return {NoteConfidentiality.PARTNER}
    levels = {NoteConfidentiality.TEAM, NoteConfidentiality.PARTNER}
    if scoping.persons_visible_to(
        user, Person.objects.filter(pk=person.pk), Perm.CONFIDENTIAL_NOTES
    ).exists():
        levels.add(NoteConfidentiality.COORDINATOR)
    return levels


def notes(user, person: Person):
    return person.notes.filter(confidentiality__in=note_levels(user, person)).select_related("author")


def open_record(
    user,
    person_id,
    *,
    reason: str = "",
    section: str = "record",
    related=("commune", "home_establishment"),
    perm: str = Perm.VIEW_RECORDS,
) -> Person:
    """A person's record for display: 404 when out of sight, 403 when the permission for that part
    of the record is not granted (a partner asking for the whole record); the read is audited."""
    person = scoping.person_for(user, person_id, perm, related=related)
    audit(user, AuditAction.VIEW, person, person=person, reason=reason, section=section)
    return person


def record_rights(user, person: Person) -> dict[str, bool]:
    """What the user may see and do on this record, one flag per permission (the page shows only
    those parts; the services check each verb again)."""
    writable = not person.is_archived and not person.merged_into_id
    flags = {
        "whole": Perm.VIEW_RECORDS,
        "measures": Perm.VIEW_MEASURES,
        "documents": Perm.VIEW_DOCUMENTS,
        "notes": Perm.VIEW_NOTES,
        "plans": Perm.VIEW_PLANS,
        "edit": Perm.EDIT_RECORDS,
        "identity": Perm.EDIT_IDENTITY,
        "add_document": Perm.ADD_DOCUMENTS,
        "export": Perm.EXPORT_RECORDS,
        "merge": Perm.MERGE_RECORDS,
    }
    held = scoping.rights_on(user, person.pk, set(flags.values()))
    rights = {name: held[perm] for name, perm in flags.items()}
    for name in ("edit", "identity", "add_document", "merge"):
        rights[name] = writable and rights[name]
    rights["merge"] = rights["merge"] and rights["edit"]
    rights["share"] = rights["edit"]
    rights["identity_view"] = True  # the caller got the person through person_for(VIEW_IDENTITY)
    return rights


def record_sections(user, person: Person, rights: dict | None = None) -> dict:
    """Everything the record page shows that the user may see, in a bounded number of queries."""
    from parcours.pathways.models import Assignment, Stay

    rights = rights or record_rights(user, person)
    whole = rights["whole"]
    return {
        "relationships": list(
            Relationship.objects.filter(person=person).select_related("relative").order_by("kind")
        )
        if whole
        else [],
        "measures": list(measures_of(user, person)) if rights["measures"] else [],
        "documents": list(documents_of(user, person).select_related("uploaded_by"))
        if rights["documents"]
        else [],
        "notes": list(notes(user, person)) if rights["notes"] else [],
        "stays": list(
            Stay.objects.filter(person=person).select_related("unit__establishment").order_by("-start_date")
        )
        if whole
        else [],
        "assignments": list(Assignment.objects.filter(person=person).select_related("professional"))
        if whole
        else [],
        "changes": list(RecordChange.objects.filter(person=person).select_related("actor")[:200])
        if whole
        else [],
    }


def relationships(user, person_id):
    person = scoping.person_for(user, person_id)
    return person, Relationship.objects.filter(person=person).select_related("relative")


def measures_of(user, person: Person):
    """The measures of a record the user may read: all of them in its professional scope; for a
    partner, those its own organisation holds (never another authority's)."""
    qs = Measure.objects.filter(person=person).select_related("authority")
    if scoping.reaches_as_professional(user, person, Perm.VIEW_MEASURES):
        return qs
    return qs.filter(authority_id__in=scoping.own_organisation_ids(user, Perm.VIEW_MEASURES))


def measures(user, person_id):
    person = scoping.person_for(user, person_id, Perm.VIEW_MEASURES)
    return person, measures_of(user, person)


def documents_of(user, person: Person):
    """The documents of a record the user may read: all of them in its professional scope; for a
    partner, those it uploaded itself and those a unit explicitly shared with its organisation."""
    qs = Document.objects.filter(person=person)
    if scoping.reaches_as_professional(user, person, Perm.VIEW_DOCUMENTS):
        return qs
    orgs = scoping.own_organisation_ids(user, Perm.VIEW_DOCUMENTS)
    shared = DocumentShare.objects.filter(organisation_id__in=orgs).values("document_id")
    return qs.filter(Q(uploaded_by=user) | Q(pk__in=shared))


def documents(user, person_id):
    person = scoping.person_for(user, person_id, Perm.VIEW_DOCUMENTS)
    return person, documents_of(user, person)


def document_for(user, document_id) -> Document:
    """A document the user may read (404 otherwise, whether it exists or not)."""
    try:
        document_id = int(document_id)
    except (TypeError, ValueError):
        raise NotFound("Document introuvable.") from None
    doc = Document.objects.filter(pk=document_id).select_related("person").first()
    if doc is None:
        raise NotFound("Document introuvable.")
    try:
        person = scoping.person_for(user, doc.person_id, Perm.VIEW_DOCUMENTS, related=())
    except (NotFound, Forbidden):
        raise NotFound("Document introuvable.") from None
    if not documents_of(user, person).filter(pk=doc.pk).exists():
        raise NotFound("Document introuvable.")
    return doc


def person_export_data(user, person: Person) -> dict:
    """All data held on one person, for the GDPR access right (the caller audits the export)."""
    from parcours.pathways.models import Assignment, Stay

    def row(obj, fields):
        out = {}
        for f in fields:
            value = getattr(obj, f)
            out[f] = (
                value.isoformat()
                if hasattr(value, "isoformat")
                else (value.pk if hasattr(value, "pk") else value)
            )
        return out

    return {
        "person": row(
            person,
            [
                "id",
                "first_name",
                "last_name",
                "birth_name",
                "birth_date",
                "sex",
                "commune_id",
                "address",
                "nir",
                "phone",
                "email",
                "created_at",
                "archived_at",
            ],
        ),
        "relationships": [
            {
                **row(r, ["relative_id", "kind", "parental_authority", "notes"]),
                "relative_name": str(r.relative),
            }
            for r in person.relationships.select_related("relative")
        ],
        "measures": [
            row(m, ["id", "kind", "authority_id", "start_date", "end_date", "reference", "details"])
            for m in person.measures.all()
        ],
        "documents": [
            row(
                d,
                [
                    "id",
                    "kind",
                    "title",
                    "filename",
                    "content_type",
                    "size",
                    "sha256",
                    "uploaded_at",
                    "document_date",
                    "retention_until",
                ],
            )
            for d in person.documents.all()
        ],
        "notes": [
            row(n, ["id", "date", "text", "confidentiality", "author_id"]) for n in notes(user, person)
        ],
        "stays": [
            {
                **row(s, ["id", "unit_id", "start_date", "end_date", "exit_reason", "intensity"]),
                "unit": s.unit.name,
                "days": s.days,
            }
            for s in Stay.objects.filter(person=person).select_related("unit")
        ],
        "assignments": [
            row(a, ["professional_id", "role", "start_date", "end_date"])
            for a in Assignment.objects.filter(person=person)
        ],
        "history": [
            row(c, ["at", "actor_id", "model", "object_id", "field", "old_value", "new_value"])
            for c in RecordChange.objects.filter(person=person)
        ],
    }


__all__ = ["Note", "Prefetch", "Q"]
