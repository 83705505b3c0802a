"""Users, memberships (role + scope), API tokens, two-factor policy and the append-only audit log."""

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property

from parcours.access.roles import Role


class User(AbstractUser):
    """Failed logins are counted by django-axes, the authenticator app is a django-otp TOTPDevice."""

    phone = models.CharField(max_length=30, blank=True)

    class Meta:
        verbose_name = "utilisateur"

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @cached_property
    def has_totp(self) -> bool:
        """Whether the user has a confirmed authenticator app (a TOTP device)."""
        from django_otp.plugins.otp_totp.models import TOTPDevice

        return TOTPDevice.objects.filter(user=self, confirmed=True).exists()


class Membership(models.Model):
    """A role held by a user over a scope: an organisation, an establishment or a unit."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)
    organisation = models.ForeignKey(
        "directory.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    establishment = models.ForeignKey(
        "directory.Establishment", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        "directory.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="membership_one_scope",
                condition=(
                    Q(organisation__isnull=False, establishment__isnull=True, unit__isnull=True)
                    | Q(organisation__isnull=True, establishment__isnull=False, unit__isnull=True)
                    | Q(organisation__isnull=True, establishment__isnull=True, unit__isnull=False)
                ),
            )
        ]

    @property
    def scope(self) -> str:
        if self.organisation_id:
            return f"organisation:{self.organisation_id}"
        if self.establishment_id:
            return f"establishment:{self.establishment_id}"
        return f"unit:{self.unit_id}"

    @property
    def scope_object(self):
        return self.organisation or self.establishment or self.unit

    def __str__(self):
        return f"{self.get_role_display()} — {self.scope_object}"


class ApiToken(models.Model):
    """A revocable API token; only its SHA-256 is stored. It expires (API_TOKEN_DAYS) and, once two-factor
    is required for one of the user's roles, only works if it was issued after a verified code."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    otp_verified = models.BooleanField(default=False)

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    def __str__(self):
        return f"{self.prefix}… ({self.user})"


class TwoFactorRequirement(models.Model):
    """An admin makes TOTP two-factor authentication mandatory for a role."""

    role = models.CharField(max_length=32, choices=Role.choices, unique=True)
    required = models.BooleanField(default=True)

    def __str__(self):
        return f"2FA {self.role}: {self.required}"


class AuditAction(models.TextChoices):
    VIEW = "view", "Consultation"
    CREATE = "create", "Création"
    UPDATE = "update", "Modification"
    DELETE = "delete", "Suppression"
    EXPORT = "export", "Export"
    DOWNLOAD = "download", "Téléchargement"
    SEARCH = "search", "Recherche"
    MERGE = "merge", "Fusion"
    ARCHIVE = "archive", "Archivage"
    LOGIN = "login", "Connexion"
    LOGIN_FAILED = "login_failed", "Échec de connexion"
    LOCKED = "locked", "Compte verrouillé"
    LOGOUT = "logout", "Déconnexion"
    TOKEN = "token", "Jeton d'API"
    DENIED = "denied", "Accès refusé"


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit log is append-only.")

    def delete(self):
        raise PermissionError("The audit log is append-only.")


class AuditEvent(models.Model):
    """Append-only: who read or changed what, when, from where. Never updated nor deleted."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False)
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(max_length=50, blank=True)
    object_id = models.CharField(max_length=50, blank=True)
    person_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    reason = models.CharField(max_length=255, blank=True)
    details = models.JSONField(default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["actor", "at"]), models.Index(fields=["action", "at"])]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only.")

    def __str__(self):
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type} {self.object_id}"
        )
