"""Issue 12: API tokens record whether they were issued after a verified one-time code, and every token
gets an expiry (API_TOKEN_DAYS after its creation: a token that was never to expire, older than that,
expires now). The authenticator secrets move from User.totp_secret (pyotp, base32) to django-otp's
TOTP devices (hex key, same SHA-1 / 6 digits / 30 s, one step of tolerance); 0005 drops the old
fields. Two migrations: on PostgreSQL a table cannot be altered in the transaction that wrote rows
referencing it."""

import base64
import binascii
from datetime import timedelta

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def forward(apps, schema_editor):
    User = apps.get_model("access", "User")
    ApiToken = apps.get_model("access", "ApiToken")
    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    days = timedelta(days=getattr(settings, "API_TOKEN_DAYS", 30))
    for token in ApiToken.objects.filter(expires_at__isnull=True):
        token.expires_at = token.created_at + days
        token.save(update_fields=["expires_at"])
    for user in User.objects.exclude(totp_secret=""):
        secret = user.totp_secret.strip().replace(" ", "").upper()
        try:
            key = base64.b32decode(secret + "=" * (-len(secret) % 8))
        except (binascii.Error, ValueError):
            continue
        if not 1 <= len(key) <= 40:
            continue
        TOTPDevice.objects.create(
            user=user, name="Parcours", key=key.hex(), confirmed=user.totp_confirmed_at is not None
        )


def backward(apps, schema_editor):
    User = apps.get_model("access", "User")
    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    for device in TOTPDevice.objects.order_by("confirmed", "pk"):  # a confirmed device wins
        secret = base64.b32encode(bytes.fromhex(device.key)).decode().rstrip("=")
        User.objects.filter(pk=device.user_id).update(
            totp_secret=secret, totp_confirmed_at=(device.created_at or timezone.now()) if device.confirmed else None
        )
    TOTPDevice.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0003_audit_truncate_postgres"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="otp_verified",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(forward, backward),
    ]
