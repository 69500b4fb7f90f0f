"""A certificate states only what the records support: a join click shows remote presence, not
its length; a platform report that measured the time in the meeting gives that time; in person,
the length comes from the agenda. Each says which."""
import io
from datetime import timedelta
from html import unescape

from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from fis_events.db_types import utcnow
from fis_events.extensions import db
from fis_events.i18n import ROME
from fis_events.participation.models import AttendanceEvidence, AttendanceSource
from fis_events.registration.models import AttendanceMode
from support import csrf_from


def one_line(text):
    return " ".join(text.split())


def certificate_text(client, registration, pdf_reader):
    response = client.get(f"/iscrizione/{registration.manage_token}/attestato.pdf")
    assert response.status_code == 200
    return one_line(pdf_reader.text(response.data))


def check_page(client, pdf_reader, registration):
    response = client.get(f"/iscrizione/{registration.manage_token}/attestato.pdf")
    url = pdf_reader.codes(response.data)[0][0].text
    return one_line(unescape(client.get(url.removeprefix("http://localhost")).get_data(as_text=True)))


def test_a_join_click_certifies_presence_without_a_duration(client, open_event, enrol, pdf_reader):
    start = utcnow() - timedelta(minutes=5)
    event = open_event(starts_at=start, ends_at=start + timedelta(hours=3),
                       registration_closes_at=start - timedelta(minutes=1))
    registration = enrol(event, "Paola", "Garofalo", mode=AttendanceMode.REMOTE)
    assert client.get(f"/j/{registration.join_token}").status_code == 302
    text = certificate_text(client, registration, pdf_reader)
    assert "ha partecipato da remoto all'evento" in text
    assert "Durata" not in text and "3 ore" not in text
    assert "non rilevata: la presenza da remoto è registrata, la sua durata no" in \
        check_page(client, pdf_reader, registration)


def zoom_report(event, email, minutes):
    def at(offset):
        return (event.starts_at + timedelta(minutes=offset)).astimezone(ROME).strftime(
            "%m/%d/%Y %I:%M:%S %p")
    lines = ["Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants",
             f"812 3456 7890,Incontro FIS,{at(-5)},{at(180)},host@formez.it,185,2", "",
             "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest",
             f"Paola Garofalo,{email},{at(10)},{at(10 + minutes)},{minutes},Yes"]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def import_report(client, event, data):
    """Upload, then confirm, as the organiser does on the report page."""
    url = f"/gestione/eventi/{event.id}/report-presenze"
    boundary, body = encode_multipart(MultiDict({
        "csrf_token": csrf_from(client.get(url)),
        "report": FileStorage(io.BytesIO(data), "participants_81234567890.csv")}))
    preview = client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert preview.status_code == 200
    name = preview.get_data(as_text=True).split('name="upload" type="hidden" value="')[1].split('"')[0]
    confirmed = client.post(f"{url}/conferma", data={"csrf_token": csrf_from(client.get(url)),
                                                     "upload": name})
    assert confirmed.status_code == 302


def test_a_platform_report_gives_the_measured_time(client, auth, held_event, enrol, pdf_reader):
    registration = enrol(held_event, "Paola", "Garofalo", mode=AttendanceMode.REMOTE)
    auth.login()
    import_report(client, held_event, zoom_report(held_event, registration.person.email, 57))
    evidence = db.session.scalar(db.select(AttendanceEvidence))
    assert (evidence.source, evidence.minutes) == (AttendanceSource.PLATFORM_REPORT, 57)
    text = certificate_text(client, registration, pdf_reader)
    assert "ha partecipato da remoto all'evento" in text
    assert "Durata: 57 minuti (collegamento rilevato dal report della piattaforma)" in text
    assert "3 ore" not in text
    assert "57 minuti (collegamento rilevato dal report della piattaforma)" in \
        check_page(client, pdf_reader, registration)


def test_in_person_the_duration_comes_from_the_agenda(client, held_event, attended, pdf_reader):
    registration = attended(held_event, "Niccolò", "D'Angelo")
    assert "Durata: 3 ore (secondo il programma dell'evento)" in \
        certificate_text(client, registration, pdf_reader)
