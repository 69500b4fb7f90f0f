"""Agendas from pasted text or a spreadsheet: read them against an event, then write them.

`read_agenda(event, data)` reads text, CSV or XLSX (told apart by content) into an AgendaDraft
with every line accounted for and the times checked against the event; it writes nothing.
`apply_agenda(event, draft, ...)` writes the items and speakers (appended, or replacing the
agenda), reusing known speakers and organisations, with one audit entry.

Confirming twice writes once: the preview gives `agenda_digest(event)`, a digest of the event's
start and agenda as stored then (its items' ids, order, titles and times, read afresh; the
draft may be edited in the preview), and the confirmation hands it back to `apply_agenda`, which compares it
under the event's lock. The first confirmation changes the agenda, so a second one (the same
form sent twice, two tabs, two machines at once) is refused; so is a confirmation after anyone
changed the agenda or moved the event since the preview. Nothing is staged: the page
carries the text, or the agenda as JSON (`as_json` / `from_json`), from preview to confirmation.
"""
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import audit_record as audit
from ..errors import DomainError
from ..extensions import db
from ..i18n import ROME
from ..spreadsheets import UnreadableFile, decode, guess_delimiters, plain_text
from . import agenda_sheet
from .agenda_draft import AgendaUnreadable, LineNote, as_json, from_json
from .agenda_text import parse_text
from .locks import lock_event
from .models import AgendaItem, AgendaItemKind, AgendaItemSpeaker, Speaker
from .services import check_item_times, check_item_title, find_or_create_speaker

TOO_LARGE = _l("Il file è troppo grande: al massimo %(mb)s MB.")
STALE = _l("Il programma dell'evento è cambiato dopo l'anteprima (o questa importazione è già "
           "stata fatta): controlla il programma e, se serve, ripeti l'importazione.")
NOTHING = _l("Non ho trovato nessun punto del programma da importare.")


def known_speakers(event):
    """{name: (role, organisation)} of the event's speakers, for lines that name them again."""
    return {link.speaker.name: (link.speaker.role,
                                link.speaker.organisation.name if link.speaker.organisation else None)
            for item in event.agenda_items for link in item.speaker_links}


def upload_limit():
    """Bytes a file may have: the app's upload limit, for pages and the command line alike."""
    return current_app.config.get("MAX_CONTENT_LENGTH") or 8 * 1024 * 1024


