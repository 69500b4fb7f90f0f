"""Writing an agenda read from text or a spreadsheet: append or replace, known speakers reused,
one audit entry, confirmed twice written once; and the Genova agenda copied from the public
pages and pasted into a new event gives the demo's agenda back."""
import json
import threading
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest

from fis_events.audit.services import describe
from fis_events.audit_record import AuditEntry
from fis_events.demo.loader import load_genova, load_programme
from fis_events.errors import DomainError
from fis_events.events import services as events
from fis_events.events.agenda_draft import as_json
from fis_events.events.agenda_import import agenda_digest, apply_agenda, read_agenda
from fis_events.events.agenda_sheet import model_file
from fis_events.events.models import AgendaItem, AgendaItemKind, Event, EventKind, Speaker
from fis_events.extensions import db
from fis_events.i18n import ROME
from fis_events.unit_of_work import unit_of_work
from fis_events.programme.models import Organisation
from support import commit_test_work, rome

GENOVA = json.loads((Path(__file__).parents[2] / "fis_events/demo/data/genova-2023.json").read_text())
BLOCKS = {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "br", "tr", "section",
          "article", "main", "nav", "header", "footer", "dl", "dt", "dd"}


class VisibleText(HTMLParser):
    """The text of a part of a page as a visitor selects and copies it: one line per block,
    inline elements (links, times, badges) within the line."""

    def __init__(self, root, root_class=None):
        super().__init__()
        self.root, self.root_class = root, root_class
        self.depth, self.lines, self.current = 0, [], ""

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if self.depth or (tag == self.root and (self.root_class is None or self.root_class in classes)):
            self.depth += tag not in ("br", "img", "input", "meta", "link")
            if tag in BLOCKS:
                self.flush()

    def handle_endtag(self, tag):
        if self.depth:
            if tag in BLOCKS:
                self.flush()
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.current += data

    def flush(self):
        line = " ".join(self.current.split())
        if line:
            self.lines.append(line)
        self.current = ""


def visible_text(html, root, root_class=None):
    parser = VisibleText(root, root_class)
    parser.feed(html)
    return "\n".join(parser.lines)


def agenda_of(event):
    """An event's agenda in the shape of the demo's data file."""
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    return [{
        "start": item.starts_at.astimezone(ROME).strftime("%H:%M") if item.starts_at else None,
        "title": item.title, "kind": item.kind.value,
        "speakers": [{"name": link.speaker.name, "role": link.speaker.role,
                      "organisation": link.speaker.organisation.name if link.speaker.organisation else None,
                      "remote": link.remote} for link in item.speaker_links],
    } for item in event.agenda_items]


@pytest.fixture
def genova(app_ctx):
    event = load_genova(load_programme())
    commit_test_work()
    return event


def new_genova_event():
    event = events.create_event(title="Il Programma FIS a Genova, di nuovo", kind=EventKind.PUBLIC_EVENT,
                                starts_at=rome(2023, 10, 24, 15), ends_at=rome(2023, 10, 24, 17),
                                offers_in_person=True)
    commit_test_work()
    return event


@pytest.mark.parametrize("page", ["", "/stampa"])
@pytest.mark.parametrize("copied", [("ol", "agenda"), ("main", None)], ids=["agenda", "whole page"])
def test_the_genova_agenda_copied_from_the_public_pages_pastes_into_the_same_agenda(client, genova, page,
                                                                                   copied):
    """The agenda's lines, or the whole page with its title, facts, description and buttons."""
    text = visible_text(client.get(f"/eventi/{genova.id}{page}").get_data(as_text=True), *copied)
    assert "Giusy Pino, Assessore alle Politiche Sociali, Comune di Catanzaro in collegamento" in text
    speakers, organisations = db.session.query(Speaker).count(), db.session.query(Organisation).count()
    event = new_genova_event()
    draft = read_agenda(event, text)
    assert draft.warnings == []
    assert {note.code for note in draft.unplaced} <= {"heading", "date", "unreadable"}
    assert (draft.unplaced == []) == (copied[0] == "ol")
    apply_agenda(event, draft)
    commit_test_work()
    agenda = agenda_of(event)
    assert agenda == GENOVA["agenda"]
    assert len(agenda) == 4 and sum(len(item["speakers"]) for item in agenda) == 7
    assert [s["name"] for item in agenda for s in item["speakers"] if s["remote"]] == ["Giusy Pino"]
    # the same people: the demo's speakers and organisations are reused, none is created
    assert (db.session.query(Speaker).count(), db.session.query(Organisation).count()) == (
        speakers, organisations)


