"""Who the log names: the logged-in user, the paired door phone, the command line, or a
participant on their own link; and what besides the organisers' forms is logged (logging in and
out, personal data leaving the system), or deliberately not (door scans, public registration)."""
import re
from datetime import timedelta

from fis_events.audit_record import ActorKind
from fis_events.checkin import services as checkin
from fis_events.db_types import utcnow
from fis_events.events import services as events
from fis_events.events.models import EventKind
from fis_events.extensions import db
from fis_events.participation import services as participation
from fis_events.registration import services as registrations
from fis_events.registration.models import AttendanceMode, Person
from fis_events.registration.qr import qr_payload
from support import PASSWORD, csrf_from

from .conftest import user_named


def actors(entries):
    return [(entry.action, entry.actor_kind, entry.actor_user_id, entry.actor_device_id)
            for entry in entries]


def test_the_organiser_logged_in_is_the_actor(client, auth, today_event, enrol, log):
    registration = enrol(today_event(), "Anna", "Rossi")
    auth.login("organiser")
    organiser = user_named(auth.user("organiser"))
    before = log()[-1].id
    client.post(f"/gestione/iscrizioni/{registration.id}/annulla",
                data={"csrf_token": csrf_from(client.get("/"))})
    auth.logout()
    assert actors(log(after=before)) == [
        ("registration.cancelled", ActorKind.USER, organiser.id, None),
        ("account.logout", ActorKind.USER, organiser.id, None)]


def test_logging_in_is_logged_and_a_wrong_password_is_not(client, auth, log):
    email = auth.user("organiser")
    before = log()[-1].id
    token = csrf_from(client.get("/accesso"))
    client.post("/accesso", data={"email": email, "password": "sbagliata-sbagliata", "csrf_token": token})
    assert log(after=before) == []
    client.post("/accesso", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert actors(log(after=before)) == [("account.login", ActorKind.USER, user_named(email).id, None)]


def scanner_token(client, event):
    page = client.get(f"/ingresso/eventi/{event.id}").get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)


def door(client, event, action, payload, token):
    return client.post(f"/api/v1/events/{event.id}/checkin/{action}", json=payload,
                       headers={"X-CSRFToken": token})


def test_a_paired_phone_is_the_actor_and_scans_are_not_logged(client, today_event, enrol, log):
    event = today_event()
    anna, bruno = enrol(event, "Anna", "Rossi"), enrol(event, "Bruno", "Verdi")
    code = checkin.create_pairing(event)
    before = log()[-1].id
    page = client.get(f"/ingresso/abbina/{code}")
    client.post(f"/ingresso/abbina/{code}", data={"csrf_token": csrf_from(page), "name": "Porta 3"})
    [device] = [d for d, _scans in checkin.devices_of(event)]
    token = scanner_token(client, event)
    assert door(client, event, "scan", {"payload": qr_payload(bruno), "nonce": "s1"}, token).json["result"] == "ok"
    assert door(client, event, "manual", {"registration_id": anna.id, "nonce": "m1"}, token).json["result"] == "ok"
    assert door(client, event, "undo", {"registration_id": anna.id}, token).status_code == 200
    assert actors(log(after=before)) == [
        ("checkin.device_paired", ActorKind.DEVICE, None, device.id),
        ("checkin.manual", ActorKind.DEVICE, None, device.id),
        ("checkin.undone", ActorKind.DEVICE, None, device.id)]


def test_a_manual_check_in_that_lets_nobody_in_is_not_logged(client, auth, today_event, enrol, log):
    """Already in, or on the waiting list: the scan row keeps the attempt, the log no change."""
    event = today_event(capacity_in_person=1)
    anna, waiting = enrol(event, "Anna", "Rossi"), enrol(event, "Carla", "Neri")
    checkin.manual_checkin(event, anna, "first")
    staff = user_named(auth.user("door_staff"))
    checkin.assign_staff(event, staff)
    auth.login("door_staff")
    before = log()[-1].id
    token = csrf_from(client.get("/"))
    assert door(client, event, "manual", {"registration_id": anna.id, "nonce": "again"},
                token).json["result"] == "already_checked_in"
    assert door(client, event, "manual", {"registration_id": waiting.id, "nonce": "w"},
                token).json["result"] == "waiting_list"
    assert log(after=before) == []
    assert door(client, event, "undo", {"registration_id": anna.id}, token).status_code == 200
    assert actors(log(after=before)) == [("checkin.undone", ActorKind.USER, staff.id, None)]


