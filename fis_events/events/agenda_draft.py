"""An agenda read from pasted text or a spreadsheet, before anything is written.

Plain Python (no app, no database): `agenda_text.parse_text` and `agenda_sheet.parse_sheet`
both give an `AgendaDraft`, which the organiser sees as a preview and `agenda_import` turns into
rows. Every line of what was read is accounted for: it fed an item (its title, a speaker, a
section heading, a description) or it is listed in `unplaced` with the reason.
"""
import re
from dataclasses import dataclass, field
from datetime import time

from flask_babel import lazy_gettext as _l

from ..errors import DomainError
from ..text import is_clean

#: the values of models.AgendaItemKind (a test ties the two together)
KINDS = ("registration", "talk", "panel", "break", "conclusions", "other")
#: what an item's title says about its kind, checked in this order; otherwise a talk
KIND_WORDS = (
    ("conclusions", r"conclusion[ie]|chiusura|saluti finali|considerazioni (?:finali|conclusive)"
                    r"|wrap[- ]?up"),
    ("registration", r"registrazion[ei]|accoglienza|accredit[oi]"),
    ("break", r"pausa|coffee[- ]?break|pranzo|light lunch|lunch|buffet|aperitivo|\bbreak\b"),
    ("panel", r"tavola rotonda|tavole rotonde|\bpanel\b|dibattito"),
)
#: an item with no word for its kind and this many speakers or more is a round table
PANEL_SPEAKERS = 3

#: lengths of the columns the rows go into
TITLE_MAX, SECTION_MAX, NAME_MAX, ROLE_MAX = 300, 200, 200, 200

#: why a line is flagged (it is placed, but needs a look) or was left out
NOTES = {
    "end_before_start": _l("l'ora di fine non è successiva a quella di inizio"),
    "time_backwards": _l("l'orario torna indietro rispetto al punto precedente"),
    "outside_event": _l("l'orario è fuori dalla durata dell'evento"),
    "too_long": _l("testo troppo lungo: è stato accorciato"),
    "unreadable": _l("riga non riconosciuta"),
    "speaker_without_item": _l("relatore prima di qualsiasi punto del programma"),
    "section_without_item": _l("titolo di sezione senza punti che lo seguano"),
    "date": _l("data: il programma usa il giorno dell'evento"),
    "heading": _l("intestazione"),
    "duplicate_speaker": _l("relatore già indicato in questo punto"),
    "bad_time": _l("orario non valido"),
    "bad_kind": _l("tipo non riconosciuto: si usa quello dedotto dal titolo"),
    "bad_remote": _l("valore non riconosciuto per «collegamento» (sì o no)"),
    "no_title": _l("riga senza titolo né relatore"),
}
#: notes that stop the agenda from being written until the organiser corrects it
BLOCKING = {"end_before_start", "outside_event"}


class AgendaUnreadable(DomainError):
    """What was given cannot be read as an agenda at all; the message says why."""

    def __init__(self, message):
        super().__init__(message, field="agenda")


@dataclass
class DraftSpeaker:
    name: str
    role: str | None = None
    organisation: str | None = None
    remote: bool = False
    line: int | None = None


@dataclass
class DraftItem:
    title: str
    kind: str = "talk"
    start: time | None = None
    end: time | None = None
    section: str | None = None
    description: str | None = None
    speakers: list = field(default_factory=list)
    #: the line of the title, and every line that fed this item
    line: int | None = None
    lines: list = field(default_factory=list)
    #: the kind came from a column or an edit, not from the title
    kind_given: bool = False


@dataclass(frozen=True)
class LineNote:
    line: int
    code: str
    #: the line as it was written, to help the organiser find it
    text: str = ""

    @property
    def message(self):
        return str(NOTES[self.code])


@dataclass
class AgendaDraft:
    items: list = field(default_factory=list)
    #: placed lines that need a look (times that do not add up, shortened text)
    warnings: list = field(default_factory=list)
    #: lines that fed no item, with the reason
    unplaced: list = field(default_factory=list)
    #: "text", "csv" or "xlsx"
    source: str = "text"

    @property
    def blocking(self):
        return [note for note in self.warnings if note.code in BLOCKING]

    def warnings_on(self, line):
        return [note for note in self.warnings if note.line == line]

    def accounted_lines(self):
        """Every line number the draft says something about."""
        lines = {note.line for note in self.unplaced}
        for item in self.items:
            lines.update(item.lines)
        return lines


