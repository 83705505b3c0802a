"""Access services: audit, authentication with lockout, API tokens, two-factor, users."""

import secrets
from datetime import timedelta

import pyotp
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from parcours.access import scoping
from parcours.access.context import client_ip
from parcours.access.models import ApiToken, AuditAction, AuditEvent, Membership, TwoFactorRequirement, User
from parcours.access.roles import Perm, Role
from parcours.core.errors import Invalid, NotFound


def audit(actor, action: str, obj=None, *, person=None, reason: str = "", **details) -> AuditEvent:
    """Append one event to the audit log: who did what on which object (and which person's record)."""
    person_id = None
    if person is not None:
        person_id = person if isinstance(person, int) else person.pk
    actor_obj = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=actor_obj,
        actor_label=(actor_obj.username if actor_obj else details.pop("username", "")),
        action=action,
        object_type=obj._meta.model_name if obj is not None and hasattr(obj, "_meta") else (obj or ""),
        object_id=str(obj.pk) if obj is not None and hasattr(obj, "pk") else "",
        person_id=person_id,
        ip=client_ip.get(),
        reason=reason[:255],
        details=details,
    )


class AuthenticationFailed(Exception):
    def __init__(self, message: str, locked: bool = False, needs_otp: bool = False):
        super().__init__(message)
        self.message = message
        self.locked = locked
        self.needs_otp = needs_otp


LOCKED_MESSAGE = "Compte temporairement verrouillé après trop d'échecs. Réessayez dans {minutes} minutes."
BAD_CREDENTIALS = "Identifiant ou mot de passe incorrect."


def authenticate(username: str, password: str, otp: str | None = None, *, check_otp: bool = True) -> User:
    """Check credentials with lockout: after LOGIN_MAX_FAILURES failures the account is locked for
    LOGIN_LOCKOUT_MINUTES, even for the right password. When two-factor is required for one of the
    user's roles, the TOTP code is checked too (check_otp=False leaves it to a second step)."""
    failure = None
    with transaction.atomic():  # the failure count is committed before the refusal is raised
        failure, user = _check_credentials(username, password)
    if failure:
        raise failure
    if check_otp and two_factor_required(user):
        if not user.has_totp:
            raise AuthenticationFailed(
                "La double authentification est obligatoire pour votre rôle : activez-la depuis "
                "l'interface avant d'utiliser l'API.",
                needs_otp=True,
            )
        if not otp or not verify_totp(user, otp):
            raise AuthenticationFailed(
                "Code de double authentification manquant ou incorrect.", needs_otp=True
            )
    return user


def _check_credentials(username: str, password: str) -> tuple[AuthenticationFailed | None, User | None]:
    now = timezone.now()
    user = User.objects.select_for_update().filter(username=username).first()
    if user is None or not user.is_active:
        User().set_password(password)  # same cost as a real check
        audit(None, AuditAction.LOGIN_FAILED, "user", username=(username or "")[:150])
        return AuthenticationFailed(BAD_CREDENTIALS), None
    if user.locked_until and user.locked_until > now:
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        audit(user, AuditAction.LOCKED, user)
        return AuthenticationFailed(LOCKED_MESSAGE.format(minutes=minutes), locked=True), None
    if not user.check_password(password):
        user.failed_logins += 1
        locked = user.failed_logins >= settings.LOGIN_MAX_FAILURES
        if locked:
            user.locked_until = now + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
            user.failed_logins = 0
        user.save(update_fields=["failed_logins", "locked_until"])
        audit(user, AuditAction.LOCKED if locked else AuditAction.LOGIN_FAILED, user)
        if locked:
            return AuthenticationFailed(
                LOCKED_MESSAGE.format(minutes=settings.LOGIN_LOCKOUT_MINUTES), locked=True
            ), None
        return AuthenticationFailed(BAD_CREDENTIALS), None
    if user.failed_logins or user.locked_until:
        user.failed_logins = 0
        user.locked_until = None
        user.save(update_fields=["failed_logins", "locked_until"])
    return None, user


def record_login(user: User, via: str) -> None:
    User.objects.filter(pk=user.pk).update(last_login=timezone.now())
    audit(user, AuditAction.LOGIN, user, via=via)


def two_factor_required(user: User) -> bool:
    roles = scoping.roles_of(user)
    if user.is_superuser:
        roles = roles | {Role.ADMIN}
    return TwoFactorRequirement.objects.filter(role__in=roles, required=True).exists()


def set_two_factor_requirement(actor: User, role: str, required: bool) -> TwoFactorRequirement:
    """An admin makes two-factor authentication mandatory (or not) for a role."""
    scoping.require(actor, Perm.MANAGE_USERS)
    if role not in Role.values:
        raise Invalid({"role": "Rôle inconnu."})
    with transaction.atomic():
        rule, _ = TwoFactorRequirement.objects.update_or_create(role=role, defaults={"required": required})
        audit(actor, AuditAction.UPDATE, rule, role=role, required=required)
    return rule


def start_totp(user: User) -> str:
    """Give the user a new TOTP secret, to be confirmed by a first code."""
    user.totp_secret = pyotp.random_base32()
    user.totp_confirmed_at = None
    user.save(update_fields=["totp_secret", "totp_confirmed_at"])
    return user.totp_secret


def totp_uri(user: User) -> str:
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.username, issuer_name="Parcours")


def verify_totp(user: User, code: str) -> bool:
    if not user.totp_secret:
        return False
    return pyotp.TOTP(user.totp_secret).verify(str(code).strip().replace(" ", ""), valid_window=1)


