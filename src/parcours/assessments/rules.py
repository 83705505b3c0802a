"""The rules of assessment grids, as pure functions on plain data (no database): what a well-formed
question and grid are, and which answers a grid accepts.

A grid structure is {"sections": [{"title": ..., "questions": [question, ...]}, ...]} where a question
is {"key", "label", "kind", "required", "choices": [{"value", "label"}], "scale_min", "scale_max",
"min", "max"}. Answers are {key: value}. Errors are {field: message} with fields named
``answers.<key>`` (answers) or after the question's attribute (design)."""

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date

KINDS = {
    "choice": "Choix unique",
    "multiple_choice": "Choix multiple",
    "scale": "Échelle",
    "text": "Texte",
    "date": "Date",
    "number": "Nombre",
}
CHOICE_KINDS = {"choice", "multiple_choice"}
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TEXT_MAX = 5000
LABEL_MAX = 300
HELP_MAX = 1000
CHOICE_VALUE_MAX = 100
CHOICE_LABEL_MAX = 200
MAX_CHOICES = 50
SCALE_LIMIT = 100  # scale bounds within [-100, 100]
SCALE_MAX_STEPS = 20  # at most 21 points on a scale (they are shown as radio buttons)
NUMBER_LIMIT = 10**15  # numbers beyond this are refused (exports, spreadsheets)
MAX_QUESTIONS = 300
MAX_ANSWER_KEYS = 1000


# --- helpers -----------------------------------------------------------------------------------


def questions_of(structure: Mapping) -> list[Mapping]:
    """Every question of a grid structure, in order."""
    return [q for section in structure.get("sections", []) for q in section.get("questions", [])]


def is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and math.isfinite(value)


def is_empty(value) -> bool:
    """Not answered: missing, null, a blank string or an empty list."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, list | tuple) and not value


def slug_key(text: str) -> str:
    """A question key from a label: lower case ASCII, underscores ('Santé physique' → 'sante_physique')."""
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    key = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")
    if not key or not key[0].isalpha():
        key = "q_" + key if key else "question"
    return key[:50].rstrip("_")


def has_nul(value) -> bool:
    """A NUL character, which the database refuses in text."""
    return isinstance(value, str) and "\x00" in value


def _field(key) -> str:
    return f"answers.{str(key)[:100]}"


# --- designing ---------------------------------------------------------------------------------


def validate_question(question: Mapping) -> dict[str, str]:
    """The errors of one question's design (empty when it is well formed)."""
    errors: dict[str, str] = {}
    key = question.get("key")
    if not isinstance(key, str) or not KEY_RE.match(key):
        errors["key"] = (
            "Clé attendue : une lettre minuscule puis lettres minuscules, chiffres ou _ (50 caractères au plus)."
        )
    label = question.get("label")
    if not isinstance(label, str) or not label.strip():
        errors["label"] = "Libellé obligatoire."
    elif len(label) > LABEL_MAX or has_nul(label):
        errors["label"] = f"{LABEL_MAX} caractères au plus, sans caractère de contrôle."
    help_text = question.get("help_text") or ""
    if not isinstance(help_text, str) or len(help_text) > HELP_MAX or has_nul(help_text):
        errors["help_text"] = f"Texte d'aide de {HELP_MAX} caractères au plus."
    kind = question.get("kind")
    if kind not in KINDS:
        errors["kind"] = "Type attendu : " + ", ".join(KINDS) + "."
    if not isinstance(question.get("required", False), bool):
        errors["required"] = "Oui ou non."
    if kind in CHOICE_KINDS:
        errors.update(_choice_errors(question.get("choices")))
    if kind == "scale":
        errors.update(_scale_errors(question.get("scale_min"), question.get("scale_max")))
    if kind == "number":
        errors.update(_bounds_errors(question.get("min"), question.get("max")))
    return errors