def name_key(name):
    """Names compared as people write them: case and spacing aside."""
    return " ".join(name.lower().split())


def shorten(draft, text, limit, line):
    """`text` cut to its column's length, with a warning on its line when it was longer."""
    if len(text) > limit:
        draft.warnings.append(LineNote(line, "too_long", text[:200]))
        return text[:limit].rstrip()
    return text


def guess_kind(title, speakers=0):
    """The kind an item's title suggests ("Coffee break" is a break, "Saluti finali" the
    conclusions); a title that says nothing, with three speakers or more, is a round table."""
    lowered = title.lower()
    for kind, words in KIND_WORDS:
        if re.search(words, lowered):
            return kind
    return "panel" if speakers >= PANEL_SPEAKERS else "talk"


def check_times(draft):
    """Flag each item whose end is not after its start, or whose start goes back before the
    item before it (the event's own span is checked by agenda_import, which knows the event)."""
    previous = None
    for item in draft.items:
        line = item.line
        if item.start is not None and item.end is not None and item.end <= item.start:
            draft.warnings.append(LineNote(line, "end_before_start"))
        if item.start is not None:
            if previous is not None and item.start < previous:
                draft.warnings.append(LineNote(line, "time_backwards"))
            previous = item.start
    return draft


# ---- as JSON: the command line's output, and the form the preview page carries ---------------

def _clock(moment):
    return moment.strftime("%H:%M") if moment is not None else None


def as_json(draft):
    """The agenda as plain data: a list of items, None where a value is absent."""
    return [{
        "start": _clock(item.start), "end": _clock(item.end), "title": item.title,
        "kind": item.kind, "section": item.section, "description": item.description,
        "speakers": [{"name": s.name, "role": s.role, "organisation": s.organisation,
                      "remote": s.remote} for s in item.speakers],
    } for item in draft.items]


BAD_JSON = _l("Il programma inviato non è leggibile: ricomincia dall'anteprima.")
CLOCK = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")


def from_json(data):
    """The draft `as_json` gave (as the preview page sends it back, perhaps edited); times are
    checked again. AgendaUnreadable when it is not that shape."""
    def text(value, limit, required=False):
        if value is None and not required:
            return None
        if not isinstance(value, str) or len(value) > limit or (required and not value.strip()) or (
                not is_clean(value)):
            raise AgendaUnreadable(BAD_JSON)
        return " ".join(value.split()) or None

    def clock(value):
        if value is None:
            return None
        match = CLOCK.fullmatch(value) if isinstance(value, str) else None
        if match is None:
            raise AgendaUnreadable(BAD_JSON)
        return time(int(match[1]), int(match[2]))

    if not isinstance(data, list):
        raise AgendaUnreadable(BAD_JSON)
    draft = AgendaDraft(source="json")
    for number, entry in enumerate(data, 1):
        if not isinstance(entry, dict) or entry.get("kind") not in KINDS or not isinstance(
                entry.get("speakers", []), list):
            raise AgendaUnreadable(BAD_JSON)
        speakers = []
        for person in entry.get("speakers", []):
            if not isinstance(person, dict) or not isinstance(person.get("remote", False), bool):
                raise AgendaUnreadable(BAD_JSON)
            speakers.append(DraftSpeaker(
                text(person.get("name"), NAME_MAX, required=True), text(person.get("role"), ROLE_MAX),
                text(person.get("organisation"), NAME_MAX), person.get("remote", False), number))
        draft.items.append(DraftItem(
            title=text(entry.get("title"), TITLE_MAX, required=True), kind=entry["kind"],
            start=clock(entry.get("start")), end=clock(entry.get("end")),
            section=text(entry.get("section"), SECTION_MAX),
            description=text(entry.get("description"), 5000), speakers=speakers,
            line=number, lines=[number], kind_given=True))
    return check_times(draft)
