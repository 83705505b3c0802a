"""An organisation admin manages only the accounts whose memberships all lie within its organisations
(a group with its members): listing, creating, revoking tokens. Any other account answers 404; a
superuser manages every account."""

import pytest
from django.test import Client

from parcours.access.models import ApiToken, Membership
from parcours.access.services import issue_token, user_for_token
from tests.api.conftest import ApiClient, fields_of
from tests.conftest import make_user


def token_of(user) -> tuple[str, ApiToken]:
    key = issue_token(user, "test")
    return key, ApiToken.objects.get(key_hash=ApiToken.hash(key))


@pytest.fixture
def clients(world):
    """API clients of the personas (admin: the group's admin; director, educator: of E1)."""
    from types import SimpleNamespace

    return SimpleNamespace(
        **{name: ApiClient(issue_token(getattr(world, name))) for name in ("admin", "director", "educator")}
    )


@pytest.fixture
def accounts(world):
    """mixed: an educator of E1 (the admin's association) who is also an educator of E2 (another
    association); root: a superuser without membership."""
    mixed = make_user("educ_mixte", "educator", world.e1)
    Membership.objects.create(user=mixed, role="educator", establishment=world.e2)
    root = make_user("racine", is_superuser=True)
    world.mixed, world.root = mixed, root
    return world


def test_admin_cannot_revoke_tokens_outside_its_organisations(clients, accounts):
    w = accounts
    for other in (w.outsider, w.mixed, w.root):
        key, token = token_of(other)
        response = clients.admin.delete(f"/tokens/{token.pk}")
        assert response.status_code == 404, (other.username, response.data)
        token.refresh_from_db()
        assert token.revoked_at is None and user_for_token(key) == other
    # within the group: the director of E1, its association's establishment
    key, token = token_of(w.director)
    assert clients.admin.delete(f"/tokens/{token.pk}").status_code == 200
    assert user_for_token(key) is None


def test_admin_cannot_revoke_outside_its_organisations_from_the_pages(accounts):
    w = accounts
    client = Client()
    client.force_login(w.admin)
    key, token = token_of(w.outsider)
    assert client.post(f"/compte/jetons/{token.pk}/revoquer").status_code == 404
    assert user_for_token(key) == w.outsider
    key, token = token_of(w.director)
    assert client.post(f"/compte/jetons/{token.pk}/revoquer").status_code == 302
    assert user_for_token(key) is None


def test_other_users_revoke_only_their_own_tokens(clients, accounts):
    key, token = token_of(accounts.educator)
    assert clients.director.delete(f"/tokens/{token.pk}").status_code == 404
    assert user_for_token(key) == accounts.educator


def test_superuser_revokes_any_token(accounts):
    root = ApiClient(issue_token(accounts.root))
    for other in (accounts.outsider, accounts.mixed, accounts.admin):
        key, token = token_of(other)
        assert root.delete(f"/tokens/{token.pk}").status_code == 200
        assert user_for_token(key) is None


def test_users_list_holds_only_accounts_within_the_admins_organisations(clients, accounts):
    w = accounts
    names = {u["username"] for u in clients.admin.get("/users", {"limit": 500}).data["items"]}
    assert {"directeur", "qualite", "educ_e1", "admin"} <= names
    assert not names & {"educ_e2", "educ_mixte", "racine", "referent_ase"}
    everyone = {
        u["username"] for u in ApiClient(issue_token(w.root)).get("/users", {"limit": 500}).data["items"]
    }
    assert {"educ_e2", "educ_mixte", "racine", "referent_ase", "directeur"} <= everyone


def test_an_admin_of_one_association_does_not_manage_the_group(clients, accounts):
    """An admin of the member association manages its association's accounts, not the group's admin
    nor the other members'."""
    w = accounts
    assoc_admin = make_user("admin_assoc", "admin", w.assoc)
    client = ApiClient(issue_token(assoc_admin))
    names = {u["username"] for u in client.get("/users", {"limit": 500}).data["items"]}
    assert "directeur" in names and "admin" not in names and "educ_e2" not in names
    key, token = token_of(w.admin)
    assert client.delete(f"/tokens/{token.pk}").status_code == 404
    assert user_for_token(key) == w.admin


def test_created_accounts_need_a_membership_within_the_admins_scope(clients, accounts):
    w = accounts
    bare = clients.admin.post("/users", {"username": "sans.perimetre", "password": "un-mot-de-passe-long-7"})
    assert bare.status_code == 422 and "memberships" in fields_of(bare)
    mixed = clients.admin.post(
        "/users",
        {
            "username": "deux.associations",
            "password": "un-mot-de-passe-long-7",
            "memberships": [
                {"role": "educator", "scope": f"establishment:{w.e1.pk}"},
                {"role": "educator", "scope": f"unit:{w.u2.pk}"},
            ],
        },
    )
    assert mixed.status_code == 422 and "memberships[1].scope" in fields_of(mixed)
    made = clients.admin.post(
        "/users",
        {
            "username": "educ.unite",
            "password": "un-mot-de-passe-long-7",
            "memberships": [{"role": "educator", "scope": f"unit:{w.u1.pk}"}],
        },
    )
    assert made.status_code == 201, made.data
    names = {u["username"] for u in clients.admin.get("/users", {"limit": 500}).data["items"]}
    assert "educ.unite" in names


def test_two_factor_rule_only_by_an_admin_of_every_account_it_covers(world):
    """The two-factor rule of a role covers every account holding it: an organisation's admin may not
    impose or lift it on the accounts of another organisation."""
    from parcours.access import services
    from parcours.access.models import TwoFactorRequirement
    from parcours.core.errors import Forbidden

    services.set_two_factor_requirement(world.admin, "director", True)  # every director is its own
    assert TwoFactorRequirement.objects.get(role="director").required
    # the educator role is also held in E2, outside the admin's group
    with pytest.raises(Forbidden):
        services.set_two_factor_requirement(world.admin, "educator", True)
    assert not TwoFactorRequirement.objects.filter(role="educator").exists()
    root = make_user("root", is_superuser=True)
    services.set_two_factor_requirement(root, "educator", True)
    assert TwoFactorRequirement.objects.get(role="educator").required
