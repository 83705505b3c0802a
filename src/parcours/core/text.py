"""Name normalisation for search and duplicate detection: accents, case, hyphens ignored."""

import re
import unicodedata

_NON_LETTERS = re.compile(r"[^a-z0-9]+")


def fold(value: str) -> str:
    """Lower case without accents; hyphens, apostrophes and repeated spaces become one space."""
    decomposed = unicodedata.normalize("NFKD", (value or "").lower())
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    ascii_only = ascii_only.replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
    return _NON_LETTERS.sub(" ", ascii_only.lower()).strip()


def compact(value: str) -> str:
    """fold() without any space: 'Jean-Pierre' and 'Jean Pierre' compare equal."""
    return fold(value).replace(" ", "")
