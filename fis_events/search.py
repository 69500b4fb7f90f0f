"""Search keys that ignore case, accents and apostrophes: "nicco" finds Niccolò, "dang" D'Angelo.
And the key that tells whether two typed organisation names are the same organisation."""
import re
import unicodedata

APOSTROPHES = "'’`´"


def search_key(*parts):
    text = " ".join(p for p in parts if p)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c) and c not in APOSTROPHES)
    return " ".join(text.lower().split())


#: words that never tell one organisation from another: articles and prepositions
FILLER_WORDS = frozenset("di del dello della dell dei degli delle d da de e ed il lo la l i gli le"
                         .split())
NON_WORD = re.compile(r"[\W_]+")


def organisation_key(name):
    """The same key for "Comune di Bergamo", "COMUNE DI  BERGAMO ", "comune bergamo" and
    "Bergamo": case, accents, punctuation, spacing, articles and prepositions do not count, and a
    leading "Comune" or "Città" (not "Città metropolitana") names the place itself. Dots join
    ("S.p.A." is "spa"); other punctuation separates words ("Dell'Aquila" is "aquila")."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower().replace(".", "")
    words = [word for word in NON_WORD.split(text) if word and word not in FILLER_WORDS]
    if len(words) > 1 and (words[0] == "comune" or words[0] == "citta" and words[1] != "metropolitana"):
        words = words[1:]
    return " ".join(words)
