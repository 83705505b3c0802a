from django import forms
from dsfr.forms import DsfrBaseForm

from parcours.steering.meetings.choices import (
    FACILITATOR_PROFILES,
    Frequency,
    MeetingKind,
    MeetingStatus,
    PlaceKind,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
PRESENCE = [("absent", "Absent"), ("present", "Présent"), ("excused", "Excusé")]


def attachment_of(value: str) -> dict:
    """ "organisation:ID" / "establishment:ID" → the service's keyword argument."""
    kind, _, ident = (value or "").partition(":")
    if kind in ("organisation", "establishment") and ident.isdecimal():
        return {kind: int(ident)}
    return {"organisation": None}


class MeetingFields(DsfrBaseForm):
    kind = forms.ChoiceField(label="Type de réunion", choices=MeetingKind.choices)
    title = forms.CharField(label="Intitulé", max_length=200, required=False)
    date = forms.DateField(label="Date", widget=DATE)
    start_time = forms.TimeField(label="Heure de début", widget=TIME, required=False)
    duration_minutes = forms.IntegerField(label="Durée (minutes)", min_value=1, max_value=1440, initial=60)
    facilitator = forms.CharField(label="Animateur ou intervenant", max_length=200, required=False)
    place = forms.CharField(label="Lieu", max_length=200, required=False)


class MeetingForm(MeetingFields):
    attachment = forms.ChoiceField(label="Réunion de")

    field_order = ["attachment", "kind", "title", "date", "start_time", "duration_minutes"]

    def __init__(self, *args, attachments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachment"].choices = list(attachments)


class MeetingEditForm(MeetingFields):
    status = forms.ChoiceField(label="Statut", choices=MeetingStatus.choices)


class ParticipantForm(DsfrBaseForm):
    user = forms.ChoiceField(label="Professionnel de la plateforme", required=False)
    name = forms.CharField(label="Ou nom d'un participant extérieur", max_length=200, required=False)
    profession = forms.CharField(label="Fonction", max_length=100, required=False)

    def __init__(self, *args, colleagues=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", "—")] + [(u.pk, u.display_name) for u in colleagues]


class AttendanceForm(DsfrBaseForm):
    """One choice per participant: present, excused or absent."""

    def __init__(self, *args, participants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.participants = list(participants)
        for p in self.participants:
            initial = "present" if p.attended else "excused" if p.excused else "absent"
            label = f"{p.name} — {p.profession}" if p.profession else p.name
            self.fields[f"presence_{p.pk}"] = forms.ChoiceField(
                label=label, choices=PRESENCE, initial=initial
            )

    def attendance(self) -> list[dict]:
        d = self.cleaned_data
        return [
            {
                "participant": p.pk,
                "attended": d.get(f"presence_{p.pk}") == "present",
                "excused": d.get(f"presence_{p.pk}") == "excused",
            }
            for p in self.participants
        ]


class MinutesForm(DsfrBaseForm):
    minutes = forms.CharField(
        label="Compte rendu", required=False, max_length=100_000, widget=forms.Textarea(attrs={"rows": 8})
    )


class PersonForm(DsfrBaseForm):
    person = forms.IntegerField(label="N° du dossier de la personne", min_value=1, max_value=2**62)


class RequestForm(DsfrBaseForm):
    """The fields of the SESSAD request for a practice-analysis facilitator."""

    attachment = forms.ChoiceField(label="Demande de")
    title = forms.CharField(label="Objet", max_length=200, initial="Analyse des pratiques professionnelles")
    context = forms.CharField(
        label="Contexte et attentes", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    sector = forms.CharField(label="Secteur (ex. médicosocial)", max_length=100, required=False)
    public = forms.CharField(
        label="Public accompagné (ex. SESSAD TCC, 0-20 ans)", max_length=2000, required=False
    )
    professions = forms.CharField(
        label="Professions du groupe (ex. éducateurs, psychologues, ASS, psychomotricien)", max_length=2000
    )
    group_size = forms.IntegerField(label="Taille du groupe (personnes)", min_value=1, max_value=500)
    place_kind = forms.ChoiceField(label="Lieu des séances", choices=PlaceKind.choices)
    place = forms.CharField(
        label="Commune ou territoire (ex. Seine-Saint-Denis)", max_length=200, required=False
    )
    session_duration_minutes = forms.IntegerField(
        label="Durée d'une séance (minutes)", min_value=15, max_value=480, initial=180
    )
    frequency = forms.ChoiceField(label="Fréquence des séances", choices=Frequency.choices)
    sessions_planned = forms.IntegerField(
        label="Nombre de séances souhaité", min_value=1, max_value=60, required=False
    )
    period_start = forms.DateField(label="Début de la période", widget=DATE)
    period_end = forms.DateField(label="Fin de la période", widget=DATE)
    response_deadline = forms.DateField(label="Réponse attendue avant le", widget=DATE, required=False)
    profiles = forms.MultipleChoiceField(
        label="Profils d'intervenant souhaités",
        choices=FACILITATOR_PROFILES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_profile = forms.CharField(label="Autre profil", max_length=200, required=False)
    methods = forms.CharField(
        label="Méthodes souhaitées (ex. systémique, soutien aux professionnels, cadrage)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, attachments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachment"].choices = list(attachments)

    def request_values(self) -> dict:
        d = dict(self.cleaned_data)
        labels = dict(FACILITATOR_PROFILES)
        profiles = [labels[p] for p in d.pop("profiles")]
        if d.get("other_profile"):
            profiles.append(d["other_profile"].strip())
        d.pop("other_profile", None)
        d["facilitator_profile"] = ", ".join(profiles)
        d.update(attachment_of(d.pop("attachment")))
        return d


class ProposalForm(DsfrBaseForm):
    facilitator_name = forms.CharField(label="Intervenant", max_length=200)
    organisation = forms.CharField(label="Cabinet ou organisme", max_length=200, required=False)
    qualifications = forms.CharField(
        label="Qualifications et expérience", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    approach = forms.CharField(
        label="Démarche et méthodes proposées", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    sessions_count = forms.IntegerField(label="Nombre de séances proposées", min_value=1, max_value=60)
    price = forms.DecimalField(
        label="Coût total (euros)", required=False, min_value=0, max_digits=10, decimal_places=2
    )
    received_on = forms.DateField(label="Reçue le", widget=DATE, required=False)
