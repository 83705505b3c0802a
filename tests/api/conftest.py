import json

import pytest
from django.test import Client


class ApiClient:
    """A test client speaking JSON to /api/v1/ with a Bearer token."""

    def __init__(self, token: str | None):
        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

    def _call(self, method, path, data=None, **extra):
        url = "/api/v1" + path
        kwargs = dict(self.headers, **extra)
        if method in ("get", "delete"):
            response = getattr(self.client, method)(url, data or {}, **kwargs)
        else:
            response = getattr(self.client, method)(
                url, json.dumps(data or {}), content_type="application/json", **kwargs
            )
        try:
            response.data = response.json()
        except ValueError:
            response.data = None
        return response

    def get(self, path, params=None):
        return self._call("get", path, params)

    def post(self, path, data=None):
        return self._call("post", path, data)

    def patch(self, path, data=None):
        return self._call("patch", path, data)

    def put(self, path, data=None):
        return self._call("put", path, data)

    def delete(self, path):
        return self._call("delete", path)


@pytest.fixture
def api(world):
    """api.director, api.quality, api.outsider, api.partner, api.admin, api.educator, api.anonymous."""
    from parcours.access.services import issue_token

    class Clients:
        pass

    clients = Clients()
    for name in ("admin", "director", "quality", "outsider", "partner", "educator"):
        setattr(clients, name, ApiClient(issue_token(getattr(world, name))))
    clients.anonymous = ApiClient(None)
    return clients


def fields_of(response) -> set[str]:
    return {e["field"] for e in (response.data or {}).get("errors", [])}
