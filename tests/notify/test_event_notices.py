"""A change people must act on reaches them: moving or cancelling an event, cancelling a
registration, being put at the door. Through the organisers' and participants' forms, read at
the real SMTP server, calendar entries parsed with icalendar and vobject."""
from datetime import datetime, timedelta

import icalendar
import pytest
import vobject

from fis_events.events import services as events
from fis_events.events.models import Event
from fis_events.extensions import db
from fis_events.i18n import ROME, long_datetime
from fis_events.notify.models import OutboxMessage
from fis_events.notify.sender import send_due
from fis_events.registration import services
from fis_events.registration.models import AttendanceMode, Registration, RegistrationStatus
from support import commit_test_work, csrf_from, form_values

IN_PERSON, REMOTE = AttendanceMode.IN_PERSON, AttendanceMode.REMOTE
NOTE = "Ci spostiamo di un giorno: la sala è occupata.\nScusate il disagio."


@pytest.fixture(autouse=True)
def _vobject_forgets_our_timezones():
    """vobject keeps, for the whole process, the first VTIMEZONE it reads for a TZID; ours span
    only the years of their events, so a test reading another year afterwards would be misled."""
    known = getattr(vobject.icalendar, "__tzidMap")
    saved = dict(known)
    yield
    known.clear()
    known.update(saved)


def register(event, name, mode=IN_PERSON):
    registration, _outcome = services.register(
        event, email=f"{name}@example.org", first_name=name.title(), last_name="Rossi", mode=mode)
    commit_test_work()
    return registration


def kinds():
    return [m.kind for m in db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id))]


def delivered(app, smtp_server):
    """Deliver the outbox; {address: [messages]} of everything the SMTP server got."""
    commit_test_work()
    send_due(app)
    inbox = {}
    for message in smtp_server.messages:
        inbox.setdefault(message["To"], []).append(message)
    return inbox


def calendar_of(message):
    """The e-mail's calendar entry, parsed twice: (icalendar VEVENT and METHOD, vobject)."""
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    data = part.get_payload(decode=True)
    calendar = icalendar.Calendar.from_ical(data)
    [vevent] = calendar.walk("VEVENT")
    return calendar.get("METHOD"), vevent, vobject.readOne(data.decode())


