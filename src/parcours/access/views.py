"""Pages of the access app: login, logout, two-factor, account and tokens, 2FA policy, audit log."""

import segno
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
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
    """Username and password, with the lockout of the service; then the TOTP code if required."""
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.authenticate(
                form.cleaned_data["username"], form.cleaned_data["password"], check_otp=False
            )
        except services.AuthenticationFailed as exc:
            form.add_error(None, exc.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            services.record_login(user, via="page")
            if services.two_factor_required(user):
                target = "access:totp_verify" if user.has_totp else "access:totp_setup"
                return redirect(f"{reverse(target)}?next={_next_url(request)}")
            return redirect(_next_url(request))
    return render(request, "access/login.html", {"form": form, "next": request.GET.get("next", "")})


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        services.audit(request.user, AuditAction.LOGOUT, request.user)
    logout(request)
    return redirect("access:login")


@login_required
def totp_setup(request):
    """Enrol an authenticator app: a new secret shown as a QR code, confirmed by a first code."""
    user = request.user
    if request.method == "POST":
        form = CodeForm(request.POST)
        if form.is_valid():
            try:
                services.confirm_totp(user, form.cleaned_data["code"])
            except Invalid as exc:
                attach_errors(form, exc)
            else:
                request.session[SESSION_OTP_KEY] = True
                messages.success(request, "Double authentification activée.")
                return redirect(_next_url(request))
    else:
        form = CodeForm()
        if not user.totp_secret or user.totp_confirmed_at:
            services.start_totp(user)
    uri = services.totp_uri(user)
    qr = segno.make(uri).svg_inline(scale=4, omitsize=True)
    return render(
        request,
        "access/totp_setup.html",
        {"form": form, "secret": user.totp_secret, "qr": qr, "next": request.GET.get("next", "")},
    )


@login_required
def totp_verify(request):
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.verify_totp(request.user, form.cleaned_data["code"]):
            request.session[SESSION_OTP_KEY] = True
            return redirect(_next_url(request))
        form.add_error("code", "Code incorrect.")
    return render(request, "access/totp_verify.html", {"form": form, "next": request.GET.get("next", "")})


@login_required
def account(request):
    """The user's memberships and API tokens (create: the clear token is shown once; revoke)."""
    new_token = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        new_token = services.issue_token(request.user, form.cleaned_data["name"] or "page")
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
