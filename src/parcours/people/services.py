"""Writes on the dossier unique. One function per verb, each in a transaction, checking scope,
keeping the field-level history and writing the audit log."""

import difflib
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from parcours.access import scoping
from parcours.access.models import AuditAction
from parcours.access.roles import Perm
from parcours.access.services import audit
from parcours.core.dates import add_years, today
from parcours.core.errors import Conflict, Forbidden, Invalid
from parcours.core.services import clean, pick
from parcours.core.text import compact, fold
from parcours.core.validators import birth_date_error
from parcours.directory.models import Commune, Establishment, Organisation
from parcours.people import documents as storage
from parcours.people.choices import (
    INVERSE_KIND,
    DocumentKind,
    MeasureKind,
    NoteConfidentiality,
    RelationshipKind,
)
from parcours.people.models import (
    Document,
    DocumentShare,
    Measure,
    Note,
    Person,
    RecordChange,
    Relationship,
)

IDENTITY_FIELDS = [
    "first_name",
    "last_name",
    "birth_name",
    "birth_date",
    "sex",
    "commune",
    "address",
    "nir",
    "phone",
    "email",
]


def _writable(person: Person) -> None:
    if person.is_archived:
        raise Conflict("Dossier archivé : lecture seule.")
    if person.merged_into_id:
        raise Conflict(f"Dossier fusionné dans le dossier n° {person.merged_into_id}.")


def _display(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "pk"):
        return str(value.pk)
    return str(value)


def _history(actor, person: Person, obj, changes: dict) -> None:
    RecordChange.objects.bulk_create(
        RecordChange(
            person=person,
            actor=actor,
            model=obj._meta.model_name,
            object_id=obj.pk,
            field=field,
            old_value=_display(old),
            new_value=_display(new),
        )
        for field, (old, new) in changes.items()
    )


# --- duplicates --------------------------------------------------------------------------------


def name_similarity(first_a: str, last_a: str, first_b: str, last_b: str) -> float:
    """Similarity of two identities (0–1), ignoring accents, case, hyphens and inverted names."""
    a = compact(first_a) + "|" + compact(last_a)
    straight = difflib.SequenceMatcher(None, a, compact(first_b) + "|" + compact(last_b)).ratio()
    inverted = difflib.SequenceMatcher(None, a, compact(last_b) + "|" + compact(first_b)).ratio()
    return max(straight, inverted)


def likely_duplicates(actor, *, first_name: str, last_name: str, birth_date: date, threshold: float = 0.8):
    """Records of the user's scope with the same birth date and similar names, best first."""
    candidates = Person.objects.visible_to(actor, Perm.VIEW_IDENTITY).active().filter(birth_date=birth_date)
    scored = [(name_similarity(first_name, last_name, p.first_name, p.last_name), p) for p in candidates]
    # Also a match when the birth name is the searched last name.
    scored = [
        (
            max(
                score,
                name_similarity(first_name, last_name, p.first_name, p.birth_name) if p.birth_name else 0,
            ),
            p,
        )
        for score, p in scored
    ]
    return [p for score, p in sorted(scored, key=lambda sp: -sp[0]) if score >= threshold]


# --- persons -----------------------------------------------------------------------------------


def _default_home(actor) -> Establishment | None:
    ests = list(scoping.establishments_visible_to(actor, Perm.EDIT_RECORDS)[:2])
    return ests[0] if len(ests) == 1 else None


