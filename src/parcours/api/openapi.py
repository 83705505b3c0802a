"""What the OpenAPI document says beyond the schemas django-ninja derives from the code: the links
between operations (which answer's id opens which operation: clients and schemathesis' state
machine follow them) and request examples of the main operations. Paths are API.md's, without the
/api/v1 prefix; every example is checked against its schema by the tests."""

ID = "$response.body#/id"

# (method, path, status) of an answer -> {link name: (method, path, {"parameters"/"requestBody"})}
LINKS: dict[tuple[str, str, int], dict[str, tuple[str, str, dict]]] = {
    ("post", "/persons", 201): {
        "GetPerson": ("get", "/persons/{person_id}", {"parameters": {"person_id": ID}}),
        "UpdatePerson": ("patch", "/persons/{person_id}", {"parameters": {"person_id": ID}}),
        "ListRelationships": ("get", "/persons/{person_id}/relationships", {"parameters": {"person_id": ID}}),
        "AddRelationship": ("post", "/persons/{person_id}/relationships", {"parameters": {"person_id": ID}}),
        "ListMeasures": ("get", "/persons/{person_id}/measures", {"parameters": {"person_id": ID}}),
        "AddMeasure": ("post", "/persons/{person_id}/measures", {"parameters": {"person_id": ID}}),
        "AddNote": ("post", "/persons/{person_id}/notes", {"parameters": {"person_id": ID}}),
        "History": ("get", "/persons/{person_id}/history", {"parameters": {"person_id": ID}}),
        "Pathway": ("get", "/persons/{person_id}/pathway", {"parameters": {"person_id": ID}}),
        "Export": ("get", "/persons/{person_id}/export", {"parameters": {"person_id": ID}}),
        "Refer": ("post", "/referrals", {"requestBody": {"person": ID}}),
        "Admit": ("post", "/stays", {"requestBody": {"person": ID}}),
        "OpenPlan": ("post", "/plans", {"requestBody": {"person": ID}}),
    },
    ("patch", "/persons/{person_id}", 200): {
        "GetPerson": ("get", "/persons/{person_id}", {"parameters": {"person_id": ID}}),
    },
    ("post", "/persons/{person_id}/measures", 201): {
        "UpdateMeasure": ("patch", "/measures/{measure_id}", {"parameters": {"measure_id": ID}}),
    },
    ("post", "/referrals", 201): {
        "GetReferral": ("get", "/referrals/{referral_id}", {"parameters": {"referral_id": ID}}),
        "Matches": ("get", "/referrals/{referral_id}/matches", {"parameters": {"referral_id": ID}}),
        "Decide": ("post", "/referrals/{referral_id}/decisions", {"parameters": {"referral_id": ID}}),
        "Admit": ("post", "/referrals/{referral_id}/admit", {"parameters": {"referral_id": ID}}),
        "Withdraw": ("post", "/referrals/{referral_id}/withdraw", {"parameters": {"referral_id": ID}}),
        "Documents": ("get", "/referrals/{referral_id}/documents", {"parameters": {"referral_id": ID}}),
        "PersonPathway": (
            "get",
            "/persons/{person_id}/pathway",
            {"parameters": {"person_id": "$response.body#/person"}},
        ),
    },
    ("post", "/referrals/{referral_id}/decisions", 201): {
        "GetReferral": (
            "get",
            "/referrals/{referral_id}",
            {"parameters": {"referral_id": "$request.path.referral_id"}},
        ),
        "Admit": (
            "post",
            "/referrals/{referral_id}/admit",
            {
                "parameters": {"referral_id": "$request.path.referral_id"},
                "requestBody": {"unit": "$response.body#/unit"},
            },
        ),
        "WaitingList": (
            "get",
            "/units/{unit_id}/waiting-list",
            {"parameters": {"unit_id": "$response.body#/unit"}},
        ),
    },
    ("post", "/referrals/{referral_id}/admit", 201): {
        "GetStay": ("get", "/stays/{stay_id}", {"parameters": {"stay_id": ID}}),
        "EndStay": ("post", "/stays/{stay_id}/end", {"parameters": {"stay_id": ID}}),
        "GetReferral": (
            "get",
            "/referrals/{referral_id}",
            {"parameters": {"referral_id": "$request.path.referral_id"}},
        ),
    },
    ("post", "/stays", 201): {
        "GetStay": ("get", "/stays/{stay_id}", {"parameters": {"stay_id": ID}}),
        "EndStay": ("post", "/stays/{stay_id}/end", {"parameters": {"stay_id": ID}}),
        "Vacancy": ("get", "/units/{unit_id}/vacancy", {"parameters": {"unit_id": "$response.body#/unit"}}),
        "OpenPlan": ("post", "/plans", {"requestBody": {"person": "$response.body#/person", "stay": ID}}),
    },
    ("post", "/plans", 201): {
        "GetPlan": ("get", "/plans/{plan_id}", {"parameters": {"plan_id": ID}}),
        "UpdatePlan": ("patch", "/plans/{plan_id}", {"parameters": {"plan_id": ID}}),
        "AddObjective": ("post", "/plans/{plan_id}/objectives", {"parameters": {"plan_id": ID}}),
        "Sign": ("post", "/plans/{plan_id}/sign", {"parameters": {"plan_id": ID}}),
        "Evaluate": ("post", "/plans/{plan_id}/evaluations", {"parameters": {"plan_id": ID}}),
    },
    ("post", "/plans/{plan_id}/sign", 200): {
        "Amend": ("post", "/plans/{plan_id}/amend", {"parameters": {"plan_id": ID}}),
        "Document": ("get", "/plans/{plan_id}/document.pdf", {"parameters": {"plan_id": ID}}),
    },
    ("post", "/units", 201): {
        "GetUnit": ("get", "/units/{unit_id}", {"parameters": {"unit_id": ID}}),
        "ChangeCapacity": ("post", "/units/{unit_id}/capacity", {"parameters": {"unit_id": ID}}),
        "Vacancy": ("get", "/units/{unit_id}/vacancy", {"parameters": {"unit_id": ID}}),
        "WaitingList": ("get", "/units/{unit_id}/waiting-list", {"parameters": {"unit_id": ID}}),
        "Admit": ("post", "/stays", {"requestBody": {"unit": ID}}),
    },
}