def test_appending_after_the_agenda_with_one_audit_entry(make_event):
    event = make_event()
    events.add_agenda_item(event, "Saluti", AgendaItemKind.TALK)
    commit_test_work()
    start = event.starts_at.astimezone(ROME)
    draft = read_agenda(event, f"ore {start:%H.%M} Registrazione\nore {start + timedelta(hours=1):%H.%M} "
                               "Tavola rotonda\nAnna Rossi e Bruno Verdi, Comune di Como (in collegamento)")
    before = db.session.query(AuditEntry).count()
    result = apply_agenda(event, draft)
    commit_test_work()
    assert (result.items, result.speakers, result.removed) == (2, 2, 0)
    items = db.session.scalars(db.select(AgendaItem).filter_by(event_id=event.id)
                               .order_by(AgendaItem.position)).all()
    assert [(i.title, i.kind, i.position) for i in items] == [
        ("Saluti", AgendaItemKind.TALK, 0), ("Registrazione", AgendaItemKind.REGISTRATION, 1),
        ("Tavola rotonda", AgendaItemKind.PANEL, 2)]
    assert [(link.speaker.name, link.speaker.organisation.name, link.remote)
            for link in items[2].speaker_links] == [("Anna Rossi", "Comune di Como", True),
                                                   ("Bruno Verdi", "Comune di Como", True)]
    entries = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id).offset(before)).all()
    assert [(e.action, e.event_id, e.details) for e in entries] == [
        ("agenda.imported", event.id, {"count": 2, "speakers": 2, "replaced": False})]
    assert describe(entries)[0].what == "Ha importato il programma di «Evento di prova» (punti: 2)"


def test_replacing_the_agenda(make_event):
    event = make_event()
    events.add_agenda_item(event, "Vecchio punto", AgendaItemKind.TALK)
    commit_test_work()
    text = "Apertura dei lavori\nMario Rossi, Sindaco, Comune di Como"
    result = apply_agenda(event, read_agenda(event, text), replace=True)
    commit_test_work()
    assert (result.items, result.removed) == (1, 1)
    assert [i["title"] for i in agenda_of(event)] == ["Apertura dei lavori"]
    entry = db.session.scalars(db.select(AuditEntry).filter_by(action="agenda.imported")).one()
    assert describe([entry])[0].what.endswith("(punti: 1) (al posto del programma precedente)")


def test_confirming_twice_writes_once(make_event):
    event = make_event()
    draft = read_agenda(event, "Apertura dei lavori\nMario Rossi, Sindaco, Comune di Como")
    digest = agenda_digest(event)
    apply_agenda(event, draft, expected_digest=digest)
    commit_test_work()
    with pytest.raises(DomainError, match="cambiato dopo l'anteprima"):
        apply_agenda(event, draft, expected_digest=digest)
    db.session.rollback()
    assert len(agenda_of(event)) == 1


def test_a_change_to_the_event_after_the_preview_refuses_the_confirmation(make_event):
    event = make_event()
    draft = read_agenda(event, "Apertura dei lavori")
    digest = agenda_digest(event)
    events.add_agenda_item(event, "Aggiunto nel frattempo", AgendaItemKind.TALK)
    commit_test_work()
    with pytest.raises(DomainError):
        apply_agenda(event, draft, expected_digest=digest)


def test_times_outside_the_event_are_flagged_and_refused_with_their_line(make_event):
    event = make_event()  # 10.00-13.00
    draft = read_agenda(event, "ore 10.00 Apertura\nore 18.00 Aperitivo")
    assert [(n.line, n.code) for n in draft.warnings] == [(2, "outside_event")]
    with pytest.raises(DomainError, match="Riga 2"):
        apply_agenda(event, draft)
    db.session.rollback()
    assert agenda_of(event) == []


