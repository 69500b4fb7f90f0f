"""The organiser's "Incolla il programma": paste, preview (edited), confirm, through the forms."""
import io
import re
from html.parser import HTMLParser

import pytest
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from support import commit_test_work, csrf_from
from fis_events.events.agenda_sheet import model_file
from fis_events.events.models import AgendaItem, AgendaItemKind, Event
from fis_events.extensions import db

from events.test_agenda_import import GENOVA, agenda_of, genova, new_genova_event, visible_text  # noqa: F401

PASTED = """Programma
ore 15.00 Saluti istituzionali
Mario Rossi, Sindaco, Comune di Como
ore 15.30 - 16.30 Il percorso dei Comuni
Intervengono: Anna Bianchi e Carla Verdi, Formez (in collegamento)
16.30 Pausa caffè
"""


class PreviewForm(HTMLParser):
    """The preview form's fields as a browser would send them: inputs with their values
    (checkboxes only when ticked), selects with their selected option."""

    def __init__(self):
        super().__init__()
        self.fields, self.select = MultiDict(), None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name"):
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields.add(attrs["name"], attrs.get("value", "y"))
            elif attrs.get("type") != "submit":
                self.fields.add(attrs["name"], attrs.get("value", ""))
        elif tag == "select":
            self.select = attrs["name"]
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields.add(self.select, attrs["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None


def preview_fields(response):
    page = response.get_data(as_text=True)
    form = page[page.index('action="/gestione/eventi/'):]
    parser = PreviewForm()
    parser.feed(form[:form.index("</form>")])
    return parser.fields


def paste(client, event_id, text):
    url = f"/gestione/eventi/{event_id}/programma/incolla"
    return client.post(url, data={"csrf_token": csrf_from(client.get(url)), "text": text})


def confirm(client, event_id, fields, **changes):
    fields = MultiDict(fields)
    for name, value in changes.items():
        fields.setlist(name, [value] if value is not None else [])
    return client.post(f"/gestione/eventi/{event_id}/programma/anteprima", data=fields)


def items(event_id):
    db.session.expire_all()
    return db.session.scalars(db.select(AgendaItem).filter_by(event_id=event_id)
                              .order_by(AgendaItem.position)).all()


@pytest.fixture
def event(make_event):
    from datetime import datetime

    from fis_events.i18n import ROME
    return make_event(starts_at=datetime(2030, 5, 7, 15, 0, tzinfo=ROME),
                      ends_at=datetime(2030, 5, 7, 18, 0, tzinfo=ROME))


def test_a_paste_is_previewed_edited_and_confirmed(client, auth, event):
    auth.login()
    preview = paste(client, event.id, PASTED)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "3 punti riconosciuti" in page and "«Programma»" in page  # the heading line, shown
    assert items(event.id) == []  # nothing written by the preview
    fields = preview_fields(preview)
    assert fields["items-1-s-1-name"] == "Carla Verdi" and fields.get("items-1-s-1-remote") == "y"
    # the organiser fixes one title, makes the break a break, adds a speaker, confirms
    response = confirm(client, event.id, fields, **{
        "items-0-title": "Saluti del Sindaco", "items-2-kind": "break",
        "items-0-s-1-name": "Luca Neri", "items-0-s-1-role": "Assessore", "confirm": "1"})
    assert response.status_code == 302 and response.location.endswith(f"/gestione/eventi/{event.id}")
    saved = items(event.id)
    assert [(i.title, i.kind) for i in saved] == [
        ("Saluti del Sindaco", AgendaItemKind.TALK), ("Il percorso dei Comuni", AgendaItemKind.TALK),
        ("Pausa caffè", AgendaItemKind.BREAK)]
    assert [(l.speaker.name, l.remote) for l in saved[1].speaker_links] == [
        ("Anna Bianchi", True), ("Carla Verdi", True)]
    assert [l.speaker.name for l in saved[0].speaker_links] == ["Mario Rossi", "Luca Neri"]
    # the same confirmation sent again writes nothing more
    again = confirm(client, event.id, fields, confirm="1")
    assert again.status_code == 422
    assert "è cambiato dopo l&#39;anteprima" in again.get_data(as_text=True)
    assert len(items(event.id)) == 3


def test_updating_the_preview_writes_nothing_and_keeps_the_unread_lines(client, auth, event):
    auth.login()
    fields = preview_fields(paste(client, event.id, PASTED))
    updated = confirm(client, event.id, fields, **{"items-1-drop": "y", "update": "1"})
    page = updated.get_data(as_text=True)
    assert updated.status_code == 200 and "2 punti riconosciuti" in page
    assert "«Programma»" in page
    assert items(event.id) == []


def test_replace_takes_the_place_of_the_agenda(client, auth, event):
    from fis_events.events import services as events
    events.add_agenda_item(event, "Vecchio punto", AgendaItemKind.TALK)
    commit_test_work()
    auth.login()
    fields = preview_fields(paste(client, event.id, PASTED))
    assert fields["mode"] == "append"
    assert confirm(client, event.id, fields, mode="replace", confirm="1").status_code == 302
    assert [i.title for i in items(event.id)] == ["Saluti istituzionali", "Il percorso dei Comuni",
                                                 "Pausa caffè"]


@pytest.mark.parametrize("text, message", [
    ("", "Incolla il programma o scegli un file."),
    ("x" * 50_001, "50.000"),
])
def test_bad_pastes_are_refused_with_the_text_kept(client, auth, event, text, message):
    auth.login()
    response = paste(client, event.id, text)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert items(event.id) == []


def test_a_time_outside_the_event_blocks_the_confirmation_on_its_line(client, auth, event):
    auth.login()
    preview = paste(client, event.id, "ore 20.00 Cena di lavoro\nore 15.00 Apertura")
    page = preview.get_data(as_text=True)
    assert "Conferma e scrivi il programma" not in page
    assert re.search(r'class="text-danger mb-2 item-warning">[^<]*(durata|orario)', page)


def test_a_spreadsheet_upload_gives_the_same_preview(client, auth, event):
    auth.login()
    url = f"/gestione/eventi/{event.id}/programma/incolla"
    boundary, body = encode_multipart(MultiDict({
        "csrf_token": csrf_from(client.get(url)),
        "upload": FileStorage(io.BytesIO(model_file("xlsx")), "programma.xlsx")}))
    response = client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 200
    assert "punti riconosciuti" in response.get_data(as_text=True)
    model = client.get("/gestione/programma/modello.xlsx")
    assert model.status_code == 200 and model.data[:2] == b"PK"


def test_the_genova_agenda_pasted_through_the_pages(client, auth, genova):  # noqa: F811
    """What a visitor copies from the public page, pasted in a new event by an organiser."""
    text = visible_text(client.get(f"/eventi/{genova.id}").get_data(as_text=True), "ol", "agenda")
    new = new_genova_event()
    auth.login()
    fields = preview_fields(paste(client, new.id, text))
    assert confirm(client, new.id, fields, confirm="1").status_code == 302
    assert agenda_of(new) == GENOVA["agenda"]


def test_door_staff_cannot_paste(client, auth, event):
    auth.login("door_staff")
    assert client.get(f"/gestione/eventi/{event.id}/programma/incolla").status_code == 403
    assert db.session.get(Event, event.id).agenda_items == []
