from django import forms
from dsfr.forms import DsfrBaseForm

from parcours.pathways.choices import ExitReason
from parcours.people.choices import DocumentKind, MeasureKind, NoteConfidentiality, RelationshipKind, Sex

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SearchForm(DsfrBaseForm):
    q = forms.CharField(label="Nom, prénom (accents et majuscules ignorés)", required=False, max_length=100)


class PersonForm(DsfrBaseForm):
    last_name = forms.CharField(label="Nom", max_length=100)
    first_name = forms.CharField(label="Prénom", max_length=100)
    birth_name = forms.CharField(label="Nom de naissance", max_length=100, required=False)
    birth_date = forms.DateField(label="Date de naissance", widget=DATE)
    sex = forms.ChoiceField(label="Sexe", choices=Sex.choices)
    commune = forms.CharField(label="Commune de résidence (code INSEE)", max_length=5, required=False)
    nir = forms.CharField(label="NIR / INS", max_length=15, required=False)
    address = forms.CharField(label="Adresse", max_length=255, required=False)
    phone = forms.CharField(label="Téléphone", max_length=30, required=False)
    email = forms.EmailField(label="Courriel", required=False)


class CreatePersonForm(PersonForm):
    home_establishment = forms.ChoiceField(label="Établissement qui enregistre le dossier", required=False)
    allow_duplicate = forms.BooleanField(label="Je confirme qu'il ne s'agit pas d'un doublon", required=False)

    def __init__(self, *args, establishments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_establishment"].choices = [("", "—")] + [(e.pk, e.name) for e in establishments]


class NoteForm(DsfrBaseForm):
    date = forms.DateField(label="Date", widget=DATE, required=False)
    text = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 4}))
    confidentiality = forms.ChoiceField(label="Confidentialité", choices=NoteConfidentiality.choices)


class MeasureForm(DsfrBaseForm):
    kind = forms.ChoiceField(label="Mesure", choices=MeasureKind.choices)
    start_date = forms.DateField(label="Début", widget=DATE)
    end_date = forms.DateField(label="Fin (ou fin de validité)", widget=DATE, required=False)
    authority = forms.ChoiceField(label="Autorité", required=False)
    reference = forms.CharField(label="Référence (jugement, décision)", max_length=100, required=False)

    def __init__(self, *args, authorities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authority"].choices = [("", "—")] + [(o.pk, o.name) for o in authorities]


class RelationshipForm(DsfrBaseForm):
    relative = forms.IntegerField(label="N° du dossier du proche", min_value=1)
    kind = forms.ChoiceField(label="Lien (le proche est…)", choices=RelationshipKind.choices)
    parental_authority = forms.BooleanField(label="Exerce l'autorité parentale", required=False)


class DocumentForm(DsfrBaseForm):
    file = forms.FileField(label="Fichier (PDF, image, ODT, DOCX, XLSX, TXT)")
    kind = forms.ChoiceField(label="Type", choices=DocumentKind.choices)
    title = forms.CharField(label="Titre", max_length=200, required=False)
    document_date = forms.DateField(label="Date du document", widget=DATE, required=False)


class ShareDocumentForm(DsfrBaseForm):
    document = forms.ChoiceField(label="Document")
    organisation = forms.ChoiceField(label="Partenaire destinataire")

    def __init__(self, *args, documents=(), organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].choices = [("", "—")] + [(d.pk, d.title) for d in documents]
        self.fields["organisation"].choices = [("", "—")] + [(o.pk, o.name) for o in organisations]


class EndStayForm(DsfrBaseForm):
    stay = forms.IntegerField(widget=forms.HiddenInput)
    end_date = forms.DateField(label="Date de sortie", widget=DATE)
    exit_reason = forms.ChoiceField(label="Motif de sortie", choices=ExitReason.choices)


class MergeForm(DsfrBaseForm):
    merged = forms.IntegerField(label="N° du dossier en double à fusionner dans celui-ci", min_value=1)
    confirm = forms.BooleanField(label="Je confirme la fusion (irréversible)")
