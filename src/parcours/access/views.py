"""Pages of the access app: login, logout, two-factor, account and tokens, 2FA policy, audit log."""

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from parcours.access import scoping, selectors, services
from parcours.access.forms import AuditFilterForm, CodeForm, LoginForm, TokenForm, TwoFactorPolicyForm
from parcours.access.middleware import SESSION_OTP_KEY
from parcours.access.models import AuditAction, TwoFactorRequirement
from parcours.access.roles import Perm
from parcours.core.errors import Invalid
from parcours.core.viewtools import attach_errors, service_errors


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("home")


def login_view(request):
    """Username and password, with the lockout of every login door; then the TOTP code if required."""
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.authenticate(
                request, form.cleaned_data["username"], form.cleaned_data["password"]
            )
        except services.AuthenticationFailed as exc:
            return login_page(request, form, error=exc.message, status=429 if exc.locked else 200)
        login(request, user)  # audited by the user_logged_in signal (login_doors)
        if services.two_factor_required(user):
            target = "access:totp_verify" if user.has_totp else "access:totp_setup"
            return redirect(f"{reverse(target)}?next={_next_url(request)}")
        return redirect(_next_url(request))
    return login_page(request, form)


def login_page(request, form=None, *, error: str = "", status: int = 200):
    """The login page; also the answer of the lockout on the page and admin doors (login_doors)."""
    if form is None:
        form = LoginForm(request.POST)
        form.is_valid()
    if error:
        form.add_error(None, error)
    context = {
        "form": form,
        "next": request.POST.get("next") or request.GET.get("next", ""),
        "max_failures": settings.LOGIN_MAX_FAILURES,
        "lockout_minutes": settings.LOGIN_LOCKOUT_MINUTES,
    }
    return render(request, "access/login.html", context, status=status)


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        services.audit(request.user, AuditAction.LOGOUT, request.user)
    logout(request)
    return redirect("access:login")


@login_required
def totp_setup(request):
    """Enrol an authenticator app: a new secret shown as a QR code, confirmed by a first code. A user
    who already has one gives its code first (the password alone cannot replace it)."""
    user = request.user
    if user.has_totp and not request.session.get(SESSION_OTP_KEY):
        return redirect(f"{reverse('access:totp_verify')}?next={reverse('access:totp_setup')}")
    device = services.pending_totp(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.confirm_totp(user, form.cleaned_data["code"])
        except Invalid as exc:
            attach_errors(form, exc)
        else:
            request.session.cycle_key()
            request.session[SESSION_OTP_KEY] = True
            messages.success(request, "Double authentification activée.")
            return redirect(_next_url(request))
    if device is None:
        device = services.start_totp(user)
    qr = segno.make(services.totp_uri(device)).svg_inline(scale=4, omitsize=True)
    return render(
        request,
        "access/totp_setup.html",
        {"form": form, "secret": services.totp_secret(device), "qr": qr, "next": _next_param(request)},
    )


@login_required
def totp_verify(request):
    """The second step of the login: the code of the user's authenticator app."""
    if not request.user.has_totp:
        return redirect(f"{reverse('access:totp_setup')}?next={_next_url(request)}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.verify_otp(request.user, form.cleaned_data["code"])
        except Invalid as exc:
            attach_errors(form, exc)
        else:
            request.session.cycle_key()
            request.session[SESSION_OTP_KEY] = True
            return redirect(_next_url(request))
    return render(request, "access/totp_verify.html", {"form": form, "next": _next_param(request)})


def _next_param(request) -> str:
    return request.POST.get("next") or request.GET.get("next", "")


@login_required
def account(request):
    """The user's memberships and API tokens (create: the clear token is shown once; revoke)."""
    new_token = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        new_token = services.issue_token(
            request.user,
            form.cleaned_data["name"] or "page",
            otp_verified=bool(request.session.get(SESSION_OTP_KEY)),
        )
        form = TokenForm()
    return render(
        request,
        "access/account.html",
        {
            "form": form,
            "new_token": new_token,
            "memberships": request.user.memberships.select_related("organisation", "establishment", "unit"),
            "tokens": request.user.api_tokens.order_by("-created_at"),
            "two_factor_required": services.two_factor_required(request.user),
            "now": timezone.now(),
            "token_days": settings.API_TOKEN_DAYS,
        },
    )


@require_POST
@login_required
@service_errors
def revoke_token(request, token_id: int):
    services.revoke_token(request.user, token_id)
    messages.success(request, "Jeton révoqué.")
    return redirect("access:account")


@login_required
@service_errors
def two_factor_policy(request):
    """An admin chooses the roles for which two-factor authentication is mandatory."""
    scoping.require(request.user, Perm.MANAGE_USERS)
    current = list(TwoFactorRequirement.objects.filter(required=True).values_list("role", flat=True))
    form = TwoFactorPolicyForm(request.POST or None, initial={"roles": current})
    if request.method == "POST" and form.is_valid():
        chosen = set(form.cleaned_data["roles"])
        for role, _label in form.fields["roles"].choices:
            if (role in chosen) != (role in current):
                services.set_two_factor_requirement(request.user, role, role in chosen)
        messages.success(request, "Règles de double authentification enregistrées.")
        return redirect("access:two_factor_policy")
    return render(request, "access/two_factor_policy.html", {"form": form, "nav": "admin"})


@login_required
@service_errors
def audit_log(request):
    """The audit log, filterable by record, user, action and dates (admin and quality roles)."""
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = selectors.audit_events(
        request.user,
        person=filters.get("person"),
        actor_id=filters.get("actor"),
        action=filters.get("action"),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "access/audit.html", {"form": form, "page": page, "query": query.urlencode(), "nav": "audit"}
    )
