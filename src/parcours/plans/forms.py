from django import forms
from dsfr.forms import DsfrBaseForm

from parcours.plans.models import PlanKind
from parcours.plans.reference import DOMAINS, SERAFIN_PH

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DOMAIN_CHOICES = list(DOMAINS.items())
NEED_CODES = [("", "—")] + [(c, f"{c} {label}") for c, label in SERAFIN_PH.items() if c.startswith("1.")]
RESULT_CHOICES = [
    ("", "Non évalué"),
    ("achieved", "Atteint"),
    ("partly", "Partiellement"),
    ("not_achieved", "Non atteint"),
]
ROLE_CHOICES = [
    ("", "—"),
    ("person", "La personne"),
    ("family", "La famille"),
    ("legal_representative", "Représentant légal"),
    ("professional", "Professionnel"),
    ("partner", "Partenaire"),
]


class NewPlanForm(DsfrBaseForm):
    kind = forms.ChoiceField(label="Document", choices=PlanKind.choices)
    start_date = forms.DateField(
        label="Date de départ du délai (admission ou début de la mesure)", widget=DATE
    )


class ExpressionForm(DsfrBaseForm):
    person_expression = forms.CharField(
        label="Expression de la personne (ses propres mots)",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    family_expression = forms.CharField(
        label="Expression de la famille",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class NeedForm(DsfrBaseForm):
    domain = forms.ChoiceField(label="Domaine", choices=DOMAIN_CHOICES)
    serafin = forms.ChoiceField(
        label="Besoin SERAFIN-PH (public en situation de handicap)", choices=NEED_CODES, required=False
    )
    description = forms.CharField(label="Besoin évalué", max_length=1000)


class PartnerForm(DsfrBaseForm):
    name = forms.CharField(label="Partenaire", max_length=200)
    role = forms.CharField(label="Rôle dans le projet", max_length=200, required=False)


class ObjectiveForm(DsfrBaseForm):
    domain = forms.ChoiceField(label="Domaine", choices=DOMAIN_CHOICES)
    description = forms.CharField(label="Objectif", max_length=2000)
    expected_results = forms.CharField(label="Résultats attendus", max_length=2000, required=False)
    action = forms.CharField(label="Action (quoi)", max_length=2000, required=False)
    responsible = forms.CharField(label="Qui", max_length=200, required=False)
    due_date = forms.DateField(label="Pour quand", widget=DATE, required=False)


class SignForm(DsfrBaseForm):
    date = forms.DateField(label="Date de signature", widget=DATE)
    signatories = forms.CharField(
        label="Signataires (un par ligne : la personne, les titulaires de l'autorité parentale, l'établissement)",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class EvaluationForm(DsfrBaseForm):
    date = forms.DateField(label="Date de la co-évaluation", widget=DATE)

    def __init__(self, *args, objectives=(), rows=5, **kwargs):
        super().__init__(*args, **kwargs)
        self.participant_rows = []
        for i in range(rows):
            self.fields[f"participant_{i}_name"] = forms.CharField(
                label=f"Participant {i + 1}", required=False, max_length=200
            )
            self.fields[f"participant_{i}_role"] = forms.ChoiceField(
                label="Rôle", choices=ROLE_CHOICES, required=False
            )
            self.participant_rows.append((f"participant_{i}_name", f"participant_{i}_role"))
        self.objective_rows = []
        for objective in objectives:
            self.fields[f"result_{objective.pk}"] = forms.ChoiceField(
                label=objective.description, choices=RESULT_CHOICES, required=False
            )
            self.fields[f"comment_{objective.pk}"] = forms.CharField(
                label="Commentaire", required=False, max_length=2000
            )
            self.objective_rows.append((objective, f"result_{objective.pk}", f"comment_{objective.pk}"))

    def participant_fields(self):
        return [(self[n], self[r]) for n, r in self.participant_rows]

    def objective_fields(self):
        return [(o, self[r], self[c]) for o, r, c in self.objective_rows]

    def participants(self) -> list[dict]:
        d = self.cleaned_data
        return [
            {"name": d[n].strip(), "role": d[r]}
            for n, r in self.participant_rows
            if (d.get(n) or "").strip() or d.get(r)
        ]

    def results(self) -> list[dict]:
        d = self.cleaned_data
        return [
            {"objective": o.pk, "status": d[r], "comment": d.get(c, "")}
            for o, r, c in self.objective_rows
            if d.get(r)
        ]