_DATES = {"from": "2025-01-01", "to": "2025-12-31"}

# (method, path) -> request body example (ids are the demo's first records)
BODY_EXAMPLES: dict[tuple[str, str], dict] = {
    ("post", "/auth/token"): {"username": "educ.millau", "password": "demo-parcours-2026"},
    ("post", "/persons"): {
        "first_name": "Inès",
        "last_name": "Martin",
        "birth_date": "2014-05-17",
        "sex": "f",
        "commune": "12145",
        "home_establishment": 1,
    },
    ("patch", "/persons/{person_id}"): {"phone": "05 65 00 00 00", "address": "3 rue du Pont, Millau"},
    ("post", "/persons/{person_id}/relationships"): {
        "relative": 2,
        "kind": "mother",
        "parental_authority": True,
    },
    ("post", "/persons/{person_id}/measures"): {
        "kind": "judicial_placement",
        "authority": 1,
        "start_date": "2025-02-01",
        "end_date": "2026-01-31",
        "reference": "TE 25/0042",
    },
    ("post", "/referrals"): {
        "person": 1,
        "modality": "residential",
        "public": "child_protection",
        "emergency": False,
        "wished_date": "2026-09-01",
        "reason": "Placement judiciaire, fratrie accueillie à Millau.",
    },
    ("post", "/referrals/{referral_id}/decisions"): {
        "unit": 1,
        "decision": "accepted",
        "reason": "Place en septembre.",
    },
    ("post", "/referrals/{referral_id}/admit"): {"unit": 1, "start_date": "2026-09-01"},
    ("post", "/referrals/{referral_id}/withdraw"): {"reason": "Solution trouvée dans la famille."},
    ("post", "/stays"): {"person": 1, "unit": 1, "start_date": "2026-09-01"},
    ("post", "/stays/{stay_id}/end"): {"end_date": "2026-12-20", "exit_reason": "return_home"},
    ("post", "/units/{unit_id}/capacity"): {"capacity": 12, "valid_from": "2026-01-01"},
    ("post", "/plans"): {"person": 1, "kind": "personalised_plan", "start_date": "2026-01-15"},
    ("post", "/plans/{plan_id}/objectives"): {
        "domain": "scolarité",
        "description": "Retrouver un rythme scolaire régulier",
        "actions": [
            {"description": "Rencontre avec le collège", "responsible": "référent", "due_date": "2026-03-01"}
        ],
    },
    ("post", "/plans/{plan_id}/sign"): {"date": "2026-02-01", "signatories": ["Inès Martin", "Mme Martin"]},
    ("post", "/activity-reports"): {"scope": "establishment:1", "year": 2025},
    ("post", "/meetings"): {
        "kind": "ethics_committee",
        "date": "2026-03-12",
        "establishment": 1,
        "title": "Comité éthique",
        "start_time": "14:30",
        "duration_minutes": 90,
    },
}

