from parcours.access.models import ApiToken, AuditEvent, User
from tests.api.conftest import ApiClient, fields_of
from tests.conftest import PASSWORD


def test_token_with_good_and_bad_credentials(world):
    client = ApiClient(None)
    response = client.post("/auth/token", {"username": "directeur", "password": PASSWORD})
    assert response.status_code == 200
    token = response.data["token"]
    assert ApiToken.objects.filter(key_hash=ApiToken.hash(token)).exists()
    assert not ApiToken.objects.filter(key_hash=token).exists()  # only the hash is stored
    me = ApiClient(token).get("/me")
    assert me.status_code == 200 and me.data["username"] == "directeur"
    assert me.data["memberships"] == [{"role": "director", "scope": f"establishment:{world.e1.pk}"}]
    bad = client.post("/auth/token", {"username": "directeur", "password": "faux"})
    assert bad.status_code == 401 and bad.data["detail"]


def test_token_lockout_after_five_failures(world):
    client = ApiClient(None)
    for _ in range(5):
        assert client.post("/auth/token", {"username": "directeur", "password": "faux"}).status_code == 401
    locked = client.post("/auth/token", {"username": "directeur", "password": PASSWORD})
    assert locked.status_code == 401
    assert "verrouillé" in locked.data["detail"]


def test_missing_or_revoked_token_is_401(api, world):
    assert api.anonymous.get("/me").status_code == 401
    assert ApiClient("prc_not-a-token").get("/me").status_code == 401
    token = api.director.get("/tokens").data[0]
    assert api.director.delete(f"/tokens/{token['id']}").status_code == 200
    assert api.director.get("/me").status_code == 401


def test_users_admin_only(api, world):
    assert api.director.get("/users").status_code == 403
    assert api.admin.get("/users").status_code == 200
    body = {
        "username": "nouvelle.educ",
        "password": "un-mot-de-passe-long-7",
        "memberships": [{"role": "educator", "scope": f"establishment:{world.e1.pk}"}],
    }
    assert api.director.post("/users", body).status_code == 403
    created = api.admin.post("/users", body)
    assert created.status_code == 201, created.data
    assert created.data["memberships"] == [{"role": "educator", "scope": f"establishment:{world.e1.pk}"}]


def test_users_bad_input_names_fields_and_writes_nothing(api, world):
    before = User.objects.count()
    response = api.admin.post(
        "/users", {"username": "x", "password": "123", "memberships": [{"role": "king", "scope": "planet:1"}]}
    )
    assert response.status_code == 422
    assert {"password", "memberships[0].role"} <= fields_of(response)
    out_of_scope = api.admin.post(
        "/users",
        {
            "username": "y",
            "password": "un-mot-de-passe-long-7",
            "memberships": [{"role": "educator", "scope": f"establishment:{world.e2.pk}"}],
        },
    )
    assert out_of_scope.status_code == 422 and "memberships[0].scope" in fields_of(out_of_scope)
    missing = api.admin.post("/users", {"password": "x"})
    assert missing.status_code == 422 and "username" in fields_of(missing)
    assert User.objects.count() == before


def test_audit_endpoint(api, world):
    api.director.get(f"/persons/{world.child.pk}")
    assert api.educator.get("/audit").status_code == 403
    assert api.director.get("/audit").status_code == 403
    response = api.quality.get("/audit", {"person": world.child.pk, "action": "view"})
    assert response.status_code == 200
    assert response.data["count"] >= 1
    event = response.data["items"][0]
    assert event["actor"] == world.director.pk and event["person"] == world.child.pk
    # Filters by date and actor; bad dates are a 422 naming the field.
    assert api.admin.get("/audit", {"actor": world.director.pk, "from": "2000-01-01"}).data["count"] >= 1
    bad = api.admin.get("/audit", {"from": "hier"})
    assert bad.status_code == 422 and "from" in fields_of(bad)


def test_quality_sees_only_audit_of_its_scope(api, world):
    api.outsider.get("/persons")  # an event by someone of another establishment, no person
    response = api.quality.get("/audit")
    assert all(e["actor"] != world.outsider.pk for e in response.data["items"])
    assert AuditEvent.objects.filter(actor=world.outsider).exists()
