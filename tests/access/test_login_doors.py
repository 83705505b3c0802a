"""Every login door (login page, API token, Django admin) is throttled and audited the same way, and
two-factor authentication cannot be bypassed (issue 12, items 2 and 3). Tested as a user acts: HTTP
requests through Django's test client."""

import base64
import json
import time
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP

from parcours.access.models import ApiToken, AuditEvent
from tests.conftest import PASSWORD

ADDRESS = "203.0.113.7"


def page_login(client, username, password, ip=ADDRESS):
    return client.post("/connexion/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def admin_login(client, username, password, ip=ADDRESS):
    data = {"username": username, "password": password, "next": "/gestion/"}
    return client.post("/gestion/login/?next=/gestion/", data, REMOTE_ADDR=ip)


def api_token(username, password, otp=None, ip=ADDRESS, **extra):
    body = {"username": username, "password": password}
    if otp is not None:
        body["otp"] = otp
    response = Client().post(
        "/api/v1/auth/token", json.dumps(body), content_type="application/json", REMOTE_ADDR=ip, **extra
    )
    response.data = response.json()
    return response


def api_me(token, **extra):
    return Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}", **extra)


def form_errors(response) -> list[str]:
    return list(response.context["form"].non_field_errors())


def code(secret: str, steps_ahead: int = 0) -> str:
    """The six-digit code an authenticator app shows for this base32 secret (now, or a step later)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def enrol(client) -> str:
    """Enrol an authenticator app through the setup page; the secret it shows."""
    secret = client.get("/compte/2fa/activer").context["secret"]
    assert client.post("/compte/2fa/activer", {"code": code(secret)}).status_code == 302
    return secret


def require_two_factor(world, role="director", by=None):
    admin = Client()
    admin.force_login(by or world.admin)
    response = admin.post("/administration/double-authentification", {"roles": [role]})
    assert response.status_code == 302


# --- Item 2: lockout and audit on every door ------------------------------------------------------


def test_admin_login_is_locked_out_and_audited(world, settings):
    world.admin.is_staff = True
    world.admin.save(update_fields=["is_staff"])
    client = Client()
    for _ in range(settings.LOGIN_MAX_FAILURES):
        assert admin_login(client, "admin", "mauvais").status_code in (200, 429)
    locked = admin_login(client, "admin", PASSWORD)
    assert locked.status_code == 429
    assert "verrouillé" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    failed = AuditEvent.objects.filter(action="login_failed", actor=world.admin)
    assert failed.count() >= settings.LOGIN_MAX_FAILURES
    assert all(event.details.get("via") == "admin" and event.ip == ADDRESS for event in failed)
    assert AuditEvent.objects.filter(action="locked", actor=world.admin, details__via="admin").exists()
    # the account is locked whatever the address (its failures are counted across addresses)
    other = Client()
    assert admin_login(other, "admin", PASSWORD, ip="198.51.100.1").status_code == 429


def test_admin_login_success_is_audited(world):
    world.admin.is_staff = True
    world.admin.save(update_fields=["is_staff"])
    client = Client()
    response = admin_login(client, "admin", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/gestion/"
    event = AuditEvent.objects.get(action="login", actor=world.admin)
    assert event.details["via"] == "admin" and event.ip == ADDRESS


def test_every_door_shares_the_same_counter(world, settings):
    """Failures on the page, the API and the admin count together for one account."""
    client = Client()
    doors = [
        lambda: page_login(client, "directeur", "mauvais"),
        lambda: api_token("directeur", "mauvais"),
        lambda: admin_login(client, "directeur", "mauvais"),
    ]
    for attempt in range(settings.LOGIN_MAX_FAILURES):
        doors[attempt % 3]()
    assert page_login(Client(), "directeur", PASSWORD, ip="198.51.100.2").status_code == 429
    assert api_token("directeur", PASSWORD, ip="198.51.100.3").status_code == 401
    vias = set(AuditEvent.objects.filter(action="login_failed").values_list("details__via", flat=True))
    assert vias == {"page", "api", "admin"}


def test_lockout_per_address_across_usernames(world, settings):
    settings.LOGIN_MAX_FAILURES_PER_IP = 6
    client = Client()
    names = ["directeur", "qualite", "educ_e1", "educ_e2", "admin", "nobody"]
    for name in names:  # one failure each: no account reaches its own limit
        page_login(client, name, "mauvais")
    # the address is now locked, for every account and on every door
    response = page_login(client, "referent_ase", PASSWORD)
    assert response.status_code == 429 and "_auth_user_id" not in client.session
    assert api_token("referent_ase", PASSWORD).status_code == 401
    # another address is not
    assert page_login(Client(), "referent_ase", PASSWORD, ip="198.51.100.4").status_code == 302
    assert AuditEvent.objects.filter(action="locked", ip=ADDRESS).exists()


def test_behind_a_proxy_the_client_address_counts(world, settings):
    """Behind the HTTPS proxy every request comes from the proxy: the client's address (the one the
    proxy appends to X-Forwarded-For, not one the client wrote) is the one throttled and audited."""
    settings.BEHIND_PROXY = True
    settings.LOGIN_MAX_FAILURES_PER_IP = 3
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    attacker = "198.51.100.66"
    for name in ("directeur", "qualite", "educ_e1"):
        forged = f"192.0.2.{len(name)}, {attacker}"  # the first entry is the client's own, forgeable
        Client().post(
            "/connexion/", {"username": name, "password": "x"}, HTTP_X_FORWARDED_FOR=forged, **proxy
        )
    assert set(AuditEvent.objects.filter(action="login_failed").values_list("ip", flat=True)) == {attacker}
    blocked = Client().post(
        "/connexion/", {"username": "admin", "password": PASSWORD}, HTTP_X_FORWARDED_FOR=attacker, **proxy
    )
    assert blocked.status_code == 429
    colleague = Client().post(
        "/connexion/",
        {"username": "admin", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.67",
        **proxy,
    )
    assert colleague.status_code == 302


def test_same_answers_for_unknown_and_existing_accounts(world, settings):
    """Accounts cannot be enumerated: an unknown name gets the same answers, attempt after attempt,
    as an existing account, on the page and on the API, up to and including the lockout."""

    def page_answers(username, ip):
        client = Client()
        return [
            (r.status_code, form_errors(r))
            for r in (
                page_login(client, username, "mauvais", ip) for _ in range(settings.LOGIN_MAX_FAILURES + 1)
            )
        ]

    def api_answers(username, ip):
        return [
            (r.status_code, r.data["detail"])
            for r in (api_token(username, "mauvais", ip=ip) for _ in range(settings.LOGIN_MAX_FAILURES + 1))
        ]

    existing, unknown = page_answers("directeur", "192.0.2.10"), page_answers("inconnu", "192.0.2.11")
    assert existing == unknown
    assert existing[-1][0] == 429 and "verrouillé" in existing[-1][1][0]
    existing, unknown = api_answers("qualite", "192.0.2.12"), api_answers("inconnue", "192.0.2.13")
    assert existing == unknown
    assert "verrouillé" in existing[-1][1]
    # the right password of the locked account is answered the same way too
    assert api_token("qualite", PASSWORD, ip="192.0.2.14").data["detail"] == existing[-1][1]


def test_lockout_ends_after_the_cool_off(world, settings, monkeypatch):
    client = Client()
    for _ in range(settings.LOGIN_MAX_FAILURES):
        page_login(client, "directeur", "mauvais")
    assert page_login(client, "directeur", PASSWORD).status_code == 429
    later = timezone.now() + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES, seconds=5)
    monkeypatch.setattr("axes.handlers.proxy.now", lambda: later)
    assert page_login(client, "directeur", PASSWORD).status_code == 302


# --- Item 3: tokens and two-factor ----------------------------------------------------------------


def test_tokens_expire(world, settings, monkeypatch):
    token = api_token("directeur", PASSWORD).data["token"]
    stored = ApiToken.objects.get(key_hash=ApiToken.hash(token))
    assert stored.expires_at is not None
    assert abs(stored.expires_at - (stored.created_at + timedelta(days=settings.API_TOKEN_DAYS))) < timedelta(
        seconds=5
    )
    assert api_me(token).status_code == 200
    start = timezone.now()
    monkeypatch.setattr(
        "django.utils.timezone.now", lambda: start + timedelta(days=settings.API_TOKEN_DAYS - 1)
    )
    assert api_me(token).status_code == 200
    monkeypatch.setattr(
        "django.utils.timezone.now", lambda: start + timedelta(days=settings.API_TOKEN_DAYS, minutes=1)
    )
    assert api_me(token).status_code == 401


def test_token_days_setting(world, settings):
    settings.API_TOKEN_DAYS = 2
    token = api_token("directeur", PASSWORD).data["token"]
    stored = ApiToken.objects.get(key_hash=ApiToken.hash(token))
    assert stored.expires_at - stored.created_at < timedelta(days=2, seconds=5)


def test_token_without_code_refused_once_two_factor_is_required(world):
    director = Client()
    director.force_login(world.director)
    page_token = director.post("/compte/", {"name": "tableur"}).context["new_token"]
    api_key = api_token("directeur", PASSWORD).data["token"]
    assert api_me(page_token).status_code == 200 and api_me(api_key).status_code == 200
    require_two_factor(world, "director")
    assert api_me(page_token).status_code == 401
    assert api_me(api_key).status_code == 401
    # the colleague whose role does not require it keeps their token
    assert api_me(api_token("qualite", PASSWORD).data["token"]).status_code == 200
    # once enrolled, a token asked for with a code works
    client = Client()
    page_login(client, "directeur", PASSWORD)
    secret = enrol(client)
    assert api_token("directeur", PASSWORD).status_code == 401  # no code
    token = api_token("directeur", PASSWORD, otp=code(secret, 1)).data["token"]
    assert api_me(token).status_code == 200
    # a token created on the account page after the code was given is verified too
    assert api_me(client.post("/compte/", {"name": "tableur"}).context["new_token"]).status_code == 200


def test_superuser_token_follows_the_admin_rule(world):
    world.educator.is_superuser = True
    world.educator.save(update_fields=["is_superuser"])
    key = api_token("educ_e1", PASSWORD).data["token"]
    # the rule now covers a platform superuser: the platform's administrator sets it
    require_two_factor(world, "admin", by=world.educator)
    assert api_me(key).status_code == 401


def test_cli_token_needs_a_code_when_two_factor_is_required(world, capsys):
    require_two_factor(world, "director")
    with pytest.raises(CommandError):
        call_command("token", "directeur")
    client = Client()
    page_login(client, "directeur", PASSWORD)
    secret = enrol(client)
    call_command("token", "directeur", "--otp", code(secret, 1))
    token = capsys.readouterr().out.strip()
    assert api_me(token).status_code == 200


def test_wrong_codes_are_throttled(world, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # a wait of 60 s after a wrong code, 120 s after two…
    require_two_factor(world, "director")
    client = Client()
    page_login(client, "directeur", PASSWORD)
    secret = enrol(client)
    wrong = "000000" if code(secret, 1) != "000000" else "111111"
    refused = api_token("directeur", PASSWORD, otp=wrong)
    assert refused.status_code == 401
    # right away, even the right code is refused
    throttled = api_token("directeur", PASSWORD, otp=code(secret, 1))
    assert throttled.status_code == 401 and "essayez" in throttled.data["detail"]
    # the login page's second step shares the throttle
    other = Client()
    page_login(other, "directeur", PASSWORD)
    response = other.post("/compte/2fa/verifier", {"code": code(secret, 1)})
    assert response.status_code == 200 and "essayez" in response.content.decode()
    assert other.get("/offre/").status_code == 302
    assert (
        AuditEvent.objects.filter(action="login_failed", actor=world.director, details__otp=True).count() >= 3
    )
    # once the wait is over the right code is accepted
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=world.director).update(
        throttling_failure_timestamp=timezone.now() - timedelta(minutes=5)
    )
    assert api_token("directeur", PASSWORD, otp=code(secret, 1)).status_code == 200


def test_a_code_is_used_once(world):
    require_two_factor(world, "director")
    client = Client()
    page_login(client, "directeur", PASSWORD)
    secret = enrol(client)
    next_code = code(secret, 1)
    assert api_token("directeur", PASSWORD, otp=next_code).status_code == 200
    assert api_token("directeur", PASSWORD, otp=next_code).status_code == 401
    other = Client()
    page_login(other, "directeur", PASSWORD)
    assert other.post("/compte/2fa/verifier", {"code": next_code}).status_code == 200
    assert other.get("/offre/").status_code == 302


def test_setup_page_cannot_replace_a_device_without_its_code(world):
    """With only the password, one cannot enrol a new authenticator over the existing one."""
    require_two_factor(world, "director")
    client = Client()
    page_login(client, "directeur", PASSWORD)
    enrol(client)
    thief = Client()
    response = page_login(thief, "directeur", PASSWORD)
    assert "/compte/2fa/verifier" in response["Location"]
    response = thief.get("/compte/2fa/activer")
    assert response.status_code == 302 and "/compte/2fa/verifier" in response["Location"]
    assert thief.get("/offre/").status_code == 302
