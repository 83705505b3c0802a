"""Real HTTP against the running app (pytest-django's live server)."""

import json
import urllib.error
import urllib.request

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def call(url, method="GET", body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def test_token_search_and_record_over_http(live_server, world):
    base = live_server.url + "/api/v1"
    status, _, body = call(base + "/auth/token", "POST", {"username": "directeur", "password": PASSWORD})
    assert status == 200
    token = json.loads(body)["token"]
    status, headers, body = call(base + "/persons?search=JOEL", token=token)
    assert status == 200 and json.loads(body)["items"][0]["id"] == world.child.pk
    assert headers["X-Frame-Options"] == "DENY"
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    status, _, _ = call(base + f"/persons/{world.child.pk}", token=token)
    assert status == 200
    status, _, body = call(base + "/persons", "POST", {"first_name": "A"}, token=token)
    assert status == 422 and json.loads(body)["errors"]
    status, _, _ = call(base + "/persons")
    assert status == 401


def test_health_openapi_and_docs(live_server, world):
    status, _, body = call(live_server.url + "/healthz")
    assert status == 200 and json.loads(body)["status"] == "ok"
    status, _, body = call(live_server.url + "/api/v1/openapi.json")
    paths = json.loads(body)["paths"]
    for path in (
        "/api/v1/persons",
        "/api/v1/units/{unit_id}/vacancy",
        "/api/v1/stays/{stay_id}/end",
        "/api/v1/audit",
    ):
        assert path in paths
    status, _, _ = call(live_server.url + "/api/v1/docs")
    assert status == 200


def test_nul_bytes_and_huge_ids_are_400_not_500(api, world):
    response = api.director.post("/auth/token", {"username": "a\x00b", "password": "x"})
    assert response.status_code == 400 and response.data["errors"][0]["field"] == "body"
    assert api.director.get("/persons", {"search": "jo\x00el"}).status_code == 400
    assert api.director.get(f"/persons/{2**70}").status_code in (400, 404, 422)
    assert api.director.get(f"/units/{2**63}").status_code in (400, 404, 422)


def test_huge_offsets_and_filters_are_4xx(api, world):
    assert api.admin.get("/organisations", {"offset": 10**20}).status_code == 422
    assert api.admin.get("/establishments", {"organisation": 10**19}).status_code in (200, 400, 422)
    assert api.admin.get("/audit", {"person": 10**19}).status_code in (200, 400, 422)
