"""Search keys that ignore case, accents and apostrophes: "nicco" finds Niccolò, "dang" D'Angelo."""
import unicodedata

APOSTROPHES = "'’`´"


def search_key(*parts):
    text = " ".join(p for p in parts if p)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c) and c not in APOSTROPHES)
    return " ".join(text.lower().split())
