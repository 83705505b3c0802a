"""Property-based fuzzing of the whole API from its own OpenAPI schema (schemathesis): whatever the
input, the API never answers 500, and error bodies follow the uniform error format."""

import schemathesis
from hypothesis import HealthCheck, settings

from parcours.access.services import issue_token
from parcours.api.api import api as ninja_api
from parcours.wsgi import application

schema = schemathesis.openapi.from_dict(ninja_api.get_openapi_schema())
schema.app = application


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_no_server_error(case, world):
    token = getattr(world, "_fuzz_token", None) or issue_token(world.admin)
    world._fuzz_token = token
    response = case.call(headers={"Authorization": f"Bearer {token}"}, app=application)
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])
    if response.status_code >= 400 and response.headers.get("content-type", [""])[0].startswith(
        "application/json"
    ):
        body = response.json()
        assert isinstance(body.get("detail"), str) and isinstance(body.get("errors"), list)
