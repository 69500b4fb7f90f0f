"""The register page through the test client: who may see it, ticks, additions, held."""
import html
from datetime import timedelta

import pytest

from fis_events.db_types import utcnow
from fis_events.events import services as events
from fis_events.events.models import Event
from fis_events.extensions import db
from fis_events.participation import services
from fis_events.participation.models import Attendance, AttendanceSource
from fis_events.programme.models import Organisation
from fis_events.registration.models import AttendanceMode, Person
from support import csrf_from


def url(event, suffix=""):
    return f"/gestione/eventi/{event.id}/presenze{suffix}"


def text(response):
    return html.unescape(response.get_data(as_text=True))


def attendances():
    db.session.expire_all()
    return db.session.scalars(db.select(Attendance).order_by(Attendance.id)).all()


@pytest.mark.parametrize("method, suffix", [("get", ""), ("post", ""), ("post", "/aggiungi"),
                                            ("post", "/../svolto/segna")])
def test_only_organisers(client, auth, today_event, method, suffix):
    event = today_event()
    target = url(event, suffix).replace("/presenze/..", "")
    response = getattr(client, method)(target, data={"csrf_token": csrf_from(client.get("/accesso"))})
    assert response.status_code == 302 and "/accesso" in response.headers["Location"]
    auth.login("door_staff")
    assert getattr(client, method)(target, data={"csrf_token": csrf_from(client.get("/"))}).status_code == 403


def test_the_register_shows_registrations_sources_and_people_without_one(client, auth, today_event,
                                                                          enrol, staff):
    event = today_event()
    anna = enrol(event, "Anna", "Rossi", organisation="Comune di Bergamo")
    enrol(event, "Bruno", "Verdi", AttendanceMode.REMOTE)
    organiser = staff()
    services.record_attendance(event, anna.person, anna.mode, AttendanceSource.QR_SCAN, registration=anna)
    services.add_unregistered(event, first_name="Niccolò", last_name="D'Angelo",
                              mode=AttendanceMode.IN_PERSON, user=organiser)
    auth.login()
    page = client.get(url(event))
    body = text(page)
    assert page.status_code == 200 and csrf_from(page)
    assert "Anna Rossi" in body and "Comune di Bergamo" in body and "Scansione QR" in body
    assert "Presenti senza iscrizione: 1" in body and "Niccolò D'Angelo" in body
    assert "Registrata dall'organizzatore" in body
    assert f'name="present" value="{anna.person_id}" id="present-{anna.person_id}" checked' in body
    assert f'name="shown_present" value="{anna.person_id}"' in body
    assert 'name="mode-' in body  # Bruno, not yet present, at an event with two modes
    assert "Presenti: 2 · Iscrizioni valide: 2" in body


def test_ticks_and_unticks_through_the_form(client, auth, today_event, enrol, staff):
    event, organiser = today_event(), staff()
    anna, bruno = enrol(event, "Anna", "Rossi"), enrol(event, "Bruno", "Verdi")
    services.record_attendance(event, anna.person, anna.mode, AttendanceSource.QR_SCAN, registration=anna)
    db.session.commit()
    auth.login()
    token = csrf_from(client.get(url(event)))
    response = client.post(url(event), data={"csrf_token": token, "present": [str(bruno.person_id)],
                                             "shown_present": [str(anna.person_id)],
                                             f"mode-{bruno.person_id}": "remote"},
                           follow_redirects=True)
    body = text(response)
    assert "Presenze salvate. Aggiunte: 1; tolte: 0." in body
    assert "Anna Rossi resta presente: la presenza risulta anche da Scansione QR." in body
    rows = {a.person_id: a for a in attendances()}
    assert rows[bruno.person_id].source is AttendanceSource.MANUAL
    assert rows[bruno.person_id].mode is AttendanceMode.REMOTE
    assert rows[bruno.person_id].recorded_by_id == organiser.id
    assert rows[anna.person_id].sources == [AttendanceSource.QR_SCAN]
    response = client.post(url(event), data={"csrf_token": token, "shown_present": [str(bruno.person_id)]},
                           follow_redirects=True)
    assert "Presenze salvate. Aggiunte: 0; tolte: 1." in text(response)
    assert [a.person_id for a in attendances()] == [anna.person_id]


def test_a_post_without_csrf_is_refused(client, auth, today_event, enrol):
    event = today_event()
    person_id = enrol(event, "Anna", "Rossi").person_id
    auth.login()
    assert client.post(url(event), data={"present": [str(person_id)]}).status_code == 400
    assert attendances() == []


def test_future_and_cancelled_events_say_why(client, auth, make_event):
    future = make_event()
    auth.login()
    page = client.get(url(future))
    body = text(page)
    assert page.status_code == 200 and "non è ancora iniziato" in body and 'name="present"' not in body
    assert "Segna come svolto" not in body
    response = client.post(url(future), data={"csrf_token": csrf_from(client.get("/"))},
                           follow_redirects=True)
    assert "non è ancora iniziato" in text(response)
    events.cancel_event(future)
    assert "L'evento è annullato" in text(client.get(url(future)))