def test_a_service_told_who_acts_names_them_outside_a_request(app, auth):
    """The attendance register's service takes the organiser: the CLI or a script calling it is
    logged as them, not as the command line."""
    organiser_email = auth.user("organiser")
    with app.app_context():
        start = utcnow() - timedelta(hours=1)
        event = events.create_event(title="Tavolo di lavoro", kind=EventKind.SUPPORT_MEETING,
                                    starts_at=start, ends_at=start + timedelta(hours=2),
                                    offers_in_person=True)
        organiser = user_named(organiser_email)
        participation.add_unregistered(event, first_name="Anna", last_name="Rossi",
                                       mode=AttendanceMode.IN_PERSON, user=organiser)
        entries = {entry.action: entry for entry in log_entries()}
        assert entries["event.created"].actor_kind is ActorKind.COMMAND_LINE
        assert (entries["attendance.added"].actor_kind,
                entries["attendance.added"].actor_user_id) == (ActorKind.USER, organiser.id)


def log_entries():
    from fis_events.audit_record import AuditEntry

    return db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id)).all()


def test_the_command_line_is_the_actor_outside_a_request(app, runner):
    """No request context: the commands are logged as "riga di comando"."""
    result = runner.invoke(args=["users", "create", "--email", "admin2@example.org", "--name",
                                 "Seconda Admin", "--role", "admin", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    with app.app_context():
        db.session.add(Person(email="ottavia@example.net", first_name="Ottavia",
                              last_name="Quintavalle"))
        db.session.commit()
    for args in (["people", "erase", "ottavia@example.net"], ["people", "purge-expired", "--dry-run"],
                 ["people", "purge-expired"], ["results", "refresh"],
                 ["users", "disable", "--email", "admin2@example.org"]):
        assert runner.invoke(args=args).exit_code == 0
    with app.app_context():
        entries = log_entries()
        assert [entry.action for entry in entries] == [
            "account.created", "person.erased", "people.purged", "results.recounted",
            "account.disabled"]
        assert {entry.actor_kind for entry in entries} == {ActorKind.COMMAND_LINE}
        assert entries[-3].details == {"count": 0, "invitations": 0, "messages": 0}


def test_a_participant_on_their_own_link(client, open_event, log):
    """Registering online is not logged (nor is it staff work); cancelling or switching through
    the personal link is, as "partecipante"."""
    event = open_event()
    before = log()[-1].id
    page = client.get(f"/eventi/{event.id}/iscrizione")
    client.post(f"/eventi/{event.id}/iscrizione", data={
        "csrf_token": csrf_from(page), "first_name": "Anna", "last_name": "Rossi",
        "email": "anna@example.org", "organisation": "Comune di Bergamo",
        "organisation_kind": "comune_capoluogo", "mode": "in_person", "privacy_notice": "y"})
    [registration] = registrations.registrations_of(event)
    assert log(after=before) == []
    manage = f"/iscrizione/{registration.manage_token}"
    client.post(f"{manage}/modalita", data={"csrf_token": csrf_from(client.get(manage)), "mode": "remote"})
    client.post(f"{manage}/annulla", data={"csrf_token": csrf_from(client.get(f"{manage}/annulla")),
                                           "confirmed": "1"})
    assert actors(log(after=before)) == [
        ("registration.mode_switched", ActorKind.PARTICIPANT, None, None),
        ("registration.cancelled", ActorKind.PARTICIPANT, None, None)]


def test_personal_data_leaving_the_system_is_logged(client, auth, today_event, enrol, log):
    event = today_event()
    anna = enrol(event, "Anna", "Rossi")
    enrol(event, "Bruno", "Verdi")
    participation.record_attendance(event, anna.person, anna.mode, "qr_scan", registration=anna)
    db.session.commit()
    auth.login("organiser")
    before = log()[-1].id
    for url in (f"/gestione/eventi/{event.id}/iscritti.csv", f"/gestione/eventi/{event.id}/iscritti.xlsx",
                f"/gestione/eventi/{event.id}/badge.pdf?formato=a4",
                f"/gestione/eventi/{event.id}/attestati.pdf",
                "/gestione/risultati/partecipanti.csv", "/gestione/risultati/eventi.csv",
                f"/gestione/iscrizioni/{anna.id}/badge.pdf"):
        assert client.get(url).status_code == 200, url
    entries = log(after=before)
    assert [(entry.action, entry.event_id, entry.details) for entry in entries] == [
        ("registrations.exported", event.id, {"format": "csv", "count": 2}),
        ("registrations.exported", event.id, {"format": "xlsx", "count": 2}),
        ("badges.downloaded", event.id, {"format": "a4", "count": 2}),
        ("certificates.downloaded", event.id, {"count": 1}),
        ("results.exported", None, {"format": "csv", "count": 1})]
    organiser = user_named(auth.user("organiser"))
    assert {entry.actor_user_id for entry in entries} == {organiser.id}
