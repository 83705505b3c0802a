from django import forms
from dsfr.forms import DsfrBaseForm

from parcours.steering.quality.choices import ActionStatus, ScoreValue

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ImportForm(DsfrBaseForm):
    file = forms.FileField(label="Tableur du référentiel HAS (.xlsx ou .csv)")
    version = forms.CharField(label="Version (ex. 2022 v1.1)", max_length=50, required=False)
    name = forms.CharField(label="Nom du référentiel (facultatif)", max_length=200, required=False)


class SelfAssessmentForm(DsfrBaseForm):
    establishment = forms.ChoiceField(label="Établissement")
    framework = forms.ChoiceField(label="Référentiel")
    title = forms.CharField(label="Intitulé (facultatif)", max_length=200, required=False)
    started_on = forms.DateField(label="Début de l'autoévaluation", widget=DATE, required=False)

    def __init__(self, *args, establishments=(), frameworks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["establishment"].choices = [(e.pk, e.name) for e in establishments]
        self.fields["framework"].choices = [(f.pk, str(f)) for f in frameworks]


class ScoreForm(DsfrBaseForm):
    score = forms.ChoiceField(label="Cotation", choices=ScoreValue.choices)
    evidence = forms.CharField(
        label="Éléments de preuve", required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 4})
    )
    comment = forms.CharField(
        label="Commentaire", required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ActionForm(DsfrBaseForm):
    action = forms.CharField(label="Action", max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.CharField(label="Pilote", max_length=200)
    due_date = forms.DateField(label="Échéance", widget=DATE, required=False)
    criterion = forms.ChoiceField(label="Critère concerné", required=False)

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].choices = [("", "—")] + [
            (c.pk, f"{c.reference} {c.text[:80]}") for c in criteria
        ]


class ActionStatusForm(DsfrBaseForm):
    status = forms.ChoiceField(label="Statut", choices=ActionStatus.choices)


class EstablishmentQualityForm(DsfrBaseForm):
    last_external_evaluation = forms.DateField(
        label="Dernière évaluation externe", widget=DATE, required=False
    )
    next_external_evaluation = forms.DateField(
        label="Prochaine évaluation externe (si aucune n'est encore enregistrée ; sinon calculée : + 5 ans)",
        widget=DATE,
        required=False,
    )
    evaluation_body = forms.CharField(label="Organisme évaluateur", max_length=200, required=False)
    quality_referent = forms.ChoiceField(label="Référent qualité (professionnel)", required=False)
    quality_referent_name = forms.CharField(
        label="Ou nom du référent qualité", max_length=200, required=False
    )
    ethics_committee = forms.CharField(
        label="Comité éthique (composition, rythme des réunions)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, colleagues=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quality_referent"].choices = [("", "—")] + [(u.pk, u.display_name) for u in colleagues]
