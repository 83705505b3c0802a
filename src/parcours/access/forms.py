from django import forms
from dsfr.forms import DsfrBaseForm

from parcours.access.models import AuditAction
from parcours.access.roles import Role


class LoginForm(DsfrBaseForm):
    username = forms.CharField(label="Identifiant", max_length=150)
    password = forms.CharField(label="Mot de passe", widget=forms.PasswordInput)


class CodeForm(DsfrBaseForm):
    code = forms.CharField(label="Code à 6 chiffres de votre application d'authentification", max_length=10)


class TokenForm(DsfrBaseForm):
    name = forms.CharField(label="Nom du jeton (usage)", max_length=100, required=False)


class TwoFactorPolicyForm(DsfrBaseForm):
    roles = forms.MultipleChoiceField(
        label="Rôles pour lesquels la double authentification est obligatoire",
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class AuditFilterForm(DsfrBaseForm):
    person = forms.IntegerField(label="N° de dossier", required=False, min_value=1)
    actor = forms.IntegerField(label="N° d'utilisateur", required=False, min_value=1)
    action = forms.ChoiceField(label="Action", required=False, choices=[("", "Toutes")] + AuditAction.choices)
    date_from = forms.DateField(label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="Au", required=False, widget=forms.DateInput(attrs={"type": "date"}))
