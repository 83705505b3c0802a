"""Reading the HAS framework spreadsheet (.xlsx or .csv): one row per criterion with the columns
chapitre, thématique, référence, critère, impératif [oui/non] and, optionally, objectif and cible
(champ d'application). Headers are matched whatever their case and accents; title lines above the
header are skipped. Every bad row is reported with its line number (422), nothing is half-read."""

import csv
import io
import re
import zipfile
from dataclasses import dataclass

from parcours.core.errors import Invalid
from parcours.core.text import fold
from parcours.steering.quality.choices import CHAPTERS, THEMATICS, Target

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000
MAX_ERRORS = 100
HEADER_SCAN = 15

# Folded header → column key.
HEADERS = {
    "chapitre": "chapter",
    "chapitres": "chapter",
    "thematique": "thematic",
    "thematiques": "thematic",
    "reference": "reference",
    "ref": "reference",
    "reference du critere": "reference",
    "numero": "reference",
    "numero du critere": "reference",
    "n du critere": "reference",
    "n critere": "reference",
    "critere": "text",
    "criteres": "text",
    "libelle": "text",
    "libelle du critere": "text",
    "intitule du critere": "text",
    "enonce du critere": "text",
    "imperatif": "imperative",
    "critere imperatif": "imperative",
    "niveau d exigence": "imperative",
    "exigence": "imperative",
    "objectif": "objective",
    "objectifs": "objective",
    "cible": "target",
    "champ d application": "target",
    "essms concernes": "target",
}
REQUIRED = {
    "chapter": "chapitre",
    "thematic": "thématique",
    "reference": "référence",
    "text": "critère",
    "imperative": "impératif",
}
YES = {"oui", "o", "yes", "y", "vrai", "true", "1", "x", "imperatif", "critere imperatif"}
NO = {"non", "n", "no", "faux", "false", "0", "", "standard", "critere standard"}
ALL_TARGETS = {"", "tous", "tous essms", "tous les essms", "tous essms concernes", "tout essms", "all"}
REFERENCE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{1,2})$")


@dataclass
class Row:
    line: int
    chapter: int
    thematic: int  # index in THEMATICS, from 1
    reference: str
    text: str
    imperative: bool
    objective: str = ""
    target: str = Target.ALL
    target_detail: str = ""


def _thematic_keys() -> dict[str, int]:
    keys = {}
    for number, (name, aliases) in enumerate(THEMATICS, start=1):
        for spelling in [name, *aliases]:
            keys[fold(spelling)] = number
    return keys


THEMATIC_KEYS = _thematic_keys()


def thematic_number(value: str) -> int | None:
    """The thematic a cell names: its number (1–9), its name or a known spelling, possibly prefixed by
    its number ("3 - Expression et participation")."""
    key = fold(value)
    if key.isdecimal():
        number = int(key)
        return number if 1 <= number <= len(THEMATICS) else None
    key = re.sub(r"^(thematique )?\d+ ", "", key)
    return THEMATIC_KEYS.get(key)


def chapter_number(value) -> int | None:
    """ "1", 1, "Chapitre 1", "Chapitre 1 - La personne" or the chapter's title."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value) if value in (1, 2, 3) else None
    key = fold(str(value or ""))
    match = re.match(r"^(chapitre )?([123])\b", key)
    if match:
        return int(match.group(2))
    titles = {fold(title): number for number, title in CHAPTERS.items()}
    return titles.get(key)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_rows(file_bytes: bytes, filename: str) -> list[list]:
    """The spreadsheet's rows as lists of cell values (422 on an unreadable or unexpected file)."""
    name = (filename or "").lower()
    if not file_bytes:
        raise Invalid({"file": "Le fichier est vide."})
    if len(file_bytes) > MAX_BYTES:
        raise Invalid({"file": "Fichier trop volumineux (5 Mo au plus)."})
    if name.endswith(".xlsx"):
        return _xlsx_rows(file_bytes)
    if name.endswith(".csv"):
        return _csv_rows(file_bytes)
    raise Invalid({"file": "Format attendu : tableur .xlsx ou fichier .csv."})


def _xlsx_rows(file_bytes: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(file_bytes), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, IndexError) as exc:
        raise Invalid({"file": f"Tableur illisible ({type(exc).__name__})."}) from None
    except Exception:  # openpyxl raises many kinds of errors on a damaged file
        raise Invalid({"file": "Tableur illisible."}) from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(list(row))
            if len(rows) > MAX_ROWS + HEADER_SCAN:
                raise Invalid({"file": f"{MAX_ROWS} lignes au plus."})
        return rows
    except Invalid:
        raise
    except Exception:
        raise Invalid({"file": "Tableur illisible."}) from None
    finally:
        workbook.close()