def create_person(
    actor,
    *,
    first_name: str,
    last_name: str,
    birth_date: date,
    sex: str,
    commune: str | None = None,
    nir: str = "",
    birth_name: str = "",
    address: str = "",
    phone: str = "",
    email: str = "",
    home_establishment: int | None = None,
    allow_duplicate: bool = False,
) -> Person:
    """Register a person. Likely duplicates in scope are refused (409 listing them) unless the user
    confirms with allow_duplicate, so the same child is not registered twice."""
    if not scoping.has_perm_somewhere(actor, Perm.REGISTER_PERSONS):
        raise Forbidden()
    # a professional registers for an establishment of its scope; a partner for itself only
    is_partner = not scoping.grants_over_scope(actor, Perm.REGISTER_PERSONS)
    home = None
    if home_establishment:
        home = pick(
            Establishment,
            home_establishment,
            "home_establishment",
            "Établissement",
            scoping.establishments_visible_to(actor, Perm.EDIT_RECORDS),
        )
    elif not is_partner:
        home = _default_home(actor)
        if home is None and not scoping.sees_everything(actor):
            raise Invalid({"home_establishment": "Précisez l'établissement qui enregistre ce dossier."})
    commune_obj = None
    if commune:
        commune_obj = Commune.objects.filter(code=commune).first()
        if commune_obj is None:
            raise Invalid({"commune": f"Commune {commune} inconnue du référentiel INSEE."})
    person = Person(
        first_name=(first_name or "").strip(),
        last_name=(last_name or "").strip(),
        birth_name=(birth_name or "").strip(),
        birth_date=birth_date,
        sex=sex,
        commune=commune_obj,
        nir=(nir or "").replace(" ", ""),
        address=address,
        phone=phone,
        email=email,
        home_establishment=home,
        created_by=actor,
    )
    clean(person, exclude=["search_name"])
    if birth_date_error(birth_date):
        raise Invalid({"birth_date": birth_date_error(birth_date)})
    if not allow_duplicate:
        duplicates = likely_duplicates(
            actor, first_name=person.first_name, last_name=person.last_name, birth_date=birth_date
        )
        if duplicates:
            raise Conflict(
                "Dossier(s) probablement identique(s) : vérifiez avant de créer un doublon.",
                [
                    {
                        "field": "duplicates",
                        "message": f"{p} (n° {p.pk}, né·e le {p.birth_date:%d/%m/%Y})",
                        "id": p.pk,
                    }
                    for p in duplicates
                ],
            )
    with transaction.atomic():
        person.save()
        audit(actor, AuditAction.CREATE, person, person=person)
    return person


def update_person(actor, person_id: int, **fields) -> Person:
    """Change identity fields; each changed field is kept in the record's history. A partner may
    change the identity of a person it registered only while no unit has admitted the person."""
    person = scoping.person_for(actor, person_id, Perm.EDIT_IDENTITY)
    _writable(person)
    unknown = set(fields) - set(IDENTITY_FIELDS)
    if unknown:
        raise Invalid({name: "Champ non modifiable." for name in unknown})
    if "commune" in fields:
        code = fields["commune"]
        fields["commune"] = Commune.objects.filter(code=code).first() if code else None
        if code and fields["commune"] is None:
            raise Invalid({"commune": f"Commune {code} inconnue du référentiel INSEE."})
    changes = {}
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        old = getattr(person, name)
        if old != value:
            changes[name] = (old, value)
            setattr(person, name, value)
    if not changes:
        return person
    clean(person, exclude=["search_name"])
    if "birth_date" in changes and birth_date_error(person.birth_date):
        raise Invalid({"birth_date": birth_date_error(person.birth_date)})
    with transaction.atomic():
        person.save(update_fields=list(changes))
        _history(actor, person, person, changes)
        audit(actor, AuditAction.UPDATE, person, person=person, fields=sorted(changes))
    return person


def add_relationship(
    actor, person_id: int, *, relative: int, kind: str, parental_authority: bool = False, notes: str = ""
) -> Relationship:
    """Link a relative (itself a person of the record); the inverse link is recorded on the relative."""
    person = scoping.person_for(actor, person_id, Perm.EDIT_RECORDS)
    _writable(person)
    other = pick(Person, relative, "relative", "Personne", Person.objects.visible_to(actor))
    if other.pk == person.pk:
        raise Invalid({"relative": "Une personne ne peut pas être sa propre relation."})
    if kind not in RelationshipKind.values:
        raise Invalid({"kind": "Lien inconnu : " + ", ".join(RelationshipKind.values) + "."})
    try:
        with transaction.atomic():
            rel = Relationship.objects.create(
                person=person,
                relative=other,
                kind=kind,
                parental_authority=bool(parental_authority),
                notes=notes,
            )
            inverse = INVERSE_KIND.get(kind)
            if inverse:
                Relationship.objects.get_or_create(person=other, relative=person, kind=inverse)
            audit(actor, AuditAction.CREATE, rel, person=person, relative=other.pk, kind=kind)
    except IntegrityError:
        raise Conflict("Ce lien existe déjà.") from None
    return rel