def read_agenda(event, data):
    """The agenda in `data` (str: pasted text; bytes: a file of text, CSV or XLSX; list: the
    preview's agenda as `as_json` gives it, perhaps edited), its times checked against the
    event. AgendaUnreadable when it cannot be read at all."""
    known = known_speakers(event)
    if isinstance(data, list):
        draft = from_json(data)
    elif isinstance(data, bytes):
        if len(data) > upload_limit():
            raise AgendaUnreadable(TOO_LARGE % {"mb": upload_limit() // (1024 * 1024)})
        if agenda_sheet.is_xlsx(data):
            draft = agenda_sheet.parse_sheet(data, known)
        else:
            try:
                text = plain_text(decode(data)[0])
            except UnreadableFile as error:
                raise AgendaUnreadable(error.message) from None
            draft = agenda_sheet.parse_sheet(data, known) if looks_like_sheet(text) \
                else parse_text(text, known)
    elif looks_like_sheet(data):  # rows pasted from a spreadsheet, with its header
        draft = agenda_sheet.parse_sheet(data.encode("utf-8"), known)
    else:
        draft = parse_text(data, known)
    return check_event_times(event, draft)


def looks_like_sheet(text):
    """A CSV of agenda rows: its first line, split at its delimiter, names a title column."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    for delimiter in guess_delimiters(first):
        cells = [c.strip().strip('"') for c in first.split(delimiter)]
        if len(cells) > 1 and any(agenda_sheet.HEADER_NAMES.get(" ".join(c.lower().split())) == "title"
                                  for c in cells):
            return True
    return False


def _moment(day, clock):
    return datetime.combine(day, clock, tzinfo=ROME) if clock is not None else None


def check_event_times(event, draft):
    """Flag the items whose times fall outside the event. Times are of the event's first day
    (Europe/Rome), as the agenda editor gives them when the event lasts one day."""
    draft.warnings = [note for note in draft.warnings if note.code != "outside_event"]
    day = event.starts_at.astimezone(ROME).date()
    for item in draft.items:
        if any(moment is not None and not event.starts_at <= moment <= event.ends_at
               for moment in (_moment(day, item.start), _moment(day, item.end))):
            draft.warnings.append(LineNote(item.line, "outside_event"))
    return draft


def agenda_digest(event):
    """What the confirmation must hand back: the event's start and agenda as the database held
    them at the preview (read afresh, not from rows loaded earlier). The draft itself may be
    edited in between; any change to the stored agenda, the first confirmation's included,
    makes a confirmation stale."""
    agenda = db.session.execute(
        db.select(AgendaItem.id, AgendaItem.position, AgendaItem.title, AgendaItem.starts_at,
                  AgendaItem.ends_at).where(AgendaItem.event_id == event.id)
        .order_by(AgendaItem.position, AgendaItem.id)).all()
    state = [[row.id, row.position, row.title, str(row.starts_at), str(row.ends_at)] for row in agenda]
    payload = json.dumps([event.id, event.starts_at.isoformat(), state], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass
class ImportResult:
    items: int = 0
    speakers: int = 0
    removed: int = 0


def apply_agenda(event, draft, replace=False, user=None, expected_digest=None):
    """Write the agenda: appended after the event's items, or replacing them. Refused (nothing
    written) when the digest from the preview no longer matches, when there is nothing to
    write, or when a time does not fit (its line is named)."""
    lock_event(event.id)  # two confirmations at once: the second waits, then finds the digest moved
    if expected_digest is not None and expected_digest != agenda_digest(event):
        raise DomainError(str(STALE), field="agenda")
    if not draft.items:
        raise DomainError(str(NOTHING), field="agenda")
    check_event_times(event, draft)
    if draft.blocking:
        note = draft.blocking[0]
        raise DomainError(_("Riga %(line)s: %(problem)s", line=note.line, problem=f"{note.message}."),
                          field="agenda")
    result = ImportResult()
    if replace:
        result.removed = len(event.agenda_items)
        event.agenda_items.clear()
        db.session.flush()
    day = event.starts_at.astimezone(ROME).date()
    for entry in draft.items:
        item = _add_item(event, entry, day)
        for position, person in enumerate(entry.speakers):
            db.session.add(AgendaItemSpeaker(agenda_item=item, speaker=_speaker(person),
                                             remote=person.remote, position=position))
            result.speakers += 1
        result.items += 1
    db.session.flush()
    audit.record("agenda.imported", event=event, user=user, count=result.items,
                 speakers=result.speakers, replaced=bool(replace))
    return result


def _add_item(event, entry, day):
    starts_at, ends_at = _moment(day, entry.start), _moment(day, entry.end)
    try:
        check_item_title(entry.title)
        check_item_times(event, starts_at, ends_at)
    except DomainError as error:
        raise DomainError(_("Riga %(line)s: %(problem)s", line=entry.line, problem=error.message),
                          field="agenda") from None
    item = AgendaItem(event=event, title=entry.title, kind=AgendaItemKind(entry.kind),
                      starts_at=starts_at, ends_at=ends_at, section=entry.section,
                      description=entry.description, position=len(event.agenda_items))
    db.session.add(item)
    return item


def _speaker(person):
    """The known speaker: the same name, role and organisation; or, for a name alone, the one
    speaker of that name."""
    if person.role is None and person.organisation is None:
        namesakes = db.session.scalars(db.select(Speaker).filter_by(name=person.name).limit(2)).all()
        if len(namesakes) == 1:
            return namesakes[0]
    return find_or_create_speaker(person.name, person.role, person.organisation)
