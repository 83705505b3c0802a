from django import forms
from dsfr.forms import DsfrBaseForm

from parcours.access import scoping
from parcours.core.errors import ServiceError
from parcours.steering.incidents.choices import UNCLASSIFIED, UNCLASSIFIED_LABEL, Category, PersonRole, Status

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
MOMENT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]
INFORMED_ROWS = 3
PERSON_ROWS = 3
ROLE_CHOICES = [("", "—")] + list(PersonRole.choices)


def _moment_field(label: str, required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(label=label, widget=MOMENT, input_formats=MOMENT_FORMATS, required=required)


class RegisterFilterForm(DsfrBaseForm):
    du = forms.DateField(label="Survenus du", widget=DATE, required=False)
    au = forms.DateField(label="au", widget=DATE, required=False)
    etablissement = forms.TypedChoiceField(
        label="Établissement", coerce=int, required=False, empty_value=None
    )
    unite = forms.TypedChoiceField(label="Unité", coerce=int, required=False, empty_value=None)
    categorie = forms.ChoiceField(
        label="Catégorie",
        required=False,
        choices=[("", "Toutes")] + list(Category.choices) + [(UNCLASSIFIED, UNCLASSIFIED_LABEL)],
    )
    grave = forms.ChoiceField(
        label="Gravité",
        required=False,
        choices=[("", "Tous"), ("oui", "EIG seulement"), ("non", "EI non graves")],
    )
    statut = forms.ChoiceField(label="Statut", required=False, choices=[("", "Tous")] + list(Status.choices))

    def __init__(self, *args, establishments=(), units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["etablissement"].choices = [("", "Tous")] + [(e.pk, e.name) for e in establishments]
        self.fields["unite"].choices = [("", "Toutes")] + [
            (u.pk, f"{u.establishment.name} — {u.name}") for u in units
        ]


class DeclarationForm(DsfrBaseForm):
    """What, when, where, who was involved (linked by record number), immediate measures, who was
    informed."""

    establishment = forms.TypedChoiceField(label="Établissement", coerce=int)
    unit = forms.TypedChoiceField(
        label="Unité concernée (facultatif)", coerce=int, required=False, empty_value=None
    )
    occurred_at = _moment_field("Date et heure de survenue")
    discovered_at = _moment_field("Date et heure de découverte (si différente)", required=False)
    place = forms.CharField(label="Lieu", max_length=200, required=False)
    description = forms.CharField(
        label="Nature et circonstances de l'événement",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    other_involved = forms.CharField(
        label="Autres personnes impliquées (professionnels, tiers — sans dossier)",
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    victims_count = forms.IntegerField(
        label="Nombre de victimes", min_value=0, max_value=100_000, initial=0, required=False
    )
    exposed_count = forms.IntegerField(
        label="Nombre de personnes exposées", min_value=0, max_value=100_000, initial=0, required=False
    )
    immediate_measures = forms.CharField(
        label="Mesures immédiates prises",
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    media_coverage = forms.BooleanField(label="Médiatisation (effective ou possible)", required=False)
    judicial_follow_up = forms.CharField(
        label="Suites administratives ou judiciaires (plainte, signalement au procureur…)",
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, user=None, establishments=(), units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["establishment"].choices = [("", "—")] + [(e.pk, e.name) for e in establishments]
        self.fields["unit"].choices = [("", "L'établissement dans son ensemble")] + [
            (u.pk, f"{u.establishment.name} — {u.name}") for u in units
        ]
        self.person_rows = []
        for i in range(PERSON_ROWS):
            self.fields[f"person_{i}"] = forms.IntegerField(
                label=f"Personne concernée {i + 1} : n° de dossier",
                required=False,
                min_value=1,
                max_value=2**62,
            )
            self.fields[f"role_{i}"] = forms.ChoiceField(label="Rôle", choices=ROLE_CHOICES, required=False)
            self.person_rows.append((f"person_{i}", f"role_{i}"))
        self.informed_rows = []
        for i in range(INFORMED_ROWS):
            self.fields[f"informed_{i}_who"] = forms.CharField(
                label=f"Personne ou instance informée {i + 1} (famille, police, CVS…)",
                max_length=200,
                required=False,
            )
            self.fields[f"informed_{i}_when"] = _moment_field("Quand", required=False)
            self.informed_rows.append((f"informed_{i}_who", f"informed_{i}_when"))

    def person_fields(self):
        return [(self[p], self[r]) for p, r in self.person_rows]

    def informed_fields(self):
        return [(self[w], self[t]) for w, t in self.informed_rows]

    def main_fields(self):
        names = [name for name in self.fields if not name.startswith(("person_", "role_", "informed_"))]
        return [self[name] for name in names]

    def clean(self):
        data = super().clean()
        for person, role in self.person_rows:
            number = data.get(person)
            if number and not data.get(role):
                self.add_error(role, "Indiquez le rôle de la personne.")
            if data.get(role) and not number and person not in self.errors:
                self.add_error(person, "Indiquez le n° de dossier.")
            if number and self.user is not None:
                try:
                    scoping.person_for(self.user, number if number < 2**62 else 0)
                except ServiceError:
                    self.add_error(person, f"Aucun dossier n° {number} dans votre périmètre.")
        return data

    def service_values(self) -> dict:
        d = self.cleaned_data
        values = {
            name: d.get(name)
            for name in self.fields
            if not name.startswith(("person_", "role_", "informed_"))
        }
        values["informed"] = [
            {"who": d[w], "when": d.get(t)}
            for w, t in self.informed_rows
            if (d.get(w) or "").strip() or d.get(t)
        ]
        values["persons"] = [{"person": d[p], "role": d[r]} for p, r in self.person_rows if d.get(p)]
        return values


SERVICE_FIELD_NAMES = {
    **{f"persons[{i}].person": f"person_{i}" for i in range(PERSON_ROWS)},
    **{f"persons[{i}].role": f"role_{i}" for i in range(PERSON_ROWS)},
}


def form_field(service_field: str, form) -> str:
    """The form's name of a service error field (persons[0].person → person_0…)."""
    if service_field in SERVICE_FIELD_NAMES:
        return SERVICE_FIELD_NAMES[service_field]
    if service_field.startswith("informed["):
        index, _, part = service_field[len("informed[") :].partition("].")
        return f"informed_{index}_{part}" if part else "informed_0_who"
    return service_field


class PersonForm(DsfrBaseForm):
    person = forms.IntegerField(label="N° du dossier de la personne", min_value=1, max_value=2**62)
    role = forms.ChoiceField(label="Rôle", choices=PersonRole.choices)


class ClassifyForm(DsfrBaseForm):
    category = forms.ChoiceField(label="Catégorie (arrêté du 28 décembre 2016)", choices=Category.choices)
    serious = forms.BooleanField(
        label="Événement indésirable grave (EIG) : à signaler sans délai à l'autorité", required=False
    )


class ReportForm(DsfrBaseForm):
    reported_on = forms.DateField(label="Date d'envoi du formulaire à l'autorité", widget=DATE)


class AnalysisForm(DsfrBaseForm):
    causes = forms.CharField(
        label="Causes identifiées (analyse)", max_length=20000, widget=forms.Textarea(attrs={"rows": 5})
    )


class ActionForm(DsfrBaseForm):
    description = forms.CharField(label="Action corrective", max_length=20000)
    owner = forms.CharField(label="Porteur de l'action", max_length=200)
    due_date = forms.DateField(label="Échéance", widget=DATE)


class DoneForm(DsfrBaseForm):
    done_on = forms.DateField(label="Réalisée le", widget=DATE, required=False)


class CloseForm(DsfrBaseForm):
    closed_on = forms.DateField(label="Date de clôture (par défaut aujourd'hui)", widget=DATE, required=False)
    reason = forms.CharField(
        label="Motif (obligatoire si des actions correctives restent ouvertes)",
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