def _measure_errors(kind, start_date, end_date) -> dict:
    errors = {}
    if kind not in MeasureKind.values:
        errors["kind"] = "Mesure inconnue : " + ", ".join(MeasureKind.values) + "."
    if start_date is None:
        errors["start_date"] = "Date de début obligatoire."
    elif end_date is not None and end_date < start_date:
        errors["end_date"] = "La date de fin précède la date de début."
    return errors


def add_measure(
    actor,
    person_id: int,
    *,
    kind: str,
    start_date: date,
    end_date: date | None = None,
    authority: int | None = None,
    reference: str = "",
    details: str = "",
) -> Measure:
    """Record a legal or administrative measure (ASE, judicial, PJJ, MDPH orientation…)."""
    person = scoping.person_for(actor, person_id, Perm.EDIT_RECORDS)
    _writable(person)
    errors = _measure_errors(kind, start_date, end_date)
    if errors:
        raise Invalid(errors)
    org = pick(Organisation, authority, "authority", "Autorité") if authority else None
    measure = Measure(
        person=person,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        authority=org,
        reference=(reference or "").strip(),
        details=details or "",
        created_by=actor,
    )
    clean(measure)
    with transaction.atomic():
        measure.save()
        audit(actor, AuditAction.CREATE, measure, person=person, kind=kind)
        _measures_changed(actor, person)
    return measure


def update_measure(actor, measure_id: int, **fields) -> Measure:
    """Change a measure (its end date, reference…), keeping each change in the history."""
    measure = Measure.objects.filter(pk=measure_id).select_related("person").first()
    if measure is None:
        raise Invalid({"measure": "Mesure introuvable."})
    person = scoping.person_for(actor, measure.person_id, Perm.EDIT_RECORDS)
    _writable(person)
    allowed = {"kind", "start_date", "end_date", "reference", "details"}
    if set(fields) - allowed:
        raise Invalid({name: "Champ non modifiable." for name in set(fields) - allowed})
    changes = {k: (getattr(measure, k), v) for k, v in fields.items() if getattr(measure, k) != v}
    for k, (_, v) in changes.items():
        setattr(measure, k, v)
    errors = _measure_errors(measure.kind, measure.start_date, measure.end_date)
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        measure.save()
        _history(actor, person, measure, changes)
        audit(actor, AuditAction.UPDATE, measure, person=person, fields=sorted(changes))
        if changes.keys() & {"kind", "start_date", "end_date"}:
            _measures_changed(actor, person)
    return measure


def _measures_changed(actor, person: Person) -> None:
    """The legal deadlines of the plans depend on the measures (DOMAIN.md): recompute them in the same
    transaction. The plans app sits above people; the call is explicit rather than hidden in a signal."""
    from parcours.plans.services import follow_measures

    follow_measures(person, actor)


def add_note(
    actor,
    person_id: int,
    *,
    text: str,
    date: date | None = None,
    confidentiality: str = NoteConfidentiality.TEAM,
) -> Note:
    """Write a dated note; 'coordinator only' notes need the coordination or management role."""
    person = scoping.person_for(actor, person_id, Perm.EDIT_RECORDS)
    _writable(person)
    errors = {}
    if not (text or "").strip():
        errors["text"] = "Le texte de la note est vide."
    if confidentiality not in NoteConfidentiality.values:
        errors["confidentiality"] = "Niveau inconnu : team, coordinator ou partner."
    if date and date > today():
        errors["date"] = "La date de la note est dans le futur."
    if errors:
        raise Invalid(errors)
    if (
        confidentiality == NoteConfidentiality.COORDINATOR
        and not scoping.persons_visible_to(
            actor, Person.objects.filter(pk=person.pk), Perm.CONFIDENTIAL_NOTES
        ).exists()
    ):
        raise Forbidden("Seuls la coordination et l'encadrement écrivent des notes réservées.")
    with transaction.atomic():
        note = Note.objects.create(
            person=person,
            author=actor,
            date=date or today(),
            text=text.strip(),
            confidentiality=confidentiality,
        )
        audit(actor, AuditAction.CREATE, note, person=person)
    return note