def _choice_errors(choices) -> dict[str, str]:
    if not isinstance(choices, list) or len(choices) < 2:
        return {"choices": "Au moins deux choix distincts."}
    if len(choices) > MAX_CHOICES:
        return {"choices": f"{MAX_CHOICES} choix au plus."}
    errors: dict[str, str] = {}
    seen: set[str] = set()
    for index, choice in enumerate(choices):
        if not isinstance(choice, Mapping):
            errors[f"choices[{index}]"] = "Choix attendu : {value, label}."
            continue
        value, label = choice.get("value"), choice.get("label")
        if not isinstance(value, str) or not value.strip() or len(value) > CHOICE_VALUE_MAX or has_nul(value):
            errors[f"choices[{index}].value"] = f"Valeur obligatoire ({CHOICE_VALUE_MAX} caractères au plus)."
        elif value in seen:
            errors[f"choices[{index}].value"] = "Valeur en double : chaque choix doit être distinct."
        else:
            seen.add(value)
        if not isinstance(label, str) or not label.strip() or len(label) > CHOICE_LABEL_MAX or has_nul(label):
            errors[f"choices[{index}].label"] = (
                f"Libellé obligatoire ({CHOICE_LABEL_MAX} caractères au plus)."
            )
    return errors


def _scale_errors(low, high) -> dict[str, str]:
    errors = {}
    for name, value in (("scale_min", low), ("scale_max", high)):
        if not is_int(value) or abs(value) > SCALE_LIMIT:
            errors[name] = f"Entier entre -{SCALE_LIMIT} et {SCALE_LIMIT} obligatoire pour une échelle."
    if not errors:
        if low >= high:
            errors["scale_max"] = "Le maximum de l'échelle doit être supérieur au minimum."
        elif high - low > SCALE_MAX_STEPS:
            errors["scale_max"] = f"{SCALE_MAX_STEPS + 1} points au plus sur une échelle."
    return errors


def _bounds_errors(low, high) -> dict[str, str]:
    errors = {}
    for name, value in (("min", low), ("max", high)):
        if value is not None and (not is_number(value) or abs(value) > NUMBER_LIMIT):
            errors[name] = "Nombre attendu (ou rien)."
    if not errors and low is not None and high is not None and low > high:
        errors["max"] = "Le maximum doit être supérieur ou égal au minimum."
    return errors


def validate_structure(structure: Mapping) -> dict[str, str]:
    """The errors that prevent publishing a grid: no question, a malformed question, a key used twice."""
    questions = questions_of(structure)
    if not questions:
        return {"questions": "La grille doit comporter au moins une question."}
    if len(questions) > MAX_QUESTIONS:
        return {"questions": f"{MAX_QUESTIONS} questions au plus."}
    errors: dict[str, str] = {}
    seen: set = set()
    for index, question in enumerate(questions):
        key = question.get("key")
        name = f"questions.{key}" if isinstance(key, str) and KEY_RE.match(key) else f"questions[{index}]"
        for field, message in validate_question(question).items():
            errors[f"{name}.{field}"] = message
        if key in seen:
            errors[f"{name}.key"] = "Clé utilisée par une autre question de la grille."
        seen.add(key)
    return errors


# --- answering ---------------------------------------------------------------------------------


def validate_answers(structure: Mapping, answers, *, complete: bool) -> dict[str, str]:
    """The errors of answers against a grid. Unknown keys are refused; each answer must fit its
    question's kind; required questions must be answered only to complete (a draft may be partial).
    An empty answer (null, blank, empty list) counts as not answered."""
    if not isinstance(answers, Mapping):
        return {"answers": "Objet attendu : {clé de la question: réponse}."}
    if len(answers) > MAX_ANSWER_KEYS:
        return {"answers": f"{MAX_ANSWER_KEYS} réponses au plus."}
    questions = {q["key"]: q for q in questions_of(structure)}
    errors: dict[str, str] = {}
    for key, value in answers.items():
        question = questions.get(key)
        if question is None:
            errors[_field(key)] = "Question inconnue dans cette grille."
            continue
        if is_empty(value):
            continue
        message = answer_error(question, value)
        if message:
            errors[_field(key)] = message
    if complete:
        for key, question in questions.items():
            if question.get("required") and is_empty(answers.get(key)) and _field(key) not in errors:
                errors[_field(key)] = "Réponse obligatoire."
    return errors


