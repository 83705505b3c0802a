from django import forms
from dsfr.forms import DsfrBaseForm

from parcours.assessments.models import QuestionKind


class GridForm(DsfrBaseForm):
    organisation = forms.ChoiceField(label="Organisation propriétaire de la grille")
    name = forms.CharField(label="Nom de la grille", max_length=200)
    description = forms.CharField(
        label="Description (à quoi sert la grille, quand la remplir)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.pk, o.name) for o in organisations]


class SectionForm(DsfrBaseForm):
    title = forms.CharField(label="Titre de la section", max_length=200)


class QuestionForm(DsfrBaseForm):
    section = forms.ChoiceField(label="Section")
    label = forms.CharField(label="Libellé de la question", max_length=300)
    kind = forms.ChoiceField(label="Type de réponse", choices=QuestionKind.choices)
    required = forms.BooleanField(label="Réponse obligatoire pour terminer l'évaluation", required=False)
    key = forms.CharField(
        label="Clé (facultatif)",
        help_text="Identifiant de la question dans les exports : minuscules, chiffres et _ ; déduit du libellé si vide.",
        max_length=50,
        required=False,
    )
    help_text = forms.CharField(label="Texte d'aide (facultatif)", max_length=1000, required=False)
    choices = forms.CharField(
        label="Choix (pour un choix unique ou multiple)",
        help_text="Un choix par ligne : « libellé », ou « valeur | libellé ».",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    scale_min = forms.IntegerField(label="Échelle : minimum", required=False, initial=1)
    scale_max = forms.IntegerField(label="Échelle : maximum", required=False, initial=4)
    min = forms.FloatField(label="Nombre : minimum (facultatif)", required=False)
    max = forms.FloatField(label="Nombre : maximum (facultatif)", required=False)

    def __init__(self, *args, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [(s.pk, s.title) for s in sections]
