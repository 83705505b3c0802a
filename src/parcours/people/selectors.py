"""Read queries on the dossier unique, always scoped to the acting user; reads of a record are audited
by the callers that show it (views and API) through open_record()."""

from django.db import connection
from django.db.models import Prefetch, Q
from django.db.models.expressions import RawSQL

from parcours.access import scoping
from parcours.access.models import AuditAction
from parcours.access.roles import Perm
from parcours.access.services import audit
from parcours.core.errors import NotFound
from parcours.core.text import fold
from parcours.people.choices import NoteConfidentiality
from parcours.people.models import Document, Measure, Note, Person, RecordChange, Relationship


def search_persons(user, query: str = "", *, include_archived: bool = True):
    """Persons in scope whose names contain every word of the query, accents and case ignored
    (so 'joel dupont', 'DUPONT Joël' and 'dup' all find Joël Dupont)."""
    qs = _searchable(user, include_archived)
    for word in fold(query).split():
        qs = qs.filter(search_name__contains=word)
    return qs.select_related("commune").order_by(*NAME_ORDER)


NAME_ORDER = ("last_name", "first_name", "id")


def _searchable(user, include_archived: bool):
    qs = Person.objects.visible_to(user).filter(merged_into__isnull=True)
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
    """Confidentiality levels of notes this user may read on this record."""
    if scoping.is_partner_only(user):
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
    user, person_id, *, reason: str = "", section: str = "record", related=("commune", "home_establishment")
) -> Person:
    """A person's record for display: visible or 404, and the read is audited."""
    person = scoping.person_for(user, person_id, related=related)
    if person.merged_into_id and not scoping.sees_everything(user):
        pass  # still readable: the page points to the record it was merged into
    audit(user, AuditAction.VIEW, person, person=person, reason=reason, section=section)
    return person


def record_sections(user, person: Person) -> dict:
    """Everything the record page shows, in a bounded number of queries."""
    from parcours.pathways.models import Assignment, Stay

    return {
        "relationships": list(
            Relationship.objects.filter(person=person).select_related("relative").order_by("kind")
        ),
        "measures": list(Measure.objects.filter(person=person).select_related("authority")),
        "documents": list(Document.objects.filter(person=person).select_related("uploaded_by")),
        "notes": list(notes(user, person)),
        "stays": list(
            Stay.objects.filter(person=person).select_related("unit__establishment").order_by("-start_date")
        ),
        "assignments": list(Assignment.objects.filter(person=person).select_related("professional")),
        "changes": list(RecordChange.objects.filter(person=person).select_related("actor")[:200]),
    }


def relationships(user, person_id):
    person = scoping.person_for(user, person_id)
    return person, Relationship.objects.filter(person=person).select_related("relative")


def measures(user, person_id):
    person = scoping.person_for(user, person_id)
    return person, Measure.objects.filter(person=person).select_related("authority")


def document_for(user, document_id) -> Document:
    try:
        document_id = int(document_id)
    except (TypeError, ValueError):
        raise NotFound("Document introuvable.") from None
    doc = Document.objects.filter(pk=document_id, person__in=Person.objects.visible_to(user)).first()
    if doc is None:
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