def answer_error(question: Mapping, value) -> str | None:
    """Why a (non-empty) answer does not fit its question, or None."""
    kind = question["kind"]
    if kind == "choice":
        values = [c["value"] for c in question.get("choices") or []]
        if not isinstance(value, str) or value not in values:
            return "Choix attendu parmi : " + ", ".join(values) + "."
    elif kind == "multiple_choice":
        values = [c["value"] for c in question.get("choices") or []]
        if not isinstance(value, list) or not all(isinstance(v, str) and v in values for v in value):
            return "Liste de choix attendue parmi : " + ", ".join(values) + "."
        if len(set(value)) != len(value):
            return "Chaque choix une seule fois."
    elif kind == "scale":
        low, high = question["scale_min"], question["scale_max"]
        if not is_int(value) or not low <= value <= high:
            return f"Entier entre {low} et {high} attendu."
    elif kind == "number":
        if not is_number(value) or abs(value) > NUMBER_LIMIT:
            return "Nombre attendu."
        low, high = question.get("min"), question.get("max")
        if low is not None and value < low:
            return f"Nombre supérieur ou égal à {format_number(low)} attendu."
        if high is not None and value > high:
            return f"Nombre inférieur ou égal à {format_number(high)} attendu."
    elif kind == "date":
        if not isinstance(value, str) or not DATE_RE.match(value) or _parse_date(value) is None:
            return "Date attendue au format AAAA-MM-JJ."
        from parcours.core.validators import date_error

        return date_error(_parse_date(value))
    elif kind == "text":
        if not isinstance(value, str):
            return "Texte attendu."
        if len(value) > TEXT_MAX:
            return f"{TEXT_MAX} caractères au plus."
        if has_nul(value):
            return "Caractère de contrôle (NUL) non autorisé."
    return None


def _parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def format_number(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def clean_answers(structure: Mapping, answers: Mapping) -> dict:
    """The answers to store: answered questions of the grid only, in the grid's order."""
    keys = [q["key"] for q in questions_of(structure)]
    return {key: answers[key] for key in keys if key in answers and not is_empty(answers[key])}


def answers_from_form(structure: Mapping, data, prefix: str = "answers.") -> dict:
    """Typed answers from a submitted form (a QueryDict or {name: [values]}): every question of the
    grid gets a key (None when left empty, so that a draft can be emptied). A value that cannot be
    converted is kept as typed, for validate_answers to refuse next to the field."""

    def values(name) -> list[str]:
        if hasattr(data, "getlist"):
            return data.getlist(name)
        raw = data.get(name, [])
        return raw if isinstance(raw, list) else [raw]

    answers: dict = {}
    for question in questions_of(structure):
        key, kind = question["key"], question["kind"]
        given = [v for v in values(prefix + key) if isinstance(v, str)]
        if kind == "multiple_choice":
            answers[key] = [v for v in given if v.strip()]
            continue
        raw = given[0] if given else ""
        if not raw.strip():
            answers[key] = None
        elif kind == "scale":
            answers[key] = _to_int(raw)
        elif kind == "number":
            answers[key] = _to_number(raw)
        elif kind == "text":
            answers[key] = raw
        else:
            answers[key] = raw.strip()
    return answers


def _to_int(raw: str):
    try:
        return int(raw.strip())
    except ValueError:
        return raw


def _to_number(raw: str):
    text = raw.strip().replace(",", ".").replace("\u202f", "").replace(" ", "")
    if re.fullmatch(r"[-+]?\d{1,16}", text):
        return int(text)
    if re.fullmatch(r"[-+]?(\d{1,16}(\.\d*)?|\.\d+)", text):
        return float(text)
    return raw


def parse_choice_lines(text: str) -> list[dict]:
    """Choices typed one per line in the designer: 'label' or 'value | label'."""
    choices = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        value, sep, label = line.partition("|")
        if sep:
            choices.append({"value": value.strip(), "label": label.strip()})
        else:
            choices.append({"value": slug_key(line), "label": line})
    return choices


def display_answer(question: Mapping, value) -> str:
    """An answer as a reader (or a spreadsheet) sees it: choice labels, numbers without '.0'."""
    if is_empty(value):
        return ""
    labels = {c["value"]: c["label"] for c in question.get("choices") or []}
    if question["kind"] == "choice":
        return labels.get(value, str(value))
    if question["kind"] == "multiple_choice" and isinstance(value, list):
        return ", ".join(labels.get(v, str(v)) for v in value)
    if question["kind"] == "number" and is_number(value):
        return format_number(value)
    return str(value)


def unique_key(base: str, taken: Iterable[str]) -> str:
    """base, or base_2, base_3… when already used in the grid."""
    taken = set(taken)
    if base not in taken:
        return base
    index = 2
    while f"{base[:45]}_{index}" in taken:
        index += 1
    return f"{base[:45]}_{index}"
