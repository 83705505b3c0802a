"""Every login door — the login page, POST /api/v1/auth/token, the Django admin (/gestion/) and any
future one — authenticates with django.contrib.auth.authenticate(request, ...), so that whatever the
door:
- django-axes (first authentication backend) counts the failures and refuses a username after
  LOGIN_MAX_FAILURES failures, an address after LOGIN_MAX_FAILURES_PER_IP, for LOGIN_LOCKOUT_MINUTES
  (LoginThrottle); an unknown username is counted and locked like an existing one;
- Django's auth signals and axes' user_locked_out write the audit events (LOGIN, LOGIN_FAILED,
  LOCKED), with the door they came through (receivers below, connected when the app is ready);
- a locked-out attempt gets the same answer on every door (lockout_response, AXES_LOCKOUT_CALLABLE).
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models import Sum
from django.dispatch import receiver
from django.http import JsonResponse
from django.urls import reverse

from parcours.access import services
from parcours.access.models import AuditAction, User


class LoginThrottle(AxesDatabaseHandler):
    """Axes' database handler with a limit of its own for an address: a username is locked after
    LOGIN_MAX_FAILURES failures (AXES_FAILURE_LIMIT) from any address; an address after
    LOGIN_MAX_FAILURES_PER_IP failures whatever the usernames tried (a higher limit: the staff of an
    establishment may share one address). The counts are axes' (AXES_LOCKOUT_PARAMETERS =
    ["username", "ip_address"], in that order)."""

    def get_failures(self, request, credentials=None) -> int:
        by_username, by_address = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        # without a known address (no REMOTE_ADDR) nothing is counted per address: every such
        # request would share one count
        if request.axes_ip_address and by_address >= settings.LOGIN_MAX_FAILURES_PER_IP:
            return max(by_username, settings.AXES_FAILURE_LIMIT)
        return by_username


def door_of(request) -> str:
    """Which door a login attempt came through: "api", "admin" or "page"."""
    path = getattr(request, "path", "") or ""
    if path.startswith("/api/"):
        return "api"
    if path.startswith(reverse("admin:index")):
        return "admin"
    return "page"


def lockout_response(request, original_response=None, credentials=None):
    """The answer to an attempt refused by the lockout, the same for an existing or an unknown
    account: the API's error (401, as for bad credentials), or the login page with the message (429)
    for the pages and the admin."""
    message = services.locked_message()
    if door_of(request) == "api":
        return JsonResponse({"detail": message, "errors": []}, status=401)
    from parcours.access.views import login_page

    return login_page(request, error=message, status=429)


def _account(username: str) -> User | None:
    return User.objects.filter(username=username).first() if username else None


def _audit_attempt(action: str, request, username: str | None) -> None:
    username = (username or "")[:150]
    account = _account(username)
    extra = {} if account else {"username": username}
    services.audit(account, action, account or "user", via=door_of(request), **extra)


@receiver(user_logged_in, dispatch_uid="parcours_audit_login")
def audit_login(sender, request, user, **kwargs):
    services.audit(user, AuditAction.LOGIN, user, via=door_of(request))


@receiver(user_login_failed, dispatch_uid="parcours_audit_login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    _audit_attempt(AuditAction.LOGIN_FAILED, request, credentials.get("username"))


@receiver(user_locked_out, dispatch_uid="parcours_audit_locked_out")
def audit_locked_out(sender, request, username, ip_address, **kwargs):
    _audit_attempt(AuditAction.LOCKED, request, username)
