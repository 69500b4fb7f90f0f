"""Event materials: attached by organisers through the form, told by their content, shown on the
event page beside their item, downloaded by everyone or only through a registrant's link."""
import io
import zipfile

import pytest
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from fis_events.events import services as events
from fis_events.events.models import AgendaItemKind, Event
from fis_events.extensions import db
from fis_events.materials.files import detect
from fis_events.materials.models import Material
from fis_events.registration import services as registrations
from support import commit_test_work, csrf_from

PDF = b"%PDF-1.7\n% slide dell'intervento\n" + b"0" * 2000


def archive(*names, mimetype=None):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        if mimetype:
            zipped.writestr("mimetype", mimetype)
        for name in names:
            zipped.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize("data, name, found", [
    (PDF, "x.pdf", "pdf"), (b"\x89PNG\r\n\x1a\n" + b"0" * 20, "a.png", "png"),
    (b"\xff\xd8\xff\xe0" + b"0" * 20, "a.jpeg", "jpg"), (b"RIFF\0\0\0\0WEBPVP8 ", "a", "webp"),
    (archive("[Content_Types].xml", "ppt/presentation.xml"), "slide.pptx", "pptx"),
    (archive("[Content_Types].xml", "word/document.xml"), "testo", "docx"),
    (archive("content.xml", mimetype="application/vnd.oasis.opendocument.presentation"), "s", "odp"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 50, "vecchie.ppt", "ppt"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 50, "virus.exe", None),
    (b"MZ\x90\x00" + b"0" * 50, "slide.pdf", None), (archive("payload.bin"), "slide.pptx", None),
    (b"PK\x03\x04 not really a zip", "slide.pptx", None), (b"<html><script>", "slide.pdf", None),
])
def test_a_file_is_what_its_content_says(data, name, found):
    result = detect(data, name)
    assert (result[1] if result else None) == found


@pytest.fixture
def event(open_event):
    event = open_event(title="Laboratorio FIS")
    events.add_agenda_item(event, "Il percorso dei Comuni", AgendaItemKind.TALK)
    commit_test_work()
    return event


def upload(client, event, **fields):
    url = f"/gestione/eventi/{event.id}/materiali"
    data = {"csrf_token": csrf_from(client.get(url)), "agenda_item": "None", "visibility": "public"}
    data.update(fields)
    boundary, body = encode_multipart(MultiDict(data))
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def stored():
    db.session.expire_all()
    return db.session.scalars(db.select(Material)).all()


