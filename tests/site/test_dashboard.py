"""The organisers' dashboard: coming events with seats and waiting lists, today's door, and
what needs doing."""
from datetime import timedelta

from fis_events.accounts.models import User
from fis_events.db_types import utcnow
from fis_events.extensions import db
from fis_events.notify.models import OutboxMessage
from fis_events.participation.models import AttendanceSource, StagedReport
from fis_events.participation.services import record_attendance
from fis_events.registration.models import AttendanceMode
from support import commit_test_work


def held_event(today_event, title):
    start = utcnow() - timedelta(days=3)
    return today_event(title=title, starts_at=start, ends_at=start + timedelta(hours=2),
                       registration_closes_at=start - timedelta(days=1),
                       registration_opens_at=start - timedelta(days=10))


def test_dashboard_shows_the_work(client, auth, open_event, today_event, enrol):
    coming = open_event(title="Evento in arrivo", capacity_in_person=1, offers_remote=False)
    enrol(coming, "Anna", "Bianchi")
    enrol(coming, "Bruno", "Verdi")  # waits: one seat
    coming.capacity_in_person = 3  # seats freed without the waiting list moving
    door = today_event(title="Evento di oggi", offers_remote=False)
    present = enrol(door, "Carla", "Neri")
    enrol(door, "Dario", "Gialli")
    record_attendance(door, present.person, AttendanceMode.IN_PERSON, AttendanceSource.MANUAL,
                      registration=present)
    unrecorded = held_event(today_event, "Evento svolto senza presenze")
    organiser = db.session.scalar(db.select(User).filter_by(email=auth.user()))
    db.session.add(StagedReport(token="t" * 32, event_id=unrecorded.id, uploaded_by_id=organiser.id,
                                filename="zoom.csv", content=b"x", expires_at=utcnow() + timedelta(hours=1)))
    db.session.scalars(db.select(OutboxMessage)).first().status = "failed"
    commit_test_work()
    auth.login()
    page = client.get("/gestione/cruscotto")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Evento in arrivo" in html and "in presenza: 1 / 3" in html and "in presenza: 1</td>" in html
    assert "Posti liberi con persone in lista d" in html and html.count("class=\"free-with-waiting\"") == 1
    assert "1 entrati su 2 attesi in presenza" in html
    assert "1 evento svolto senza presenze registrate" in html and "Evento svolto senza presenze" in html
    assert "1 e-mail non recapitata" in html
    assert "zoom.csv" in html and "Report caricati e non ancora confermati" in html


def test_nothing_to_do(client, auth):
    auth.login()
    html = client.get("/gestione/cruscotto").get_data(as_text=True)
    assert "Niente da fare per ora." in html and "Nessun evento oggi." in html


def queries_for(client, count_queries):
    with count_queries() as counter:
        assert client.get("/gestione/cruscotto").status_code == 200
    return counter.count


def test_dashboard_queries_do_not_grow_with_the_events(client, auth, open_event, today_event, enrol,
                                                       count_queries):
    def some_events(n):
        for i in range(n):
            enrol(open_event(title=f"Prossimo {n}-{i}"), "Anna", f"Prossima{n}{i}")
            enrol(today_event(title=f"Oggi {n}-{i}"), "Bruno", f"Oggi{n}{i}")
            held_event(today_event, f"Svolto {n}-{i}")

    some_events(1)
    auth.login()
    few = queries_for(client, count_queries)
    some_events(6)
    assert queries_for(client, count_queries) == few
