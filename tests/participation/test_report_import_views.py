"""The organiser's report import through the test client: upload, preview, confirm."""
import html
import io
import re
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from config import TestingConfig
from support import csrf_from
from fis_events import create_app
from fis_events.db_types import utcnow
from fis_events.extensions import db
from fis_events.i18n import ROME
from fis_events.participation.models import Attendance, AttendanceSource, StagedReport
from fis_events.participation import report as report_module
from fis_events.participation.report import MAX_BYTES
from fis_events.participation.services import record_attendance
from fis_events.registration import services as registration
from fis_events.registration.models import AttendanceMode

SAMPLES = Path(__file__).parent / "samples"


def page_url(event_id, suffix=""):
    return f"/gestione/eventi/{event_id}/report-presenze{suffix}"


def at(event, minutes):
    return (event.starts_at + timedelta(minutes=minutes)).astimezone(ROME).strftime("%m/%d/%Y %I:%M:%S %p")


def zoom_csv(event, rows):
    lines = ["Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants",
             f"812 3456 7890,Incontro FIS,{at(event, -5)},{at(event, 180)},host@formez.it,185,4", "",
             "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest"]
    lines += [f"{name},{email},{at(event, start)},{at(event, start + 60)},60,Yes" for name, email, start in rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


@pytest.fixture
def scene(open_event):
    """A published event open to remote participants, two registrations, a Zoom report."""
    event = open_event()
    other = open_event(title="Altro evento")
    for email, first, last, mode in [("niccolo.dangelo@comune.esempio.it", "Niccolò", "D'Angelo", "remote"),
                                     ("anna.rossi@example.org", "Anna", "Rossi", "in_person")]:
        registration.register(event, email=email, first_name=first, last_name=last, mode=AttendanceMode(mode))
    registration.register(other, email="giulia.romano@example.org", first_name="Giulia",
                          last_name="Romano", mode=AttendanceMode.REMOTE)
    data = zoom_csv(event, [("Niccolò D'Angelo", "Niccolo.DAngelo@comune.esempio.it", 1),
                            ("Anna Rossi", "anna.rossi@example.org", 4),
                            ("Giulia Romano", "giulia.romano@example.org", 6),
                            ("Chi Sei", "chi.sei@example.org", 9),
                            ("Senza Indirizzo", "", 10)])
    return event.id, data


def attendances():
    db.session.expire_all()
    return db.session.scalars(db.select(Attendance).order_by(Attendance.id)).all()


def staged():
    """The uploads waiting for their confirmation."""
    db.session.expire_all()
    return db.session.scalars(db.select(StagedReport).order_by(StagedReport.created_at)).all()


def expire_uploads():
    """Every waiting upload past its hour, as if it had been uploaded long ago."""
    db.session.execute(db.update(StagedReport).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()


def post_multipart(client, url, fields):
    """Encoded here, in memory: the test client would spool a large body to a temporary file
    that it never closes (a ResourceWarning, an error in this suite)."""
    boundary, body = encode_multipart(MultiDict(fields))
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def upload(client, event_id, data, filename="participants_81234567890.csv"):
    token = csrf_from(client.get(page_url(event_id)))
    return post_multipart(client, page_url(event_id),
                          {"csrf_token": token, "report": FileStorage(io.BytesIO(data), filename)})


def upload_name(response):
    page = response if isinstance(response, str) else response.get_data(as_text=True)
    return re.search(r'<input id="upload" name="upload" type="hidden" value="([^"]+)"', page).group(1)


def confirm_form(client, event_id, name, include_known=False):
    """What the preview's confirmation button posts."""
    data = {"csrf_token": csrf_from(client.get(page_url(event_id))), "upload": name}
    if include_known:
        data["include_known"] = "y"
    return data


def confirm(client, event_id, name, include_known=False):
    return client.post(page_url(event_id, "/conferma"), data=confirm_form(client, event_id, name, include_known))


def count(page, kind):
    match = re.search(rf'class="count-{kind}">(\d+)<', page)
    return int(match.group(1))


# ---- who may ------------------------------------------------------------------------------

def test_anonymous_is_sent_to_login(client, scene):
    event_id, _ = scene
    response = client.get(page_url(event_id))
    assert response.status_code == 302 and "/accesso" in response.location
    token = csrf_from(client.get("/accesso"))
    response = client.post(page_url(event_id, "/conferma"), data={"csrf_token": token, "upload": "x" * 32})
    assert response.status_code == 302 and "/accesso" in response.location


def test_door_staff_is_refused(client, auth, scene):
    event_id, data = scene
    auth.login("door_staff")
    assert client.get(page_url(event_id)).status_code == 403
    token = csrf_from(client.get("/"))
    response = post_multipart(client, page_url(event_id),
                              {"csrf_token": token, "report": FileStorage(io.BytesIO(data), "r.csv")})
    assert response.status_code == 403
    assert attendances() == []


def test_unknown_event_is_404(client, auth, app_ctx):
    auth.login()
    assert client.get(page_url(999999)).status_code == 404


# ---- upload, preview, confirm -------------------------------------------------------------

def test_form_page(client, auth, scene):
    event_id, _ = scene
    auth.login()
    response = client.get(page_url(event_id))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file"' in page and 'accept=".csv,.txt,text/csv,text/plain"' in page
    assert "Importa il report delle presenze da remoto" in page


def test_upload_shows_the_preview_and_writes_nothing(client, auth, scene, staff):
    event_id, data = scene
    auth.login()
    response = upload(client, event_id, data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Anteprima del report presenze" in page
    assert "Report Zoom: «Incontro FIS»" in page
    assert (count(page, "matched"), count(page, "already"), count(page, "known"),
            count(page, "unmatched"), count(page, "malformed")) == (2, 0, 1, 1, 1)
    assert "niccolo.dangelo@comune.esempio.it" in page and "chi.sei@example.org" in page
    assert "e-mail mancante" in page
    assert "<caption>" in page and '<th scope="col">' in page and '<th scope="row">' in page
    assert attendances() == []
    [waiting] = staged()  # the upload waits for the confirmation, in the database
    assert (waiting.token, waiting.event_id, waiting.uploaded_by_id) == (
        upload_name(page), event_id, staff().id)
    assert (waiting.filename, waiting.content) == ("participants_81234567890.csv", data)
    assert waiting.expires_at - waiting.created_at == timedelta(hours=1)


def test_confirm_records_the_attendance_and_deletes_the_upload(client, auth, scene):
    event_id, data = scene
    auth.login()
    name = upload_name(upload(client, event_id, data))
    response = confirm(client, event_id, name)
    assert response.status_code == 302
    assert response.location.endswith(f"/gestione/eventi/{event_id}")
    recorded = attendances()
    assert len(recorded) == 2
    assert {a.source for a in recorded} == {AttendanceSource.PLATFORM_REPORT}
    assert {a.mode for a in recorded} == {AttendanceMode.REMOTE}
    assert {a.device for a in recorded} == {"zoom report"}
    assert all(a.registration_id is not None and a.recorded_by_id is not None for a in recorded)
    assert staged() == []
    page = client.get(response.location).get_data(as_text=True)
    assert "Report importato: 2 nuove presenze registrate" in page


def test_an_import_failing_halfway_records_nothing_and_keeps_the_upload(client, auth, scene,
                                                                       monkeypatch):
    """A report's attendances, its audit entry and the use of its upload are one unit of work:
    a failure after the first attendance leaves no attendance and the upload still confirmable."""
    event_id, data = scene
    auth.login()
    name = upload_name(upload(client, event_id, data))
    recorded = []

    def fail_on_the_second(*args, **kwargs):
        if recorded:
            raise RuntimeError("a failure injected between two attendances of one report")
        recorded.append(record_attendance(*args, **kwargs))
        return recorded[-1]

    monkeypatch.setattr(report_module, "record_attendance", fail_on_the_second)
    with pytest.raises(RuntimeError):
        confirm(client, event_id, name)
    assert recorded and attendances() == []
    assert [upload.token for upload in staged()] == [name]
    monkeypatch.undo()
    assert confirm(client, event_id, name).status_code == 302
    assert len(attendances()) == 2


def test_confirm_with_known_people(client, auth, scene):
    event_id, data = scene
    auth.login()
    name = upload_name(upload(client, event_id, data))
    assert confirm(client, event_id, name, include_known=True).status_code == 302
    recorded = attendances()
    assert len(recorded) == 3
    assert sum(a.registration_id is None for a in recorded) == 1


def test_confirming_twice_and_importing_twice_add_nothing(client, auth, scene):
    event_id, data = scene
    auth.login()
    name = upload_name(upload(client, event_id, data))
    assert confirm(client, event_id, name).status_code == 302
    again = confirm(client, event_id, name)  # the same confirmation, sent again
    assert again.status_code == 422
    assert "non è più disponibile" in again.get_data(as_text=True)
    assert len(attendances()) == 2
    # the same file uploaded again: everyone is already recorded, nothing to confirm
    page = upload(client, event_id, data).get_data(as_text=True)
    assert (count(page, "matched"), count(page, "already"), count(page, "known")) == (0, 2, 1)
    assert confirm(client, event_id, upload_name(page)).status_code == 302
    assert len(attendances()) == 2
    assert staged() == []


def test_teams_sample_through_the_page(client, auth, open_event):
    event = open_event()
    registration.register(event, email="paolo.ferri@example.org", first_name="Paolo", last_name="Ferri",
                          mode=AttendanceMode.REMOTE)
    event_id = event.id
    auth.login()
    response = upload(client, event_id, (SAMPLES / "teams_v2_utf16le.csv").read_bytes(), "AttendanceReport.csv")
    page = response.get_data(as_text=True)
    assert "Report Microsoft Teams" in page
    assert count(page, "matched") == 1 and count(page, "unmatched") == 4
    # the sample is of October 2023: the page warns, the attendance gets the time of the import
    assert "non cadono nel periodo dell'evento" in page
    assert confirm(client, event_id, upload_name(response)).status_code == 302
    [attendance] = attendances()
    assert attendance.device == "teams report"


# ---- refusals -----------------------------------------------------------------------------

BAD_FILES = {
    "empty": (b"", "report.csv", "Il file è vuoto."),
    "binary": (bytes(range(256)) * 4, "report.csv", "Il file non è un CSV leggibile"),
    "excel": (b"PK\x03\x04" + bytes(100), "report.csv", "foglio Excel"),
    "no-header": ("Grazie a tutti per la partecipazione!\n".encode(), "report.txt", "Non trovo l'intestazione"),
    "wrong-extension": (b"Name,Email\nA,a@example.org\n", "report.xlsx", "Carica un file .csv o .txt"),
    "too-large": (b"Name,Email\n" + b"x" * MAX_BYTES, "report.csv", "Il file è troppo grande: al massimo 5 MB."),
}


@pytest.mark.parametrize("data, filename, message", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_files_get_a_message_and_nothing_is_written(client, auth, scene, data, filename, message):
    event_id, _ = scene
    auth.login()
    response = upload(client, event_id, data, filename)
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert message in page
    assert 'aria-invalid="true"' in page  # the message is tied to the file field
    assert attendances() == []
    assert staged() == []


def test_upload_far_beyond_the_limit_is_refused_unread(client, auth, scene, monkeypatch):
    event_id, _ = scene
    auth.login()
    monkeypatch.setattr(report_module, "parse_report", lambda data: pytest.fail("the body was read"))
    response = upload(client, event_id, b"Name,Email\n" + b"x" * (MAX_BYTES * 2))
    assert response.status_code == 422
    assert "Il file è troppo grande" in response.get_data(as_text=True)
    assert staged() == []


def test_anonymous_oversized_upload_gets_no_form(client, scene):
    event_id, _ = scene
    token = csrf_from(client.get("/accesso"))
    response = post_multipart(client, page_url(event_id), {
        "csrf_token": token, "report": FileStorage(io.BytesIO(b"x" * (MAX_BYTES * 2)), "r.csv")})
    assert response.status_code == 413
    assert "report-upload-form" not in response.get_data(as_text=True)


def test_no_file_chosen(client, auth, scene):
    event_id, _ = scene
    auth.login()
    token = csrf_from(client.get(page_url(event_id)))
    response = post_multipart(client, page_url(event_id), {"csrf_token": token})
    assert response.status_code == 422
    assert "Scegli il file del report da caricare." in response.get_data(as_text=True)


def test_upload_without_csrf_token_is_refused(client, auth, scene):
    event_id, data = scene
    auth.login()
    response = post_multipart(client, page_url(event_id), {"report": FileStorage(io.BytesIO(data), "r.csv")})
    assert response.status_code == 400
    assert attendances() == []


@pytest.mark.parametrize("name", ["", "../../../etc/passwd", "x" * 32, "a" * 64, "nome con spazi"])
def test_wrong_upload_name(client, auth, scene, name):
    event_id, _ = scene
    auth.login()
    response = confirm(client, event_id, name)
    assert response.status_code == 422
    assert "non è più disponibile" in response.get_data(as_text=True)
    assert attendances() == []


def test_expired_upload(client, auth, scene):
    event_id, data = scene
    auth.login()
    name = upload_name(upload(client, event_id, data))
    expire_uploads()
    response = confirm(client, event_id, name)
    assert response.status_code == 422
    assert "è scaduto" in response.get_data(as_text=True)
    assert attendances() == []
    assert confirm(client, event_id, name).status_code == 422  # it stays expired
    assert attendances() == []


def test_old_uploads_are_swept_on_the_next_upload(client, auth, scene):
    event_id, data = scene
    auth.login()
    upload(client, event_id, data)
    expire_uploads()
    new = upload_name(upload(client, event_id, data))
    assert [waiting.token for waiting in staged()] == [new]  # the old one is gone


def test_purge_command_deletes_the_expired_uploads_only(client, auth, scene, runner):
    event_id, data = scene
    auth.login()
    upload(client, event_id, data)
    expire_uploads()
    waiting = upload_name(upload(client, event_id, data))  # sweeps the first one on its way
    upload(client, event_id, data)
    db.session.execute(db.update(StagedReport).where(StagedReport.token != waiting)
                       .values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    result = runner.invoke(args=["attendance", "purge-staged-reports"])
    assert result.exit_code == 0, result.output
    assert result.output == "1 expired staged attendance reports deleted.\n"
    assert [row.token for row in staged()] == [waiting]
    assert runner.invoke(args=["attendance", "purge-staged-reports"]).output.startswith("0 expired")


def test_an_upload_belongs_to_its_event(client, auth, scene, open_event):
    event_id, data = scene
    other_id = open_event(title="Terzo evento").id
    auth.login()
    name = upload_name(upload(client, event_id, data))
    response = confirm(client, other_id, name)
    assert response.status_code == 422
    assert attendances() == []
    assert len(staged()) == 1  # still there for its own event
    assert confirm(client, event_id, name).status_code == 302


def test_an_upload_belongs_to_its_organiser(client, auth, app, scene):
    event_id, data = scene
    auth.login()
    name = upload_name(upload(client, event_id, data))
    auth.logout()
    auth.login("admin")
    assert confirm(client, event_id, name).status_code == 422
    assert attendances() == []
    assert len(staged()) == 1


def test_discard_deletes_the_upload(client, auth, scene):
    event_id, data = scene
    auth.login()
    name = upload_name(upload(client, event_id, data))
    token = csrf_from(client.get(page_url(event_id)))
    response = client.post(page_url(event_id, "/annulla"), data={"csrf_token": token, "upload": name})
    assert response.status_code == 302
    assert staged() == []
    assert "Importazione annullata" in client.get(response.location).get_data(as_text=True)
    assert confirm(client, event_id, name).status_code == 422
    assert attendances() == []


def test_cancelled_event(client, auth, scene):
    from fis_events.events import services as events
    from fis_events.events.models import Event

    event_id, data = scene
    events.cancel_event(db.session.get(Event, event_id))
    auth.login()
    response = upload(client, event_id, data)
    assert response.status_code == 422
    assert "L'evento è annullato" in html.unescape(response.get_data(as_text=True))


# ---- two web machines ---------------------------------------------------------------------

@pytest.fixture
def other_machine(app):
    """A second app on the same database, as a second web machine would run: its own engine,
    pool and limiter; only the database and the secret key are shared."""
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]

    other = create_app(Config)
    other.test_client_class = app.test_client_class
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def same_browser(client, other):
    """A client of the other machine with this client's cookies: the browser is the same."""
    browser = other.test_client()
    browser.set_cookie("session", client.get_cookie("session").value)
    return browser


def test_preview_on_one_machine_confirm_on_the_other(client, auth, scene, other_machine):
    event_id, data = scene
    auth.login()
    name = upload_name(upload(client, event_id, data))
    elsewhere = same_browser(client, other_machine)
    response = confirm(elsewhere, event_id, name)
    assert response.status_code == 302
    assert "Report importato: 2 nuove presenze registrate" in elsewhere.get(
        response.location).get_data(as_text=True)
    assert len(attendances()) == 2 and staged() == []
    again = confirm(client, event_id, name)  # the same form, sent again to the first machine
    assert again.status_code == 422
    assert "non è più disponibile" in again.get_data(as_text=True)
    assert len(attendances()) == 2


def test_one_upload_confirmed_on_both_machines_at_once_is_imported_once(client, auth, scene,
                                                                         other_machine):
    event_id, data = scene
    auth.login()
    name = upload_name(upload(client, event_id, data))
    browsers = [client, same_browser(client, other_machine)]
    forms = [confirm_form(browser, event_id, name) for browser in browsers]
    together, statuses = threading.Barrier(2), []

    def send(browser, form):
        together.wait()
        statuses.append(browser.post(page_url(event_id, "/conferma"), data=form).status_code)

    threads = [threading.Thread(target=send, args=pair) for pair in zip(browsers, forms)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [302, 422]
    assert len(attendances()) == 2 and staged() == []