def check_both(message, method, status):
    """METHOD and STATUS read by both parsers, and the same UID and SEQUENCE; returns them."""
    got_method, vevent, other = calendar_of(message)
    assert got_method == method and other.method.value == method
    assert vevent["STATUS"] == status and other.vevent.status.value == status
    assert other.vevent.uid.value == vevent["UID"]
    assert int(other.vevent.sequence.value) == vevent["SEQUENCE"]
    assert vevent["ORGANIZER"].startswith("mailto:") and vevent["ATTENDEE"] == f"mailto:{message['To']}"
    if method == "REQUEST":
        assert vevent["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"
    return vevent


def text_of(message):
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


@pytest.fixture
def registrants(open_event):
    """Anna confirmed in person, Bruno waiting, Carla confirmed remote, Dario cancelled."""
    event = open_event(title="Laboratorio FIS", capacity_in_person=1, venue="Sala Rossa", city="Roma")
    people = {"anna": register(event, "anna"), "bruno": register(event, "bruno"),
              "carla": register(event, "carla", REMOTE)}
    services.cancel(register(event, "dario"))
    commit_test_work()
    return event, people


def edit_page(client, event):
    return client.get(f"/gestione/eventi/{event.id}/modifica")


def moved(page, hours=24, **overrides):
    """The edit form as a browser posts it back, start and end `hours` later."""
    values = form_values(page, **overrides)
    for name in ("starts_at", "ends_at"):
        values[name] = (datetime.fromisoformat(values[name]) + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")
    return values


# ---- a change of time or place ----------------------------------------------------------------

def test_moving_an_event_asks_first_then_tells_who_is_registered(app, client, auth, registrants,
                                                                   smtp_server):
    event, people = registrants
    first = delivered(app, smtp_server)
    confirmation = check_both(first["anna@example.org"][0], "REQUEST", "CONFIRMED")
    starts_at = event.starts_at
    auth.login()
    page = edit_page(client, event)
    # the first save shows who will be told, and changes nothing yet
    step = client.post(f"/gestione/eventi/{event.id}/modifica", data=moved(page))
    html = step.get_data(as_text=True)
    assert step.status_code == 200
    assert "Riceveranno un'e-mail 3 persone" in html
    assert "2 confermate" in html and "1 in lista d'attesa" in html and "0 invitate" in html
    assert "Anna Rossi" in html and "Bruno Rossi" in html and "Dario Rossi" not in html
    db.session.expire_all()
    assert db.session.get(Event, event.id).starts_at == starts_at
    assert "event_changed" not in kinds()
    # confirmed with a note: saved, and one notice each, in the same transaction
    response = client.post(f"/gestione/eventi/{event.id}/modifica",
                           data=form_values(step, notice_note=NOTE))
    assert response.status_code == 302
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    assert event.starts_at == starts_at + timedelta(days=1) and event.sequence == 1
    assert kinds().count("event_changed") == 3
    # moved again before the sender runs: each notice still shows the change it announced
    events.save_event(event, venue="Sala Blu")
    inbox = delivered(app, smtp_server)

    anna = inbox["anna@example.org"][-2]
    assert anna["Subject"] == "Evento modificato: Laboratorio FIS"
    text = text_of(anna)
    before, after = (long_datetime(when) for when in (starts_at, starts_at + timedelta(days=1)))
    assert f"- Inizio: {after} (prima: {before})" in text
    assert NOTE in text
    assert "Sala Blu" not in text and "Sala Rossa" in text
    assert "Scusate il disagio." in anna.get_body(("html",)).get_content()
    update = check_both(anna, "REQUEST", "CONFIRMED")
    assert update["UID"] == confirmation["UID"]
    assert update["SEQUENCE"] == confirmation["SEQUENCE"] + 1
    assert update.DTSTART == (starts_at + timedelta(days=1)).astimezone(ROME)
    assert "Sala Rossa" in update["LOCATION"]
    later = check_both(inbox["anna@example.org"][-1], "REQUEST", "CONFIRMED")
    assert later["SEQUENCE"] == update["SEQUENCE"] + 1 and "Sala Blu" in later["LOCATION"]

    carla = inbox["carla@example.org"][-2]
    assert "https://meet.jit.si/fis-prova" in check_both(carla, "REQUEST", "CONFIRMED")["DESCRIPTION"]
    bruno = inbox["bruno@example.org"][-2]
    assert "lista d'attesa" in text_of(bruno)
    assert not [p for p in bruno.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert "dario@example.org" not in {to for to, got in inbox.items() if len(got) > 2}


def test_a_typo_in_the_description_tells_nobody(app, client, auth, registrants):
    event, _people = registrants
    auth.login()
    page = edit_page(client, event)
    response = client.post(f"/gestione/eventi/{event.id}/modifica",
                           data=form_values(page, description="Descrizione corretta", title="Laboratorio FIS 2026",
                                            capacity_in_person="5"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Event, event.id).sequence == 0
    assert "event_changed" not in kinds()


def test_a_new_meeting_link_tells_only_remote_registrants(app, registrants):
    event, people = registrants
    assert events.notice_audience(event, {"remote_url": ["a", "b"]}) == {
        "confirmed": ["Carla Rossi"], "waiting": [], "invited": []}
    events.save_event(event, remote_url="https://meet.jit.si/nuovo")
    commit_test_work()
    notices = db.session.scalars(db.select(OutboxMessage).filter_by(kind="event_changed")).all()
    assert [n.to_address for n in notices] == ["carla@example.org"]
    assert notices[0].context["event"]["remote_url"] == "https://meet.jit.si/nuovo"


def test_a_changed_start_seen_before_saving_is_asked_again(app, client, auth, registrants):
    """The confirmation is for the change shown: a different one is shown again."""
    event, _people = registrants
    auth.login()
    step = client.post(f"/gestione/eventi/{event.id}/modifica", data=moved(edit_page(client, event)))
    again = client.post(f"/gestione/eventi/{event.id}/modifica", data=moved(step, hours=1))
    assert again.status_code == 200 and "Salva e avvisa" in again.get_data(as_text=True)
    assert "event_changed" not in kinds()


# ---- cancelling the event ---------------------------------------------------------------------

def test_cancelling_tells_confirmed_waiting_and_invited(app, client, auth, registrants, smtp_server):
    event, people = registrants
    services.invite(event, ["elena@example.org", "anna@example.org"])
    first = delivered(app, smtp_server)
    confirmation = check_both(first["anna@example.org"][0], "REQUEST", "CONFIRMED")
    auth.login()
    page = client.get(f"/gestione/eventi/{event.id}/annulla")
    html = page.get_data(as_text=True)
    assert "Riceveranno un'e-mail 4 persone" in html and "1 invitata" in html
    assert "elena@example.org" in html
    response = client.post(f"/gestione/eventi/{event.id}/annulla",
                           data=form_values(page, notice_note="Rinviato a gennaio."))
    assert response.status_code == 302
    inbox = delivered(app, smtp_server)
    for address in ("anna@example.org", "bruno@example.org", "carla@example.org", "elena@example.org"):
        notice = inbox[address][-1]
        assert notice["Subject"] == "Evento annullato: Laboratorio FIS"
        assert "Rinviato a gennaio." in text_of(notice)
        assert "cambiare modalità o annullare" not in text_of(notice)
        cancel = check_both(notice, "CANCEL", "CANCELLED")
        assert cancel["UID"] == confirmation["UID"]
        assert cancel["SEQUENCE"] > confirmation["SEQUENCE"]
    told = [m["To"] for m in smtp_server.messages if m["Subject"].startswith("Evento annullato")]
    assert sorted(told) == ["anna@example.org", "bruno@example.org", "carla@example.org",
                            "elena@example.org"]  # invited and registered: told once; Dario not

    # what the people see afterwards says "evento annullato"
    client.get("/")
    manage = client.get(f"/iscrizione/{people['bruno'].manage_token}").get_data(as_text=True)
    assert "L'evento è stato annullato." in manage and "posizione" not in manage
    join = client.get(f"/j/{people['carla'].join_token}").get_data(as_text=True)
    assert "Evento annullato." in join
    form = client.get(f"/eventi/{event.id}/iscrizione").get_data(as_text=True)
    assert "Evento annullato" in form


def test_cancelling_twice_is_refused_and_tells_nobody_again(app, client, auth, registrants):
    event, _people = registrants
    auth.login()
    page = client.get(f"/gestione/eventi/{event.id}/annulla")
    client.post(f"/gestione/eventi/{event.id}/annulla", data=form_values(page))
    again = client.post(f"/gestione/eventi/{event.id}/annulla", data={"csrf_token": csrf_from(page)},
                        follow_redirects=True)
    assert "L&#39;evento è già annullato." in again.get_data(as_text=True)
    assert kinds().count("event_cancelled") == 3


# ---- cancelling a registration ----------------------------------------------------------------

def test_a_cancelled_registration_leaves_the_calendar(app, client, open_event, smtp_server):
    event = open_event(title="Laboratorio FIS")
    anna = register(event, "anna")
    confirmation = check_both(delivered(app, smtp_server)["anna@example.org"][0], "REQUEST", "CONFIRMED")
    manage = client.get(f"/iscrizione/{anna.manage_token}")
    assert client.post(f"/iscrizione/{anna.manage_token}/annulla",
                       data={"csrf_token": csrf_from(manage), "confirmed": "1"}).status_code == 302
    cancel = check_both(delivered(app, smtp_server)["anna@example.org"][-1], "CANCEL", "CANCELLED")
    assert cancel["UID"] == confirmation["UID"]
    assert cancel["SEQUENCE"] == confirmation["SEQUENCE"] + 1
    own = client.get(f"/iscrizione/{anna.manage_token}/calendario.ics").data
    assert icalendar.Calendar.from_ical(own).walk("VEVENT")[0]["STATUS"] == "CANCELLED"
    assert vobject.readOne(own.decode()).vevent.status.value == "CANCELLED"
    # registering again puts it back, as a newer revision than the cancellation
    register(event, "anna")
    again = check_both(delivered(app, smtp_server)["anna@example.org"][-1], "REQUEST", "CONFIRMED")
    assert again["SEQUENCE"] == cancel["SEQUENCE"] + 1


# ---- door staff ---------------------------------------------------------------------------------

def test_door_staff_are_told_of_their_assignment(app, client, auth, open_event, smtp_server):
    event = open_event(title="Laboratorio FIS")
    email = auth.user("door_staff", "porta@example.org")
    auth.login()
    page = client.get(f"/gestione/eventi/{event.id}/ingresso")
    from fis_events.accounts.models import User
    user_id = db.session.scalar(db.select(User.id).filter_by(email=email))
    assert client.post(f"/gestione/eventi/{event.id}/ingresso",
                       data=form_values(page, user=str(user_id))).status_code == 302
    [message] = delivered(app, smtp_server)["porta@example.org"]
    assert message["Subject"] == "Sei all'ingresso di: Laboratorio FIS"
    assert f"/ingresso/eventi/{event.id}" in text_of(message)
    assert f"/ingresso/eventi/{event.id}" in message.get_body(("html",)).get_content()
