from django.urls import path

from parcours.access import views

app_name = "access"
urlpatterns = [
    path("connexion/", views.login_view, name="login"),
    path("deconnexion/", views.logout_view, name="logout"),
    path("compte/", views.account, name="account"),
    path("compte/jetons/<int:token_id>/revoquer", views.revoke_token, name="revoke_token"),
    path("compte/2fa/activer", views.totp_setup, name="totp_setup"),
    path("compte/2fa/verifier", views.totp_verify, name="totp_verify"),
    path("administration/double-authentification", views.two_factor_policy, name="two_factor_policy"),
    path("audit/", views.audit_log, name="audit"),
]