def confirm_totp(user: User, code: str) -> None:
    if not verify_totp(user, code):
        raise Invalid({"code": "Code incorrect : vérifiez l'heure de votre téléphone et réessayez."})
    user.totp_confirmed_at = timezone.now()
    user.save(update_fields=["totp_confirmed_at"])
    audit(user, AuditAction.UPDATE, user, totp="enabled")


def issue_token(user: User, name: str = "", *, days: int | None = None) -> str:
    """Create an API token; its clear value is returned once and only its hash is stored."""
    key = "prc_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=key[:12],
        key_hash=ApiToken.hash(key),
        expires_at=timezone.now() + timedelta(days=days) if days else None,
    )
    audit(user, AuditAction.TOKEN, token, event="created")
    return key


def user_for_token(key: str) -> User | None:
    """The active user holding this unrevoked, unexpired token, or None. Every API request asks, so
    it is one fixed query (the user, with whether the token's last use is worth recording) rather
    than one built by the ORM each time, whose compilation cost more than the query itself."""
    from django.db import connection

    now = timezone.now()
    at = connection.ops.adapt_datetimefield_value
    params = [at(now - timedelta(minutes=5)), ApiToken.hash(key), at(now)]
    user = next(iter(User.objects.raw(_TOKEN_USER_SQL, params)), None)
    if user is None:
        return None
    if user.token_stale:
        ApiToken.objects.filter(pk=user.token_id).update(last_used_at=now)
    return user


_TOKEN_USER_SQL = f"""
    SELECT u.*, t.id AS token_id, (t.last_used_at IS NULL OR t.last_used_at < %s) AS token_stale
    FROM {ApiToken._meta.db_table} t JOIN {User._meta.db_table} u ON u.id = t.user_id
    WHERE t.key_hash = %s AND t.revoked_at IS NULL AND u.is_active AND (t.expires_at IS NULL OR t.expires_at > %s)"""


def revoke_token(actor: User, token_id: int) -> ApiToken:
    """A user revokes one of their tokens; an administrator also the tokens of the accounts it
    manages (selectors.users_managed_by: every membership within its organisations). Any other
    token answers 404."""
    from django.db.models import Q

    from parcours.access.selectors import users_managed_by

    owners = Q(user_id=actor.pk)
    if scoping.has_perm_somewhere(actor, Perm.MANAGE_USERS):
        owners |= Q(user__in=users_managed_by(actor).values("pk"))
    token = ApiToken.objects.filter(owners, pk=token_id, revoked_at__isnull=True).first()
    if token is None:
        raise NotFound("Jeton introuvable.")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit(actor, AuditAction.TOKEN, token, event="revoked")
    return token


def parse_scope(scope: str):
    """'organisation:ID', 'establishment:ID' or 'unit:ID' → (field, object)."""
    from parcours.directory.models import Establishment, Organisation, Unit

    models = {"organisation": Organisation, "establishment": Establishment, "unit": Unit}
    kind, _, raw_id = (scope or "").partition(":")
    if kind not in models or not raw_id.isdigit():
        raise Invalid({"scope": "Périmètre attendu : organisation:ID, establishment:ID ou unit:ID."})
    obj = models[kind].objects.filter(pk=int(raw_id)).first()
    if obj is None:
        raise Invalid({"scope": f"{kind} {raw_id} introuvable."})
    return kind, obj


def create_user(
    actor: User,
    *,
    username: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    memberships: list[dict] | None = None,
) -> User:
    """A group admin creates a user with memberships (role + scope) inside the organisations of its
    organisation-level admin memberships (at least one membership; a superuser: anywhere)."""
    scoping.require(actor, Perm.MANAGE_USERS)
    errors = {}
    if not username or len(username) > 150:
        errors["username"] = "Identifiant obligatoire (150 caractères au plus)."
    elif User.objects.filter(username=username).exists():
        errors["username"] = "Cet identifiant existe déjà."
    try:
        password_validation.validate_password(password or "", User(username=username, first_name=first_name))
    except ValidationError as exc:
        errors["password"] = " ".join(exc.messages)
    parsed = []
    admin_orgs = scoping.organisation_ids_at_org_level(actor, Perm.MANAGE_USERS)
    if admin_orgs is not None and not memberships:
        # an account with no membership would lie outside every organisation: nobody could manage it
        errors["memberships"] = "Au moins une appartenance (rôle et périmètre) dans votre périmètre."
    for index, item in enumerate(memberships or []):
        role = (item or {}).get("role")
        if role not in Role.values:
            errors[f"memberships[{index}].role"] = "Rôle inconnu."
            continue
        try:
            kind, obj = parse_scope((item or {}).get("scope", ""))
        except Invalid as exc:
            errors[f"memberships[{index}].scope"] = exc.errors[0]["message"]
            continue
        if admin_orgs is not None and not _within(kind, obj, admin_orgs):
            errors[f"memberships[{index}].scope"] = "Ce périmètre est hors du vôtre."
            continue
        parsed.append((role, kind, obj))
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        user = User(username=username, first_name=first_name, last_name=last_name, email=email)
        user.set_password(password)
        user.save()
        for role, kind, obj in parsed:
            Membership.objects.create(user=user, role=role, **{kind: obj})
        audit(actor, AuditAction.CREATE, user, memberships=[f"{r}@{k}:{o.pk}" for r, k, o in parsed])
    return user


def _within(kind: str, obj, org_ids: set[int]) -> bool:
    if kind == "organisation":
        return obj.pk in org_ids
    if kind == "establishment":
        return obj.organisation_id in org_ids
    return obj.establishment.organisation_id in org_ids
