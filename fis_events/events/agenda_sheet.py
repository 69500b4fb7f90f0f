"""An agenda from a spreadsheet (CSV in UTF-8, UTF-16 or Windows-1252, with commas, semicolons or
tabs; or XLSX) read into an AgendaDraft. Plain Python: no app, no database.

Columns (English or Italian names, any order, only "title" required): start/inizio, end/fine,
title/titolo, kind/tipo, section/sezione, speaker/relatore, role/ruolo, organisation/ente,
remote/collegamento. One row per speaker or one per item: a row whose title, start and end
repeat the row before adds a speaker to the same item, and so does a row with no title. A row
that cannot be read is listed with its number and the reason; the rest is read.
"""
import io
import re
from datetime import datetime, time

from flask_babel import lazy_gettext as _l

from ..spreadsheets import (XLSX_SIGNATURE, UnreadableFile, as_csv, as_xlsx, decode, guess_delimiters,
                            plain_text, records, visible)
from .agenda_draft import (KINDS, NAME_MAX, ROLE_MAX, SECTION_MAX, TITLE_MAX, AgendaDraft,
                           AgendaUnreadable, DraftItem, DraftSpeaker, LineNote, check_times,
                           guess_kind, name_key, shorten)

MAX_ROWS = 2_000
MAX_COLUMNS = 50

COLUMNS = {
    "start": ("start", "inizio", "ora inizio", "ora di inizio", "orario", "ora", "dalle"),
    "end": ("end", "fine", "ora fine", "ora di fine", "alle"),
    "title": ("title", "titolo", "punto", "intervento"),
    "kind": ("kind", "tipo", "type"),
    "section": ("section", "sezione", "sessione"),
    "speaker": ("speaker", "relatore", "relatrice", "relatori", "nome", "nome e cognome"),
    "role": ("role", "ruolo", "qualifica", "carica"),
    "organisation": ("organisation", "organization", "ente", "organizzazione"),
    "remote": ("remote", "collegamento", "da remoto", "in collegamento", "remoto"),
}
HEADER_NAMES = {name: key for key, names in COLUMNS.items() for name in names}
#: the model file's columns, in Italian as organisers write them
MODEL_HEADER = ["inizio", "fine", "titolo", "tipo", "sezione", "relatore", "ruolo", "ente", "collegamento"]
MODEL_ROWS = [
    ["15:00", "", "Registrazione dei partecipanti", "registrazione", "", "", "", "", ""],
    ["15:30", "16:15", "Il Programma FIS e l'accompagnamento ai Comuni", "", "", "Cinzia Di Fenza",
     "Responsabile del progetto", "Formez", ""],
    ["", "", "Esperienze dai Comuni in via sperimentazione", "tavola rotonda", "", "Paola Garofalo",
     "Direzione Servizi Socio-Educativi", "Comune di Bergamo", ""],
    ["", "", "", "", "", "Giusy Pino", "Assessore alle Politiche Sociali", "Comune di Catanzaro", "sì"],
    ["16:30", "17:00", "Conclusioni e spunti", "conclusioni", "", "Luciano Gallo", "Esperto FIS",
     "Formez", ""],
]
KIND_NAMES = {
    "registrazione": "registration", "intervento": "talk", "relazione": "talk",
    "tavola rotonda": "panel", "panel": "panel", "pausa": "break", "conclusioni": "conclusions",
    "altro": "other", **{kind: kind for kind in KINDS},
}
YES = {"sì", "si", "s", "yes", "y", "true", "vero", "1", "x", "in collegamento", "da remoto",
       "remoto", "online", "collegamento"}
NO = {"", "no", "n", "false", "falso", "0", "in presenza", "presenza"}
CLOCK = re.compile(r"^(?:ore\s*|h\.?\s*)?([01]?\d|2[0-3])(?:[.:,h]([0-5]\d))?(?:[.:]00)?$", re.IGNORECASE)

EMPTY = _l("Il file è vuoto.")
TOO_MANY_ROWS = _l("Il foglio ha troppe righe: al massimo %(rows)s.",
                   rows=f"{MAX_ROWS:,}".replace(",", "."))
NO_TITLE = _l("Manca la colonna «titolo» (o «title»): la prima riga deve dare i nomi delle colonne.")
NOT_XLSX = _l("Il file non è un foglio XLSX leggibile.")


def unknown_column(name):
    return AgendaUnreadable(_l(
        "Colonna sconosciuta: «%(name)s». Le colonne possibili sono: inizio, fine, titolo, tipo, "
        "sezione, relatore, ruolo, ente, collegamento (o in inglese: start, end, title, kind, "
        "section, speaker, role, organisation, remote).", name=name[:60]))


def model_file(format="xlsx"):
    """The model to download and fill in: the columns, and the Genova session as an example."""
    if format == "csv":
        return as_csv(MODEL_HEADER, MODEL_ROWS)
    return as_xlsx(MODEL_HEADER, MODEL_ROWS, "Programma", "Programma")


def is_xlsx(data):
    return data.startswith(XLSX_SIGNATURE)


def parse_sheet(data, known=None):
    """The agenda in a CSV or XLSX file (bytes). `known`: as for agenda_text.parse_text, the role
    and organisation of people already speakers of the event, used when a row gives neither.
    AgendaUnreadable when the file cannot be read or its header names an unknown column."""
    if not data or not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise AgendaUnreadable(EMPTY)
    if is_xlsx(data):
        rows, source = _xlsx_rows(data), "xlsx"
    else:
        rows, source = _csv_rows(data), "csv"
    return _read(rows, source, {name_key(k): v for k, v in (known or {}).items()})