# (method, path) -> {query parameter: example}
QUERY_EXAMPLES: dict[tuple[str, str], dict] = {
    ("get", "/indicators"): {"scope": "establishment:1", **_DATES},
    ("get", "/indicators/trend"): {"scope": "establishment:1", **_DATES},
    ("get", "/indicators/units"): {"scope": "establishment:1", **_DATES},
    ("get", "/persons"): {"search": "mart"},
    ("get", "/units/{unit_id}/vacancy"): {"on": "2026-01-15"},
    ("get", "/allocation"): {"scope": "organisation:1", "on": "2026-01-15"},
}

PDF, CSV = "application/pdf", "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# (method, path) -> media types of a file answer (200), which django-ninja leaves undocumented
FILES: dict[tuple[str, str], tuple[str, ...]] = {
    ("get", "/documents/{document_id}/content"): ("*/*",),
    ("get", "/referrals/{referral_id}/documents/{document_id}/content"): ("*/*",),
    ("get", "/offer.csv"): (CSV,),
    ("get", "/referrals.csv"): (CSV,),
    ("get", "/commission-sessions/{session_id}/minutes.pdf"): (PDF,),
    ("get", "/plans/{plan_id}/document.pdf"): (PDF,),
    ("get", "/grids/{grid_id}/export.csv"): (CSV,),
    ("get", "/activity-reports/{report_id}/report.{fmt}"): (PDF, XLSX),
    ("get", "/incidents.csv"): (CSV,),
    ("get", "/incidents/{incident_id}/eig.pdf"): (PDF,),
    ("get", "/quality/self-assessments/{assessment_id}/export.xlsx"): (XLSX,),
    ("get", "/cpoms/{cpom_id}/export.xlsx"): (XLSX,),
    ("get", "/cpoms/{cpom_id}/document.pdf"): (PDF,),
}


def complete(doc: dict) -> dict:
    """Add the links and examples to a document built by django-ninja (paths under its prefix)."""
    paths = doc.get("paths", {})
    prefix = next((p.removesuffix("/auth/token") for p in paths if p.endswith("/auth/token")), "")

    def operation(method: str, path: str) -> dict:
        return paths[prefix + path][method]

    for (method, path, status), links in LINKS.items():
        responses = operation(method, path)["responses"]
        response = responses[status] if status in responses else responses[str(status)]
        response["links"] = {
            name: {"operationId": operation(target_method, target_path)["operationId"], **how}
            for name, (target_method, target_path, how) in links.items()
        }
    for (method, path), example in BODY_EXAMPLES.items():
        content = operation(method, path)["requestBody"]["content"]["application/json"]
        content["example"] = example
    for (method, path), media_types in FILES.items():
        responses = operation(method, path)["responses"]
        file = {"schema": {"type": "string", "format": "binary"}}
        responses[200 if 200 in responses else "200"]["content"] = dict.fromkeys(media_types, file)
    for (method, path), examples in QUERY_EXAMPLES.items():
        for parameter in operation(method, path).get("parameters", []):
            if parameter["in"] == "query" and parameter["name"] in examples:
                parameter["example"] = examples[parameter["name"]]
    return doc
