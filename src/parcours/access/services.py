"""Access services: audit, authentication with lockout, API tokens, two-factor, users."""

import base64
import math
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import password_validation
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from parcours.access import scoping
from parcours.access.context import client_ip
from parcours.access.models import ApiToken, AuditAction, AuditEvent, Membership, TwoFactorRequirement, User
from parcours.access.roles import Perm, Role
from parcours.core.errors import Forbidden, Invalid, NotFound


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


LOCKED_MESSAGE = "Connexion verrouillée après trop d'échecs : réessayez dans {minutes} minutes."
BAD_CREDENTIALS = "Identifiant ou mot de passe incorrect."
OTP_THROTTLED = "Trop de codes erronés : réessayez dans {seconds} secondes."
OTP_WRONG = "Code incorrect : vérifiez l'heure de votre téléphone et réessayez."


def locked_message() -> str:
    """The one answer to a locked-out attempt, whether the account exists or not."""
    return LOCKED_MESSAGE.format(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def authenticate(request, username: str, password: str) -> User:
    """Check a username and password at a login door, through django.contrib.auth.authenticate so that
    django-axes counts the failures and refuses a username or an address after too many of them (an
    unknown username exactly as an existing one) and the auth signals write the audit events (see
    login_doors). The second factor is checked apart (check_second_factor, or the page's second step)."""
    user = auth.authenticate(request, username=username, password=password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            raise AuthenticationFailed(locked_message(), locked=True)
        raise AuthenticationFailed(BAD_CREDENTIALS)
    return user


def logged_in(request, user: User) -> None:
    """A login without a session (an API token): the signal django.contrib.auth.login sends, so that
    it is audited and recorded (last_login) like a login through any other door."""
    user_logged_in.send(sender=user.__class__, request=request, user=user)


def two_factor_required(user: User) -> bool:
    roles = scoping.roles_of(user)
    if user.is_superuser:
        roles = roles | {Role.ADMIN}
    return TwoFactorRequirement.objects.filter(role__in=roles, required=True).exists()


def set_two_factor_requirement(actor: User, role: str, required: bool) -> TwoFactorRequirement:
    """An admin makes two-factor authentication mandatory (or not) for a role. The rule applies to
    every account holding the role: an organisation's admin may change it only when all those
    accounts are ones it manages (otherwise the platform's administrator decides)."""
    from parcours.access.selectors import users_managed_by

    scoping.require(actor, Perm.MANAGE_USERS)
    if role not in Role.values:
        raise Invalid({"role": "Rôle inconnu."})
    if not scoping.sees_everything(actor):
        holders = Q(memberships__role=role)
        if role == Role.ADMIN:  # a superuser counts as an admin for two-factor
            holders |= Q(is_superuser=True)
        concerned = User.objects.filter(holders)
        if concerned.exclude(pk__in=users_managed_by(actor).values("pk")).exists():
            raise Forbidden(
                "Cette règle s'appliquerait aussi à des comptes d'autres organisations : seul "
                "l'administrateur de la plateforme peut la changer."
            )
    with transaction.atomic():
        rule, _ = TwoFactorRequirement.objects.update_or_create(role=role, defaults={"required": required})
        audit(actor, AuditAction.UPDATE, rule, role=role, required=required)
    return rule


def totp_device(user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def pending_totp(user: User) -> TOTPDevice | None:
    """The authenticator being enrolled, not confirmed yet."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def start_totp(user: User) -> TOTPDevice:
    """A new authenticator to enrol (replacing one being enrolled); a confirmed one stays in use until
    the new one is confirmed by a first code."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name="Parcours", confirmed=False)


def totp_secret(device: TOTPDevice) -> str:
    """The key in base32, as typed into an authenticator app."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def totp_uri(device: TOTPDevice) -> str:
    return device.config_url


def verify_otp(user: User, code: str | None, *, enrolling: bool = False) -> None:
    """Check a one-time code with the user's authenticator (django-otp's TOTP device: a code is
    accepted once, each wrong code doubles the wait before the next try, a clock drift of one step is
    followed). enrolling=True checks the authenticator being enrolled and confirms it in place of the
    previous one. A refusal is audited and raises Invalid({"code": ...})."""
    code = str(code or "").strip().replace(" ", "")
    with transaction.atomic():  # one check at a time per user: a code cannot be used twice at once
        list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk"))
        device = pending_totp(user) if enrolling else totp_device(user)
        if device is None:
            message, reason = "Aucune application d'authentification n'est activée.", "no_device"
        else:
            allowed, info = device.verify_is_allowed()
            if not allowed:
                wait = (info or {}).get("locked_until", timezone.now()) - timezone.now()
                message = OTP_THROTTLED.format(seconds=max(1, math.ceil(wait.total_seconds())))
                reason = "throttled"
            elif device.verify_token(code):  # counts a wrong code (throttle) and the used one
                message = reason = None
                if enrolling:
                    device.confirmed = True
                    device.save(update_fields=["confirmed"])
                    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            else:
                message, reason = OTP_WRONG, "wrong"
    if message:
        audit(user, AuditAction.LOGIN_FAILED, user, otp=True, failure=reason)
        raise Invalid({"code": message})
    user.__dict__.pop("has_totp", None)


def confirm_totp(user: User, code: str) -> None:
    """The first code of the authenticator being enrolled confirms it."""
    verify_otp(user, code, enrolling=True)
    audit(user, AuditAction.UPDATE, user, totp="enabled")


def check_second_factor(user: User, code: str | None) -> bool:
    """At the API door, after the password: whether a one-time code was verified. When two-factor is
    required for one of the user's roles a missing, wrong, throttled or reused code is refused."""
    required = two_factor_required(user)
    if not code and not required:
        return False
    if not user.has_totp:
        if not required:
            return False
        raise AuthenticationFailed(
            "La double authentification est obligatoire pour votre rôle : activez-la depuis "
            "l'interface avant d'utiliser l'API.",
            needs_otp=True,
        )
    if not code:
        raise AuthenticationFailed("Code de double authentification manquant.", needs_otp=True)
    try:
        verify_otp(user, code)
    except Invalid as exc:
        raise AuthenticationFailed(exc.errors[0]["message"], needs_otp=True) from None
    return True


def issue_token(user: User, name: str = "", *, days: int | None = None, otp_verified: bool = False) -> str:
    """Create an API token; its clear value is returned once and only its hash is stored. It expires
    after `days` (API_TOKEN_DAYS by default); otp_verified records that a one-time code was verified
    when it was asked for (without it, the token stops working once a role of the user requires
    two-factor)."""
    key = "prc_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=key[:12],
        key_hash=ApiToken.hash(key),
        expires_at=timezone.now() + timedelta(days=days or settings.API_TOKEN_DAYS),
        otp_verified=otp_verified,
    )
    audit(user, AuditAction.TOKEN, token, event="created", otp_verified=otp_verified)
    return key


def user_for_token(key: str) -> User | None:
    """The active user holding this unrevoked, unexpired token, or None; a token issued without a
    verified one-time code is refused once one of the user's roles requires two-factor. Every API
    request asks, so it is one fixed query (the user, with whether the token's last use is worth
    recording) rather than one built by the ORM each time, whose compilation cost more than the query
    itself."""
    from django.db import connection

    now = timezone.now()
    at = connection.ops.adapt_datetimefield_value
    params = [at(now - timedelta(minutes=5)), ApiToken.hash(key), at(now), Role.ADMIN]
    user = next(iter(User.objects.raw(_TOKEN_USER_SQL, params)), None)
    if user is None:
        return None
    if user.token_stale:
        ApiToken.objects.filter(pk=user.token_id).update(last_used_at=now)
    return user


# The roles requiring two-factor are the user's memberships' and, for a superuser, the admin role (as
# two_factor_required).
_TOKEN_USER_SQL = f"""
    SELECT u.*, t.id AS token_id, (t.last_used_at IS NULL OR t.last_used_at < %s) AS token_stale
    FROM {ApiToken._meta.db_table} t JOIN {User._meta.db_table} u ON u.id = t.user_id
    WHERE t.key_hash = %s AND t.revoked_at IS NULL AND u.is_active AND t.expires_at > %s
      AND (t.otp_verified OR NOT EXISTS (
        SELECT 1 FROM {TwoFactorRequirement._meta.db_table} r
        WHERE r.required AND ((u.is_superuser AND r.role = %s) OR r.role IN (
          SELECT m.role FROM {Membership._meta.db_table} m WHERE m.user_id = u.id))))"""


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
    if kind not in models or not raw_id.isdecimal() or len(raw_id) > 18:
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