def add_form(client, event, **fields):
    data = {"csrf_token": csrf_from(client.get(url(event))), "first_name": "Niccolò",
            "last_name": "D'Angelo", "email": "", "organisation": "Comune di Catanzaro",
            "organisation_kind": "comune_capoluogo", "role": "Assistente sociale", "mode": "in_person"}
    data.update(fields)
    return client.post(url(event, "/aggiungi"), data=data)


def test_add_someone_without_an_email(client, auth, today_event):
    event = today_event()
    auth.login()
    response = add_form(client, event)
    assert response.status_code == 302
    assert "Niccolò D'Angelo è ora tra i presenti." in text(client.get(response.headers["Location"]))
    [attendance] = attendances()
    assert attendance.registration_id is None and attendance.source is AttendanceSource.MANUAL
    assert attendance.person.email is None and attendance.organisation.name == "Comune di Catanzaro"
    assert attendance.organisation.kind.is_municipality


@pytest.mark.parametrize("fields, message", [
    (dict(first_name=""), "Campo obbligatorio."),
    (dict(email="niccolo@"), "Indirizzo e-mail non valido."),
    (dict(organisation="Cooperativa L'Approdo", organisation_kind=""), "indica di che tipo è"),
    (dict(mode=""), "Scegli la modalità di partecipazione."),
])
def test_add_refused_keeps_the_input_and_writes_nothing(client, auth, today_event, fields, message):
    event = today_event()
    auth.login()
    response = add_form(client, event, **fields)
    body = text(response)
    assert response.status_code == 422 and message in body
    assert 'value="D\'Angelo"' in body and 'value="Assistente sociale"' in body
    assert attendances() == []
    assert db.session.scalar(db.select(db.func.count(Person.id))) == 0
    assert not db.session.scalar(db.select(Organisation.id).filter_by(name="Cooperativa L'Approdo"))


def test_add_to_a_future_event_is_refused(client, auth, make_event):
    event = make_event()
    auth.login()
    response = add_form(client, event, csrf_token=csrf_from(client.get("/")))
    assert response.status_code == 422 and "non è ancora iniziato" in text(response)
    assert db.session.scalar(db.select(db.func.count(Person.id))) == 0


def test_mark_held_and_undo(client, auth, make_event):
    start = utcnow() - timedelta(hours=1)
    meeting = make_event(starts_at=start, ends_at=start + timedelta(hours=2))  # a draft
    auth.login()
    token = csrf_from(client.get(url(meeting)))
    assert "Svolto" not in text(client.get(f"/gestione/eventi/{meeting.id}"))
    response = client.post(f"/gestione/eventi/{meeting.id}/svolto/segna", data={"csrf_token": token},
                           follow_redirects=True)
    assert "Incontro segnato come svolto." in text(response)
    db.session.expire_all()
    assert db.session.get(Event, meeting.id).held_at is not None
    assert "Svolto" in text(client.get(f"/gestione/eventi/{meeting.id}"))
    response = client.post(f"/gestione/eventi/{meeting.id}/svolto/annulla", data={"csrf_token": token},
                           follow_redirects=True)
    assert "non è più segnato come svolto" in text(response)
    db.session.expire_all()
    assert db.session.get(Event, meeting.id).held_at is None
    assert client.post(f"/gestione/eventi/{meeting.id}/svolto/altro", data={"csrf_token": token}).status_code == 404


def test_mark_held_refused_before_the_start(client, auth, make_event):
    meeting = make_event()
    auth.login()
    response = client.post(f"/gestione/eventi/{meeting.id}/svolto/segna",
                           data={"csrf_token": csrf_from(client.get("/"))}, follow_redirects=True)
    assert "non è ancora iniziato" in text(response)
    db.session.expire_all()
    assert db.session.get(Event, meeting.id).held_at is None


def test_register_page_queries_do_not_grow_with_rows(client, auth, today_event, enrol, staff, count_queries):
    auth.login()

    def queries_for(n):
        event = today_event(title=f"Evento con {n}")
        organiser = staff()
        for i in range(n):
            registration = enrol(event, "Persona", f"Numero {i}", organisation=f"Ente {i}")
            services.record_attendance(event, registration.person, registration.mode,
                                       AttendanceSource.QR_SCAN, registration=registration)
            services.add_unregistered(event, first_name="Ospite", last_name=f"Numero {i}",
                                      mode=AttendanceMode.IN_PERSON, user=organiser,
                                      organisation=registration.person.organisation)
        db.session.commit()
        with count_queries() as counter:
            assert client.get(url(event)).status_code == 200
        return counter.count

    assert queries_for(2) == queries_for(25)
