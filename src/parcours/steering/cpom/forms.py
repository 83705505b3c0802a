from django import forms
from dsfr.forms import DsfrBaseForm

from parcours.steering.cpom.choices import COMPUTED_KEYS, Direction, Progress, Source

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXTAREA = forms.Textarea(attrs={"rows": 4})


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class CpomForm(DsfrBaseForm):
    organisation = forms.TypedChoiceField(label="Organisme gestionnaire", coerce=int)
    title = forms.CharField(label="Intitulé", max_length=255)
    authority = forms.CharField(
        label="Autorité signataire", max_length=255, required=False, help_text="ex. Conseil départemental"
    )
    start_year = forms.IntegerField(label="Première année", min_value=2000, max_value=2100)
    end_year = forms.IntegerField(
        label="Dernière année", min_value=2000, max_value=2100, required=False, help_text="5 ans par défaut"
    )
    signed_on = forms.DateField(label="Date de signature", widget=DATE, required=False)
    signatories = forms.CharField(label="Signataires (un par ligne)", widget=TEXTAREA, required=False)
    establishments = forms.TypedMultipleChoiceField(
        label="Établissements et services couverts",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, organisations=(), establishments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.pk, o.name) for o in organisations]
        self.fields["establishments"].choices = [(e.pk, e.name) for e in establishments]

    def payload(self) -> dict:
        d = dict(self.cleaned_data)
        d["signatories"] = _lines(d.get("signatories"))
        return d


class ObjectiveForm(DsfrBaseForm):
    number = forms.IntegerField(label="Numéro", min_value=1, max_value=99, required=False)
    title = forms.CharField(label="Intitulé de l'objectif stratégique", max_length=500)


class ActionForm(DsfrBaseForm):
    objective = forms.TypedChoiceField(label="Objectif stratégique", coerce=int)
    number = forms.CharField(label="Numéro de l'action", max_length=20, help_text="ex. 1.1")
    title = forms.CharField(label="Intitulé", max_length=500)
    pilot = forms.CharField(label="Pilote", max_length=500, required=False)
    context = forms.CharField(label="Contexte", widget=TEXTAREA, required=False)
    objectives = forms.CharField(label="Objectifs de l'action", widget=TEXTAREA, required=False)
    means = forms.CharField(label="Moyens", widget=TEXTAREA, required=False)
    implementation = forms.CharField(
        label="Modalités de mise en œuvre et de suivi", widget=TEXTAREA, required=False
    )
    partners = forms.CharField(label="Partenaires / acteurs à associer", widget=TEXTAREA, required=False)
    calendar_start = forms.TypedChoiceField(
        label="Calendrier : début", coerce=int, required=False, empty_value=None
    )
    calendar_end = forms.TypedChoiceField(
        label="Calendrier : fin", coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, objectives=(), years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objective"].choices = [(o.pk, f"{o.number}. {o.title}") for o in objectives]
        year_choices = [("", "—")] + [(y, str(y)) for y in years]
        self.fields["calendar_start"].choices = year_choices
        self.fields["calendar_end"].choices = year_choices


class StageForm(DsfrBaseForm):
    action = forms.TypedChoiceField(label="Action", coerce=int)
    label = forms.CharField(label="Étape", max_length=500)
    expected_results = forms.CharField(label="Résultats attendus", max_length=2000, required=False)
    planned_years = forms.TypedMultipleChoiceField(
        label="Années prévues", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, actions=(), years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(a.pk, f"{a.number} — {a.title}") for a in actions]
        self.fields["planned_years"].choices = [(y, str(y)) for y in years]


class ProgressForm(DsfrBaseForm):
    stage = forms.TypedChoiceField(label="Étape", coerce=int)
    year = forms.TypedChoiceField(label="Année", coerce=int)
    progress = forms.ChoiceField(label="Avancement", required=False)

    def __init__(self, *args, stages=(), years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [(s.pk, f"{number} — {s.label}") for number, s in stages]
        self.fields["year"].choices = [(y, str(y)) for y in years]
        self.fields["progress"].choices = [("", "— effacer —")] + list(Progress.choices)


class IndicatorForm(DsfrBaseForm):
    parent = forms.ChoiceField(label="Rattaché à")
    label = forms.CharField(label="Indicateur", max_length=500)
    unit = forms.CharField(label="Unité", max_length=100, required=False, help_text="ex. réunions, taux")
    source = forms.ChoiceField(label="Source", choices=Source.choices)
    key = forms.ChoiceField(label="Indicateur calculé (source « calculé »)", required=False)
    scope = forms.ChoiceField(label="Périmètre du calcul (source « calculé »)", required=False)
    direction = forms.ChoiceField(label="Sens de la cible", required=False)

    def __init__(self, *args, parents=(), scopes=(), years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = list(parents)
        self.fields["key"].choices = [("", "—")] + list(COMPUTED_KEYS.items())
        self.fields["scope"].choices = [("", "—")] + list(scopes)
        self.fields["direction"].choices = [("", "—")] + list(Direction.choices)
        self.year_fields = []
        for year in years:
            name = f"target_{year}"
            self.fields[name] = forms.CharField(
                label=f"Cible {year}",
                required=False,
                max_length=30,
                help_text="taux : 0,95 pour 95 %" if year == years[0] else "",
            )
            self.year_fields.append((year, name))

    def payload(self) -> dict:
        d = self.cleaned_data
        return {
            "label": d["label"],
            "unit": d["unit"],
            "source": d["source"],
            "key": d["key"],
            "scope": d["scope"],
            "direction": d["direction"],
            "targets": {str(y): d[name] for y, name in self.year_fields if (d.get(name) or "").strip()},
        }


class ValueForm(DsfrBaseForm):
    indicator = forms.TypedChoiceField(label="Indicateur (saisi chaque année)", coerce=int)
    year = forms.TypedChoiceField(label="Année", coerce=int)
    value = forms.CharField(label="Valeur réalisée", max_length=30)
    comment = forms.CharField(label="Commentaire", max_length=2000, required=False)

    def __init__(self, *args, indicators=(), years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [(i.pk, label) for label, i in indicators]
        self.fields["year"].choices = [(y, str(y)) for y in years]
