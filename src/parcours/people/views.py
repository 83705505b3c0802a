"""Pages of the dossier unique: search, creation with duplicate check, the record with its tabs and
forms, document download, GDPR export, merge. Every display of a record is audited."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from parcours.access import scoping
from parcours.access.models import AuditAction
from parcours.access.roles import Perm
from parcours.access.services import audit
from parcours.core.viewtools import service_errors, submit
from parcours.directory.models import Organisation
from parcours.pathways import services as stay_services
from parcours.people import selectors, services
from parcours.people.forms import (
    CreatePersonForm,
    DocumentForm,
    EndStayForm,
    MeasureForm,
    MergeForm,
    NoteForm,
    PersonForm,
    RelationshipForm,
    SearchForm,
    ShareDocumentForm,
)

# the kinds of organisation that are external partners (authorities of measures, referrers)
PARTNER_KINDS = ["departement", "mdph", "pjj"]
# the permission each tab of the record needs (selectors.record_rights)
TAB_RIGHT = {
    "identite": "identity_view",
    "famille": "whole",
    "mesures": "measures",
    "documents": "documents",
    "notes": "notes",
    "sejours": "whole",
    "historique": "whole",
}
TABS = [
    ("identite", "Identité"),
    ("famille", "Famille"),
    ("mesures", "Mesures"),
    ("documents", "Documents"),
    ("notes", "Notes"),
    ("sejours", "Séjours"),
    ("historique", "Historique"),
]


@login_required
def search(request):
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    results = selectors.search_page(request.user, query, 100) if query else []
    if query:
        audit(request.user, AuditAction.SEARCH, "person", query=query[:100], ids=[p.pk for p in results])
    return render(
        request,
        "people/search.html",
        {
            "form": form,
            "query": query,
            "results": results,
            "nav": "people",
            "can_create": scoping.has_perm_somewhere(request.user, Perm.REGISTER_PERSONS),
        },
    )


@login_required
@service_errors
def create(request):
    establishments = scoping.establishments_visible_to(request.user, Perm.EDIT_RECORDS)
    form = CreatePersonForm(request.POST or None, establishments=establishments)
    duplicates = []
    if request.method == "POST":

        def action(data):
            return services.create_person(
                request.user, **{**data, "home_establishment": data["home_establishment"] or None}
            )

        person = submit(form, action)
        if person is not None:
            messages.success(request, "Dossier créé.")
            return redirect("people:record", person.pk)
        data = getattr(form, "cleaned_data", {})
        if all(data.get(k) for k in ("first_name", "last_name", "birth_date")):
            duplicates = services.likely_duplicates(
                request.user,
                first_name=data["first_name"],
                last_name=data["last_name"],
                birth_date=data["birth_date"],
            )
    return render(request, "people/create.html", {"form": form, "duplicates": duplicates, "nav": "people"})


def _forms(request, person, bound=None, documents=()):
    authorities = Organisation.objects.filter(kind__in=PARTNER_KINDS).order_by("name")
    forms = {
        "share": ShareDocumentForm(documents=documents, organisations=authorities),
        "note": NoteForm(initial={"confidentiality": "team"}),
        "measure": MeasureForm(authorities=authorities),
        "relationship": RelationshipForm(),
        "document": DocumentForm(),
        "identity": PersonForm(
            initial={
                **{f: getattr(person, f) for f in services.IDENTITY_FIELDS},
                "commune": person.commune_id or "",
            }
        ),
        "end_stay": EndStayForm(),
        "merge": MergeForm(),
    }
    if bound:
        forms.update(bound)
    return forms


@login_required
@service_errors
def record(request, person_id: int, bound=None, tab=None):
    """The record with its tabs; each display is written to the audit log with the tab shown."""
    tab = tab or request.GET.get("onglet", "identite")
    if tab not in dict(TABS):
        tab = "identite"
    person = selectors.open_record(request.user, person_id, section=tab, perm=Perm.VIEW_IDENTITY)
    rights = selectors.record_rights(request.user, person)
    tabs = [(key, label) for key, label in TABS if rights[TAB_RIGHT[key]]]
    if tab not in dict(tabs):
        tab = "identite"
    sections = selectors.record_sections(request.user, person, rights)
    context = {
        "person": person,
        "tab": tab,
        "tabs": tabs,
        "nav": "people",
        "rights": rights,
        "can_edit": rights["edit"],
        "can_merge": rights["merge"],
        "forms": _forms(request, person, bound, sections["documents"] if rights["share"] else ()),
        **sections,
    }
    status = 422 if bound else 200
    return render(request, "people/record.html", context, status=status)


def _post(request, person_id, tab, form_name, form, action, success):
    """Handle one of the record's forms: run the service, or show the record again with the errors."""
    if submit(form, action) is not None:
        messages.success(request, success)
        return redirect(f"{reverse('people:record', args=[person_id])}?onglet={tab}")
    return record(request, person_id, bound={form_name: form}, tab=tab)