def _csv_rows(file_bytes: bytes) -> list[list]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = file_bytes.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes nearly anything
        raise Invalid({"file": "Encodage du fichier non reconnu (UTF-8 attendu)."})
    if "\x00" in text:
        raise Invalid({"file": "Fichier CSV illisible."})
    sample = text[:4096]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
    except csv.Error:
        delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error:
        raise Invalid({"file": "Fichier CSV illisible."}) from None
    if len(rows) > MAX_ROWS + HEADER_SCAN:
        raise Invalid({"file": f"{MAX_ROWS} lignes au plus."})
    return rows


def _columns(header: list) -> dict[str, int]:
    columns = {}
    for index, value in enumerate(header):
        key = HEADERS.get(fold(_cell(value)))
        if key and key not in columns:
            columns[key] = index
    return columns


def parse(file_bytes: bytes, filename: str) -> list[Row]:
    """The criteria of the spreadsheet, validated; Invalid listing the bad lines otherwise."""
    rows = read_rows(file_bytes, filename)
    header_at, columns = None, {}
    for index, row in enumerate(rows[:HEADER_SCAN]):
        found = _columns(row)
        if len(set(found) & set(REQUIRED)) >= 3:
            header_at, columns = index, found
            break
    if header_at is None:
        raise Invalid(
            {"file": "Ligne d'en-tête introuvable : colonnes attendues " + ", ".join(REQUIRED.values()) + "."}
        )
    missing = [label for key, label in REQUIRED.items() if key not in columns]
    if missing:
        raise Invalid({"file": "Colonnes manquantes : " + ", ".join(missing) + "."})
    errors: list[dict] = []
    out: list[Row] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(rows[header_at + 1 :], start=header_at + 2):
        values = {key: _cell(raw[col]) if col < len(raw) else "" for key, col in columns.items()}
        if not any(values.values()):
            continue  # blank line
        row = _row(index, values, raw, columns, errors)
        if row is None:
            continue
        if row.reference in seen:
            _error(
                errors, index, "reference", f"référence {row.reference} déjà vue ligne {seen[row.reference]}."
            )
            continue
        seen[row.reference] = index
        out.append(row)
    if errors:
        shown = errors[:MAX_ERRORS]
        if len(errors) > MAX_ERRORS:
            shown.append({"field": "file", "message": f"… et {len(errors) - MAX_ERRORS} autres erreurs."})
        raise Invalid(shown, detail=f"Référentiel non importé : {len(errors)} erreur(s) dans le fichier.")
    if not out:
        raise Invalid({"file": "Aucun critère dans le fichier."})
    return out


def _error(errors: list, line: int, column: str, message: str) -> None:
    errors.append({"field": f"lines[{line}].{column}", "message": f"Ligne {line} : {message}"})


def _row(line: int, values: dict, raw: list, columns: dict, errors: list) -> Row | None:
    before = len(errors)
    chapter = chapter_number(raw[columns["chapter"]] if columns["chapter"] < len(raw) else "")
    if chapter is None:
        _error(errors, line, "chapter", f"chapitre « {values['chapter'][:50]} » inconnu (1, 2 ou 3).")
    thematic = thematic_number(values["thematic"])
    if thematic is None:
        _error(errors, line, "thematic", f"thématique « {values['thematic'][:80]} » inconnue.")
    reference = values["reference"].replace(" ", "")
    match = REFERENCE.match(reference)
    if not match:
        _error(errors, line, "reference", f"référence « {reference[:20]} » invalide (attendue : 1.1.1).")
    elif chapter is not None and int(match.group(1)) != chapter:
        _error(errors, line, "reference", f"la référence {reference} ne relève pas du chapitre {chapter}.")
    text = values["text"]
    if not text:
        _error(errors, line, "text", "libellé du critère manquant.")
    elif len(text) > 4000:
        _error(errors, line, "text", "libellé trop long (4000 caractères au plus).")
    flag = fold(values["imperative"])
    if flag not in YES and flag not in NO:
        _error(errors, line, "imperative", f"impératif « {values['imperative'][:20]} » : oui ou non attendu.")
    if len(errors) > before:
        return None
    target_text = values.get("target", "")
    specific = fold(target_text) not in ALL_TARGETS
    return Row(
        line=line,
        chapter=chapter,
        thematic=thematic,
        reference=reference,
        text=text,
        imperative=flag in YES,
        objective=values.get("objective", "")[:500],
        target=Target.SPECIFIC if specific else Target.ALL,
        target_detail=target_text[:500] if specific else "",
    )