def test_nothing_to_import_is_refused(make_event):
    event = make_event()
    with pytest.raises(DomainError):
        apply_agenda(event, read_agenda(event, "Gentili colleghi, vi scrivo per la riunione di domani."))


def test_the_events_speakers_keep_their_role_and_a_name_alone_is_the_known_speaker(genova):
    event = genova
    draft = read_agenda(event, "ore 16.45 Saluti finali\nCinzia Di Fenza e Mario Rossi, Comune di Como\n"
                               "Interviene: Luciano Gallo")
    assert [(s.name, s.role, s.organisation) for s in draft.items[0].speakers] == [
        ("Cinzia Di Fenza", "Responsabile del progetto", "Formez"), ("Mario Rossi", None, "Comune di Como"),
        ("Luciano Gallo", "Esperto FIS", "Formez")]
    other = new_genova_event()
    speakers = db.session.query(Speaker).count()
    apply_agenda(other, read_agenda(other, "ore 16.45 Saluti finali\nInterviene: Luciano Gallo"))
    commit_test_work()
    assert db.session.query(Speaker).count() == speakers
    assert agenda_of(other)[0]["speakers"] == [
        {"name": "Luciano Gallo", "role": "Esperto FIS", "organisation": "Formez", "remote": False}]


def test_files_are_told_apart_by_content(app, make_event):
    event = make_event()
    assert read_agenda(event, model_file("xlsx")).source == "xlsx"
    assert read_agenda(event, model_file("csv")).source == "csv"
    pasted = "ore 10.00 Saluti del Sindaco\nNiccolò D'Angelo, Comune di Como"
    text = read_agenda(event, pasted.encode("cp1252"))
    assert text.source == "text" and text.items[0].speakers[0].name == "Niccolò D'Angelo"
    assert as_json(read_agenda(event, "ore 10.00 Saluti".encode("utf-16")))[0]["title"] == "Saluti"


def test_a_file_over_the_upload_limit_is_refused(app, make_event):
    event = make_event()
    with pytest.raises(DomainError, match="troppo grande"):
        read_agenda(event, b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1))



def test_parallel_confirmations_of_one_preview_write_once(app, make_event):
    event = make_event()
    text = "Apertura dei lavori\nMario Rossi, Sindaco, Comune di Como\nConclusioni"
    digest = agenda_digest(event)
    event_id = event.id
    commit_test_work()
    start, written, refused, errors = threading.Barrier(4), [], [], []

    def confirm():
        try:
            with app.test_request_context(), unit_of_work():
                again = events.get_event(event_id)
                draft = read_agenda(again, text)
                start.wait(timeout=30)
                written.append(apply_agenda(again, draft, expected_digest=digest))
        except DomainError as error:
            refused.append(error)
        except Exception as error:  # reported below, with the thread's failure
            errors.append(error)

    threads = [threading.Thread(target=confirm) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors and (len(written), len(refused)) == (1, 3)
    assert [i["title"] for i in agenda_of(event)] == ["Apertura dei lavori", "Conclusioni"]


def test_the_preview_edited_and_sent_back_as_json_is_checked_again(make_event):
    event = make_event()  # 10.00-13.00
    agenda = as_json(read_agenda(event, "ore 10.00 Apertura\nMario Rossi, Sindaco, Comune di Como"))
    agenda[0]["kind"], agenda[0]["start"] = "panel", "18:00"
    draft = read_agenda(event, agenda)
    assert draft.items[0].kind == "panel" and [n.code for n in draft.blocking] == ["outside_event"]
    agenda[0]["start"] = "10:30"
    apply_agenda(event, read_agenda(event, agenda))
    commit_test_work()
    assert [(i["start"], i["kind"]) for i in agenda_of(event)] == [("10:30", "panel")]


def test_rows_pasted_from_a_spreadsheet_are_read_as_one(make_event):
    event = make_event()
    start = event.starts_at.astimezone(ROME)
    rows = f"inizio\ttitolo\trelatore\tente\n{start:%H:%M}\tSaluti\tMario Rossi\tComune di Como\n"
    draft = read_agenda(event, rows)
    assert draft.source == "csv"
    assert [(i.title, [(s.name, s.organisation) for s in i.speakers]) for i in draft.items] == [
        ("Saluti", [("Mario Rossi", "Comune di Como")])]