@require_POST
@login_required
@service_errors
def add_note(request, person_id: int):
    form = NoteForm(request.POST)
    return _post(
        request,
        person_id,
        "notes",
        "note",
        form,
        lambda d: services.add_note(request.user, person_id, **d),
        "Note ajoutée.",
    )


@require_POST
@login_required
@service_errors
def add_measure(request, person_id: int):
    form = MeasureForm(
        request.POST, authorities=Organisation.objects.filter(kind__in=["departement", "mdph", "pjj"])
    )
    return _post(
        request,
        person_id,
        "mesures",
        "measure",
        form,
        lambda d: services.add_measure(request.user, person_id, **{**d, "authority": d["authority"] or None}),
        "Mesure ajoutée.",
    )


@require_POST
@login_required
@service_errors
def add_relationship(request, person_id: int):
    form = RelationshipForm(request.POST)
    return _post(
        request,
        person_id,
        "famille",
        "relationship",
        form,
        lambda d: services.add_relationship(request.user, person_id, **d),
        "Lien ajouté.",
    )


@require_POST
@login_required
@service_errors
def upload_document(request, person_id: int):
    form = DocumentForm(request.POST, request.FILES)

    def action(d):
        upload = d["file"]
        return services.upload_document(
            request.user,
            person_id,
            filename=upload.name,
            data=upload.read(),
            kind=d["kind"],
            title=d["title"],
            document_date=d["document_date"],
        )

    return _post(request, person_id, "documents", "document", form, action, "Document ajouté.")


@require_POST
@login_required
@service_errors
def update_identity(request, person_id: int):
    form = PersonForm(request.POST)
    return _post(
        request,
        person_id,
        "identite",
        "identity",
        form,
        lambda d: services.update_person(request.user, person_id, **d),
        "Identité mise à jour.",
    )


@require_POST
@login_required
@service_errors
def end_stay(request, person_id: int):
    form = EndStayForm(request.POST)

    def action(d):
        scoping.person_for(request.user, person_id)
        return stay_services.end_stay(
            request.user, d["stay"], end_date=d["end_date"], exit_reason=d["exit_reason"]
        )

    return _post(request, person_id, "sejours", "end_stay", form, action, "Séjour terminé.")


@require_POST
@login_required
@service_errors
def share_document(request, person_id: int):
    person = scoping.person_for(request.user, person_id, Perm.EDIT_RECORDS, related=())
    form = ShareDocumentForm(
        request.POST,
        documents=selectors.documents_of(request.user, person),
        organisations=Organisation.objects.filter(kind__in=PARTNER_KINDS),
    )
    return _post(
        request,
        person_id,
        "documents",
        "share",
        form,
        lambda d: services.share_document(request.user, int(d["document"]), int(d["organisation"])),
        "Document partagé avec le partenaire.",
    )


@require_POST
@login_required
@service_errors
def merge(request, person_id: int):
    form = MergeForm(request.POST)
    return _post(
        request,
        person_id,
        "identite",
        "merge",
        form,
        lambda d: services.merge_persons(request.user, person_id, d["merged"]),
        "Dossiers fusionnés.",
    )


@login_required
@service_errors
def download_document(request, document_id: int):
    """The decrypted document, as an attachment; the download is audited. A document the server cannot
    read (unknown key, missing file) sends back to the record's documents with the reason."""
    from parcours.people.documents import DocumentUnreadable

    try:
        doc, data = services.read_document(request.user, document_id)
    except DocumentUnreadable as exc:
        doc = selectors.document_for(request.user, document_id)
        messages.error(request, exc.detail)
        return redirect(f"{reverse('people:record', args=[doc.person_id])}?onglet=documents")
    response = HttpResponse(data, content_type=doc.content_type)
    response["Content-Disposition"] = content_disposition_header(True, doc.filename)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@service_errors
def export(request, person_id: int):
    """Everything held on the person (GDPR access right), as JSON; the export is audited."""
    data = services.export_person(request.user, person_id)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = content_disposition_header(True, f"dossier-{person_id}.json")
    return response
