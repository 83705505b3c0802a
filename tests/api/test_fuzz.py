"""Property-based fuzzing of the whole API from its own OpenAPI schema (schemathesis): whatever the
input, the API never answers 500, and error bodies follow the uniform error format."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from parcours.access.services import issue_token
from parcours.api.api import api as ninja_api
from parcours.wsgi import application


@pytest.fixture
def keep_connection():
    """Calls go straight to the WSGI app: keep the test's database connection open between requests,
    as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


schema = schemathesis.openapi.from_dict(ninja_api.get_openapi_schema())
schema.app = application


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_no_server_error(case, world, keep_connection):
    token = getattr(world, "_fuzz_token", None) or issue_token(world.admin)
    world._fuzz_token = token
    response = case.call(headers={"Authorization": f"Bearer {token}"}, app=application)
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])
    if response.status_code >= 400 and response.headers.get("content-type", [""])[0].startswith(
        "application/json"
    ):
        body = response.json()
        assert isinstance(body.get("detail"), str) and isinstance(body.get("errors"), list)