def upload_document(
    actor,
    person_id: int,
    *,
    filename: str,
    data: bytes,
    kind: str,
    title: str = "",
    document_date: date | None = None,
) -> Document:
    """Attach a file: type and size checked, encrypted at rest, retention date set. A partner may
    attach documents (the decision, the reports) to the persons it registered or referred."""
    person = scoping.person_for(actor, person_id, Perm.ADD_DOCUMENTS)
    _writable(person)
    if kind not in DocumentKind.values:
        raise Invalid({"kind": "Type de document inconnu."})
    content_type = storage.check_upload(filename, data)
    storage_name, digest = storage.store(data)
    try:
        with transaction.atomic():
            doc = Document.objects.create(
                person=person,
                kind=kind,
                title=(title or filename)[:200],
                filename=filename[:255],
                content_type=content_type,
                size=len(data),
                sha256=digest,
                storage_name=storage_name,
                uploaded_by=actor,
                document_date=document_date,
                retention_until=add_years(today(), settings.DOCUMENT_RETENTION_YEARS),
            )
            audit(actor, AuditAction.CREATE, doc, person=person, filename=filename[:255])
    except Exception:
        storage.remove(storage_name)
        raise
    return doc


def read_document(actor, document_id: int) -> tuple[Document, bytes]:
    """The decrypted content of a document of a visible record; every read is audited."""
    from parcours.people.selectors import document_for

    doc = document_for(actor, document_id)
    data = storage.load(doc.storage_name)
    audit(actor, AuditAction.DOWNLOAD, doc, person=doc.person_id)
    return doc, data


def share_document(actor, document_id: int, organisation: int) -> DocumentShare:
    """A professional of the record explicitly shares one document with a partner organisation (the
    département holding the measure…), whose referents may then read it; audited."""
    from parcours.people.selectors import document_for

    doc = document_for(actor, document_id)
    scoping.person_for(actor, doc.person_id, Perm.EDIT_RECORDS, related=())
    _writable(doc.person)
    org = pick(Organisation, organisation, "organisation", "Organisation")
    with transaction.atomic():
        share, created = DocumentShare.objects.get_or_create(
            document=doc, organisation=org, defaults={"shared_by": actor}
        )
        if created:
            audit(actor, AuditAction.UPDATE, doc, person=doc.person_id, shared_with=org.pk)
    return share


# --- merge, archive, export ---------------------------------------------------------------------


def merge_persons(actor, keep_id: int, merged_id: int) -> Person:
    """Merge a duplicate into the record kept: everything of both is kept (ties, measures, documents,
    notes, stays, history); blank identity fields are filled from the duplicate, which then points to
    the kept record and leaves the lists."""
    from parcours.pathways.models import Assignment, Stay

    keep = scoping.person_for(actor, keep_id, Perm.MERGE_RECORDS)
    merged = scoping.person_for(actor, merged_id, Perm.MERGE_RECORDS)
    if keep.pk == merged.pk:
        raise Invalid({"merged": "Choisissez deux dossiers différents."})
    _writable(keep)
    _writable(merged)
    try:
        with transaction.atomic():
            changes = {}
            for name in IDENTITY_FIELDS + ["home_establishment"]:
                if not getattr(keep, name) and getattr(merged, name):
                    changes[name] = (getattr(keep, name), getattr(merged, name))
                    setattr(keep, name, getattr(merged, name))
            keep.save()
            for model in (Measure, Document, Note, RecordChange, Stay, Assignment):
                model.objects.filter(person=merged).update(person=keep)
            for rel in Relationship.objects.filter(person=merged):
                if rel.relative_id != keep.pk:
                    Relationship.objects.get_or_create(
                        person=keep,
                        relative_id=rel.relative_id,
                        kind=rel.kind,
                        defaults={"parental_authority": rel.parental_authority},
                    )
            for rel in Relationship.objects.filter(relative=merged).exclude(person=keep):
                Relationship.objects.get_or_create(
                    person_id=rel.person_id,
                    relative=keep,
                    kind=rel.kind,
                    defaults={"parental_authority": rel.parental_authority},
                )
            Relationship.objects.filter(person=merged).delete()
            Relationship.objects.filter(relative=merged).delete()
            merged.merged_into = keep
            merged.save(update_fields=["merged_into"])
            _history(actor, keep, keep, changes)
            RecordChange.objects.create(
                person=keep,
                actor=actor,
                model="person",
                object_id=keep.pk,
                field="merged",
                old_value=str(merged.pk),
                new_value=str(keep.pk),
            )
            audit(actor, AuditAction.MERGE, keep, person=keep, merged=merged.pk)
            audit(actor, AuditAction.MERGE, merged, person=merged, into=keep.pk)
    except IntegrityError:
        raise Conflict(
            "Les deux dossiers ont des séjours qui se chevauchent dans la même unité : "
            "corrigez-les avant de fusionner."
        ) from None
    return keep