def test_slides_beside_their_item_downloaded_by_a_visitor(client, auth, event):
    auth.login()
    item = event.agenda_items[0]
    response = upload(client, event, title="Le slide", agenda_item=str(item.id),
                      upload=FileStorage(io.BytesIO(PDF), "Slide Intervento (def).PDF"))
    assert response.status_code == 302
    [material] = stored()
    assert (material.filename, material.content_type, material.size) == (
        "Slide_Intervento_def.pdf", "application/pdf", len(PDF))
    auth.logout()
    page = client.get(f"/eventi/{event.id}").get_data(as_text=True)
    link = f"/materiali/{material.id}/Slide_Intervento_def.pdf"
    start = page.index(f'data-item-id="{item.id}"')
    assert link in page[start:page.index("</ol>", start)]  # beside its agenda item
    download = client.get(link)
    assert download.status_code == 200 and download.data == PDF
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "Slide_Intervento_def.pdf" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_registrants_only_materials_open_through_a_registration(client, auth, event, open_event):
    auth.login()
    assert upload(client, event, title="Per gli iscritti", visibility="registrants",
                  upload=FileStorage(io.BytesIO(PDF), "riservato.pdf")).status_code == 302
    [material] = stored()
    auth.logout()
    assert "Per gli iscritti" not in client.get(f"/eventi/{event.id}").get_data(as_text=True)
    assert client.get(f"/materiali/{material.id}/riservato.pdf").status_code == 404
    anna, _outcome = registrations.register(event, email="anna@example.org", first_name="Anna",
                                            last_name="Rossi", mode=registrations.AttendanceMode.IN_PERSON,
                                            source="organiser")
    other = open_event(title="Altro evento")
    bruno, _outcome = registrations.register(other, email="bruno@example.org", first_name="Bruno",
                                             last_name="Verdi", mode=registrations.AttendanceMode.IN_PERSON,
                                             source="organiser")
    commit_test_work()
    page = client.get(f"/iscrizione/{anna.manage_token}").get_data(as_text=True)
    url = f"/iscrizione/{anna.manage_token}/materiali/{material.id}"
    assert "Per gli iscritti" in page and url in page
    assert client.get(url).data == PDF
    assert client.get(f"/iscrizione/{bruno.manage_token}/materiali/{material.id}").status_code == 404
    registrations.cancel(db.session.get(type(anna), anna.id))
    commit_test_work()
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("fields, message", [
    ({"upload": (b"MZ\x90\x00" + b"0" * 100, "slide.pdf")}, "non è un PDF"),
    ({"upload": (b"", "vuoto.pdf")}, "Il file è vuoto."),
    ({"url": "http://example.org/slide"}, "https://"),
    ({}, "Scegli un file o scrivi un collegamento."),
])
def test_disguised_empty_and_unsafe_are_refused_and_nothing_is_stored(client, auth, event, fields,
                                                                      message):
    auth.login()
    if "upload" in fields:
        data, name = fields["upload"]
        fields = {"upload": FileStorage(io.BytesIO(data), name)}
    response = upload(client, event, title="Tentativo", **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert 'value="Tentativo"' in response.get_data(as_text=True)
    assert stored() == []


def test_over_the_limit_is_refused(app, client, auth, event):
    auth.login()
    saved = app.config["MATERIALS_MAX_BYTES"]
    app.config["MATERIALS_MAX_BYTES"] = 1000
    try:
        small_over = upload(client, event, upload=FileStorage(io.BytesIO(PDF[:1500]), "a.pdf"))
        far_over = upload(client, event, upload=FileStorage(io.BytesIO(PDF + b"0" * 200_000), "b.pdf"))
    finally:
        app.config["MATERIALS_MAX_BYTES"] = saved
    assert small_over.status_code == 422 and far_over.status_code == 413
    assert "supera il limite" in small_over.get_data(as_text=True)
    assert "supera il limite" in far_over.get_data(as_text=True)
    assert stored() == []


def test_a_link_the_command_line_and_the_event_s_deletion(app, client, auth, event, runner):
    auth.login()
    assert upload(client, event, url="https://slides.example.org/fis").status_code == 302
    assert upload(client, event, upload=FileStorage(io.BytesIO(PDF), "a.pdf")).status_code == 302
    page = client.get(f"/eventi/{event.id}").get_data(as_text=True)
    assert 'href="https://slides.example.org/fis"' in page
    listing = runner.invoke(args=["materials", "list", "--event", str(event.id)])
    assert listing.exit_code == 0 and "slides.example.org" in listing.output and "a.pdf" in listing.output
    link = next(m for m in stored() if m.is_link)
    assert runner.invoke(args=["materials", "remove", str(link.id)]).exit_code == 0
    assert len(stored()) == 1
    db.session.delete(db.session.get(Event, event.id))
    commit_test_work()
    assert stored() == []


def test_erasing_a_person_leaves_the_materials(app, client, auth, event, enrol, runner):
    auth.login()
    upload(client, event, upload=FileStorage(io.BytesIO(PDF), "a.pdf"))
    enrol(event, "Anna", "Rossi", email="anna@example.org")
    result = runner.invoke(args=["people", "erase", "anna@example.org"], input="y\n")
    assert result.exit_code == 0, result.output
    assert len(stored()) == 1
