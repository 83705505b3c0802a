import time
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test import RequestFactory
from django.utils import timezone

from parcours.access import services
from parcours.access.models import ApiToken, AuditEvent
from parcours.core.errors import Forbidden
from tests.conftest import PASSWORD


def test_lockout_expires(world, settings, monkeypatch):
    def attempt(password):
        return services.authenticate(RequestFactory().post("/connexion/"), "directeur", password)

    for _ in range(settings.LOGIN_MAX_FAILURES):
        with pytest.raises(services.AuthenticationFailed):
            attempt("faux")
    with pytest.raises(services.AuthenticationFailed) as exc:
        attempt(PASSWORD)
    assert exc.value.locked
    later = timezone.now() + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES, seconds=1)
    monkeypatch.setattr("axes.handlers.proxy.now", lambda: later)
    assert attempt(PASSWORD) == world.director
    failed = AuditEvent.objects.filter(action="login_failed", actor=world.director)
    assert failed.count() == settings.LOGIN_MAX_FAILURES + 1  # the refused right password too
    assert AuditEvent.objects.filter(action="locked", actor=world.director).count() == 2


def test_tokens_hashed_revocable_expiring(world):
    key = services.issue_token(world.director, "test", days=1)
    assert not ApiToken.objects.filter(key_hash=key).exists()
    assert services.user_for_token(key) == world.director
    ApiToken.objects.filter(user=world.director).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert services.user_for_token(key) is None
    other = services.issue_token(world.director)
    token = ApiToken.objects.get(key_hash=ApiToken.hash(other))
    services.revoke_token(world.director, token.pk)
    assert services.user_for_token(other) is None


def test_token_of_an_inactive_user_refused_and_use_recorded(world):
    key = services.issue_token(world.educator, "test")
    token = ApiToken.objects.get(key_hash=ApiToken.hash(key))
    assert token.last_used_at is None
    user = services.user_for_token(key)
    assert user == world.educator and user.has_usable_password() == world.educator.has_usable_password()
    token.refresh_from_db()
    assert token.last_used_at is not None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - timedelta(minutes=4))
    services.user_for_token(key)
    assert ApiToken.objects.get(pk=token.pk).last_used_at < timezone.now() - timedelta(minutes=3)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - timedelta(minutes=6))
    services.user_for_token(key)
    assert ApiToken.objects.get(pk=token.pk).last_used_at > timezone.now() - timedelta(minutes=1)
    world.educator.is_active = False
    world.educator.save(update_fields=["is_active"])
    assert services.user_for_token(key) is None
    assert services.user_for_token("prc_" + "x" * 43) is None


def test_two_factor_required_by_admin_only(world, settings):
    from django_otp.oath import TOTP

    def code(device, steps_ahead=0):
        totp = TOTP(device.bin_key)
        totp.time = time.time() + 30 * steps_ahead
        return f"{totp.token():06d}"

    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no wait after a wrong code here (tested in test_login_doors)
    with pytest.raises(Forbidden):
        services.set_two_factor_requirement(world.director, "director", True)
    assert not services.check_second_factor(world.director, None)
    services.set_two_factor_requirement(world.admin, "director", True)
    with pytest.raises(services.AuthenticationFailed):
        services.check_second_factor(world.director, None)
    device = services.start_totp(world.director)
    services.confirm_totp(world.director, code(device))
    with pytest.raises(services.AuthenticationFailed):
        services.check_second_factor(world.director, "000000" if code(device, 1) != "000000" else "111111")
    assert services.check_second_factor(world.director, code(device, 1)) is True


def test_audit_log_is_append_only(world):
    event = services.audit(world.director, "view", world.child, person=world.child)
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().update(reason="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    if connection.vendor == "postgresql":
        with (
            pytest.raises(Exception, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("UPDATE access_auditevent SET reason = 'x'")