def last_contact(person: Person) -> date:
    """The last date anything happened on the record (stays, measures, notes, documents, creation);
    today when a stay or a measure is still running."""
    from django.db.models import Max

    from parcours.pathways.models import Stay

    if (
        person.stays.filter(end_date__isnull=True).exists()
        or person.measures.filter(end_date__isnull=True).exists()
    ):
        return today()
    dates = [timezone.localdate(person.created_at)]
    dates += [
        d
        for d in Stay.objects.filter(person=person).aggregate(a=Max("end_date"), b=Max("start_date")).values()
        if d
    ]
    dates += [d for d in person.measures.aggregate(a=Max("end_date"), b=Max("start_date")).values() if d]
    dates += [d for d in person.notes.aggregate(a=Max("date")).values() if d]
    dates += [timezone.localdate(d) for d in person.documents.aggregate(a=Max("uploaded_at")).values() if d]
    return max(dates)


def archivable_persons(as_of: date | None = None):
    """Active records whose last contact is older than the retention period (RETENTION_YEARS)."""
    from django.db.models import Exists, OuterRef

    from parcours.pathways.models import Stay

    as_of = as_of or today()
    limit = add_years(as_of, -settings.RETENTION_YEARS)
    open_stays = Stay.objects.filter(person=OuterRef("pk"), end_date__isnull=True)
    recent_stays = Stay.objects.filter(person=OuterRef("pk"), end_date__gte=limit)
    open_measures = Measure.objects.filter(person=OuterRef("pk"), end_date__isnull=True)
    recent_measures = Measure.objects.filter(person=OuterRef("pk"), end_date__gte=limit)
    candidates = (
        Person.objects.active()
        .exclude(Exists(open_stays))
        .exclude(Exists(recent_stays))
        .exclude(Exists(open_measures))
        .exclude(Exists(recent_measures))
    )
    found = {p.pk: (p, c) for p in candidates if (c := last_contact(p)) < limit}
    # A relative (a parent, a sibling) of a record still in use stays active with it.
    while True:
        links = Relationship.objects.filter(person_id__in=found).exclude(relative_id__in=found)
        keep = set(links.exclude(relative__archived_at__isnull=False).values_list("person_id", flat=True))
        if not keep:
            break
        for pk in keep:
            found.pop(pk, None)
    return sorted(found.values(), key=lambda pc: pc[0].pk)


def archive_inactive(as_of: date | None = None, *, dry_run: bool = False) -> list[tuple[Person, date]]:
    """Archive (never delete) the records past their retention period: they become read-only and
    visible only to the roles allowed to consult archives."""
    found = archivable_persons(as_of)
    if dry_run:
        return found
    now = timezone.now()
    with transaction.atomic():
        for person, contact in found:
            Person.objects.filter(pk=person.pk).update(archived_at=now)
            audit(None, AuditAction.ARCHIVE, person, person=person, last_contact=contact.isoformat())
    return found


def export_person(actor, person_id: int) -> dict:
    """Everything held on one person (GDPR access right), as JSON-ready data; the export is audited."""
    from parcours.people.selectors import person_export_data

    person = scoping.person_for(actor, person_id, Perm.EXPORT_RECORDS)
    data = person_export_data(actor, person)
    audit(actor, AuditAction.EXPORT, person, person=person, format="json")
    return data


__all__ = ["fold"]