def _csv_rows(data):
    try:
        text = plain_text(decode(data)[0])
        delimiters = guess_delimiters(text)
        best = None
        for delimiter in delimiters:  # the delimiter that makes the header a header
            rows = list(records(text, delimiter, MAX_COLUMNS))
            header = next((cells for _line, cells in rows if any(c.strip() for c in cells)), [])
            if any(_column(cell) == "title" for cell in header):
                return rows
            best = best or rows
        return best
    except UnreadableFile as error:
        raise AgendaUnreadable(error.message) from None


def _xlsx_rows(data):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a hostile or broken file fails in many ways, all of them "unreadable"
        raise AgendaUnreadable(NOT_XLSX) from None
    try:
        rows = []
        for number, values in enumerate(workbook.worksheets[0].iter_rows(values_only=True), 1):
            if number > MAX_ROWS + 1:
                raise AgendaUnreadable(TOO_MANY_ROWS)
            rows.append((number, ["" if v is None else v for v in values[:MAX_COLUMNS]]))
        return rows
    except AgendaUnreadable:
        raise
    except Exception:
        raise AgendaUnreadable(NOT_XLSX) from None
    finally:
        workbook.close()


def _column(cell):
    name = " ".join(str(cell).replace("\ufeff", "").strip().strip('"').lower().rstrip(":").split())
    return HEADER_NAMES.get(name)


def _text(value):
    """A cell as one line of text, without control or invisible characters."""
    if value in (None, ""):
        return ""
    return " ".join(visible(str(value)).split())


def _clock(value):
    """A time of day from a cell: '15:30', '15.30', 'ore 15', or a spreadsheet time; '' is None."""
    if isinstance(value, datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, float) and 0 <= value < 1:  # a time stored as a fraction of a day
        minutes = round(value * 24 * 60)
        return time(minutes // 60 % 24, minutes % 60)
    text = _text(value)
    if not text:
        return None
    match = CLOCK.match(text)
    if match is None:
        raise ValueError(text)
    return time(int(match[1]), int(match[2] or 0))


def _read(rows, source, known):
    draft = AgendaDraft(source=source)
    rows = [(line, cells) for line, cells in rows if any(_text(c) for c in cells)]
    if not rows:
        raise AgendaUnreadable(EMPTY)
    if len(rows) > MAX_ROWS + 1:
        raise AgendaUnreadable(TOO_MANY_ROWS)
    header_line, header = rows[0]
    columns = {}
    for index, cell in enumerate(header):
        if not _text(cell):
            continue
        key = _column(cell)
        if key is None:
            raise unknown_column(_text(cell))
        columns.setdefault(key, index)
    if "title" not in columns:
        raise AgendaUnreadable(NO_TITLE)

    def cell(cells, key):
        index = columns.get(key)
        return cells[index] if index is not None and index < len(cells) else ""

    item = None
    for line, cells in rows[1:]:
        excerpt = " · ".join(_text(c) for c in cells if _text(c))[:200]
        try:
            start, end = _clock(cell(cells, "start")), _clock(cell(cells, "end"))
        except ValueError:
            draft.unplaced.append(LineNote(line, "bad_time", excerpt))
            continue
        title = _text(cell(cells, "title"))
        speaker = _text(cell(cells, "speaker"))
        if not title and not speaker:
            draft.unplaced.append(LineNote(line, "no_title", excerpt))
            continue
        same = item is not None and (not title or (title, start, end, _text(cell(cells, "section")) or None)
                                     == (item.title, item.start, item.end, item.section))
        if not same:
            if not title:
                draft.unplaced.append(LineNote(line, "speaker_without_item", excerpt))
                continue
            item = DraftItem(title=shorten(draft, title, TITLE_MAX, line), start=start, end=end,
                             section=shorten(draft, _text(cell(cells, "section")), SECTION_MAX, line) or None,
                             line=line)
            draft.items.append(item)
            kind = _text(cell(cells, "kind")).lower()
            if kind:
                if kind in KIND_NAMES:
                    item.kind, item.kind_given = KIND_NAMES[kind], True
                else:
                    draft.warnings.append(LineNote(line, "bad_kind", excerpt))
        item.lines.append(line)
        if speaker:
            _add_speaker(draft, item, cells, cell, line, excerpt, known)
    for entry in draft.items:
        if not entry.kind_given:
            entry.kind = guess_kind(entry.title, len(entry.speakers))
    return check_times(draft)


def _add_speaker(draft, item, cells, cell, line, excerpt, known):
    remote = _text(cell(cells, "remote")).lower()
    if remote not in YES | NO:
        draft.warnings.append(LineNote(line, "bad_remote", excerpt))
    name = shorten(draft, _text(cell(cells, "speaker")), NAME_MAX, line)
    role = shorten(draft, _text(cell(cells, "role")), ROLE_MAX, line) or None
    organisation = shorten(draft, _text(cell(cells, "organisation")), NAME_MAX, line) or None
    key = name_key(name)
    if role is None and organisation is None and key in known:
        role, organisation = known[key]
    if any(name_key(s.name) == key for s in item.speakers):
        draft.warnings.append(LineNote(line, "duplicate_speaker", excerpt))
        return
    known.setdefault(key, (role, organisation))
    item.speakers.append(DraftSpeaker(name, role, organisation, remote in YES, line))
