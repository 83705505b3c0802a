"""Request-level pieces of access: the audit context (client IP) and mandatory two-factor."""

from django.shortcuts import redirect
from django.urls import reverse

from parcours.access.context import client_ip, ip_of

SESSION_OTP_KEY = "parcours_otp_verified"


class TwoFactorMiddleware:
    """Sets the audit context, then, for a session user whose role requires two-factor, sends them to
    enrol or to enter their code before any other page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = client_ip.set(ip_of(request))
        try:
            redirect_to = self._two_factor_redirect(request)
            if redirect_to:
                return redirect(redirect_to)
            return self.get_response(request)
        finally:
            client_ip.reset(token)

    def _two_factor_redirect(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.session.get(SESSION_OTP_KEY):
            return None
        path = request.path
        if path.startswith(("/static/", "/healthz", "/api/", "/compte/2fa", "/deconnexion")):
            return None
        from parcours.access.services import two_factor_required

        if not two_factor_required(user):
            return None
        return reverse("access:totp_verify" if user.has_totp else "access:totp_setup")
