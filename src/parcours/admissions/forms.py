from django import forms
from dsfr.forms import DsfrBaseForm

from parcours.admissions.choices import DecisionKind
from parcours.directory.choices import Modality, Public
from parcours.people.choices import Sex

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReferralForm(DsfrBaseForm):
    person = forms.IntegerField(
        label="N° du dossier (si la personne est déjà connue)", required=False, min_value=1
    )
    last_name = forms.CharField(label="Nom", max_length=100, required=False)
    first_name = forms.CharField(label="Prénom", max_length=100, required=False)
    birth_date = forms.DateField(label="Date de naissance", widget=DATE, required=False)
    sex = forms.ChoiceField(label="Sexe", choices=[("", "—")] + Sex.choices, required=False)
    commune = forms.CharField(label="Commune de résidence (code INSEE)", max_length=5, required=False)
    modality = forms.ChoiceField(label="Modalité demandée", choices=Modality.choices)
    public = forms.ChoiceField(label="Public", choices=Public.choices)
    emergency = forms.BooleanField(label="Demande en urgence", required=False)
    wished_date = forms.DateField(label="Date d'accueil souhaitée", widget=DATE)
    reason = forms.CharField(
        label="Motif et éléments de la situation", widget=forms.Textarea(attrs={"rows": 4})
    )
    organisation = forms.ChoiceField(label="Adressée à (groupement ou organisation)", required=False)
    family_informed = forms.BooleanField(
        label="Les titulaires de l'autorité parentale (ou le jeune majeur) ont été informés", required=False
    )
    family_informed_on = forms.DateField(label="Date de l'information", widget=DATE, required=False)
    consent_notes = forms.CharField(
        label="Ce qu'ils ont accepté de partager", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", "Toutes les unités")] + [
            (o.pk, o.name) for o in organisations
        ]


class DecisionForm(DsfrBaseForm):
    unit = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(label="Décision", choices=DecisionKind.choices)
    reason = forms.CharField(label="Motif (obligatoire pour un refus)", required=False, max_length=500)


class AdmitForm(DsfrBaseForm):
    unit = forms.IntegerField(widget=forms.HiddenInput)
    start_date = forms.DateField(label="Date d'entrée", widget=DATE)
