"""Issue 12: failed logins are counted by django-axes and the authenticator is a django-otp TOTP
device (0004 copied the secrets): the user's own counters and secret go; every token has an expiry."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("access", "0004_api_token_otp_and_totp_devices")]

    operations = [
        migrations.RemoveField(model_name="user", name="failed_logins"),
        migrations.RemoveField(model_name="user", name="locked_until"),
        migrations.RemoveField(model_name="user", name="totp_secret"),
        migrations.RemoveField(model_name="user", name="totp_confirmed_at"),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(),
        ),
    ]
