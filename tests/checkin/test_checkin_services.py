"""The scan decision, through the one service function every entry point uses."""
import secrets
from datetime import timedelta

import pytest

from fis_events.checkin import services
from fis_events.checkin.models import Scan
from fis_events.db_types import utcnow
from fis_events.errors import DomainError
from fis_events.extensions import db
from fis_events.participation.models import Attendance, AttendanceSource
from fis_events.participation.services import record_attendance
from fis_events.registration import services as registrations
from fis_events.registration.models import AttendanceMode
from fis_events.registration.qr import qr_payload


def scan(event, payload, **kwargs):
    return services.decide_scan(event, payload, kwargs.pop("nonce", secrets.token_hex(8)), **kwargs)


def test_ok_then_already_checked_in(today_event, registered):
    event = today_event()
    registration = registered(event)
    first = scan(event, qr_payload(registration), door="Porta 2")
    assert first.reason == "ok"
    assert db.session.scalars(db.select(Attendance.source)).one().value == "qr_scan"
    again = scan(event, qr_payload(registration), door="Porta 1")
    assert again.reason == "already_checked_in"
    assert again.summary["previous"]["door"] == "Porta 2"
    assert db.session.scalar(db.select(db.func.count(Attendance.id))) == 1
    assert [s.result for s in db.session.scalars(db.select(Scan).order_by(Scan.id))] == \
        ["ok", "already_checked_in"]


@pytest.mark.parametrize("payload", ["", "https://example.org", "FISEV1:", "FISEV1:short",
                                     "FISEV1:" + "x" * 31 + "!", "FISEV2:" + "a" * 32])
def test_not_our_codes(today_event, payload):
    assert scan(today_event(), payload).reason == "invalid_format"


def test_unknown_code(today_event):
    assert scan(today_event(), "FISEV1:" + "A" * 32).reason == "unknown"


def test_other_event_names_the_event(today_event, registered):
    here, there = today_event(title="Qui"), today_event(title="Altrove")
    outcome = scan(here, qr_payload(registered(there)))
    assert outcome.reason == "other_event" and outcome.summary["other_event"]["title"] == "Altrove"


def test_cancelled_and_waiting(today_event, registered):
    event = today_event(capacity_in_person=1)
    registered(event, 1)
    waiting = registered(event, 2)
    assert scan(event, qr_payload(waiting)).reason == "waiting_list"
    cancelled = registered(event, 3)
    registrations.cancel(cancelled)
    assert scan(event, qr_payload(cancelled)).reason == "cancelled"


def test_not_today(open_event, registered):
    event = open_event()  # tomorrow
    assert scan(event, qr_payload(registered(event))).reason == "not_today"


def test_repeated_nonce_gives_the_same_answer_and_no_second_row(today_event, registered):
    event = today_event()
    registration = registered(event)
    first = scan(event, qr_payload(registration), nonce="n-1")
    again = scan(event, qr_payload(registration), nonce="n-1")
    assert (first.reason, again.reason, again.replayed) == ("ok", "ok", True)
    assert db.session.scalar(db.select(db.func.count(Scan.id))) == 1
    with pytest.raises(DomainError):
        scan(event, qr_payload(registration), nonce="")


def test_a_retried_nonce_writes_nothing_even_when_the_answer_would_change(today_event, registered):
    event = today_event()
    registration = registered(event)
    scan(event, qr_payload(registration), nonce="n-1")
    services.undo_checkin(event, registration)
    again = scan(event, qr_payload(registration), nonce="n-1")
    assert (again.reason, again.replayed) == ("ok", True)
    assert db.session.scalar(db.select(db.func.count(Attendance.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Scan.id))) == 2  # the first scan and the undo


def test_a_scan_adds_its_evidence_to_an_attendance_from_another_source(today_event, registered):
    event = today_event()
    registration = registered(event)
    record_attendance(event, registration.person, registration.mode, AttendanceSource.MANUAL,
                      registration=registration, device="Segreteria")
    db.session.commit()
    for door in ("Porta 1", "Porta 2"):
        outcome = scan(event, qr_payload(registration), door=door)
        assert outcome.reason == "already_checked_in"
        assert outcome.summary["previous"]["door"] == "Segreteria"
    attendance = db.session.scalars(db.select(Attendance)).one()
    assert sorted(s.value for s in attendance.sources) == ["manual", "qr_scan"]


def test_undo_is_logged_and_allows_a_new_check_in(today_event, registered):
    event = today_event()
    registration = registered(event)
    scan(event, qr_payload(registration))
    services.undo_checkin(event, registration)
    assert db.session.scalar(db.select(db.func.count(Attendance.id))) == 0
    assert scan(event, qr_payload(registration)).reason == "ok"
    assert "undo" in db.session.scalars(db.select(Scan.result)).all()
    services.undo_checkin(event, registration)
    with pytest.raises(DomainError):
        services.undo_checkin(event, registration)


def test_manual_check_in_follows_the_same_rules(today_event, registered):
    event = today_event()
    registration = registered(event)
    assert services.manual_checkin(event, registration, "m-1").reason == "ok"
    assert services.manual_checkin(event, registration, "m-2").reason == "already_checked_in"
    other = registered(today_event(title="Altro"), 2)
    with pytest.raises(DomainError):
        services.manual_checkin(event, other, "m-3")


def test_walk_in_respects_capacity_unless_an_organiser_overrides(today_event, registered):
    event = today_event(capacity_in_person=1)
    registered(event, 1)
    with pytest.raises(DomainError):
        services.walk_in(event, email="walk@example.org", first_name="Ada", last_name="Bianchi",
                         mode=AttendanceMode.IN_PERSON)
    registration, outcome = services.walk_in(
        event, email="walk@example.org", first_name="Ada", last_name="Bianchi",
        mode=AttendanceMode.IN_PERSON, override=True)
    assert outcome.reason == "ok" and registration.is_confirmed
    assert event.capacity_in_person == 2


def test_walk_in_with_free_seats(today_event):
    event = today_event()
    registration, outcome = services.walk_in(event, email="w@example.org", first_name="Zoe",
                                             last_name="Neri", mode=AttendanceMode.IN_PERSON)
    assert outcome.reason == "ok" and registration.source == "walk_in"


def test_offline_scans_the_earliest_wins(today_event, registered):
    event = today_event()
    registration = registered(event)
    now = utcnow()
    door_b = scan(event, qr_payload(registration), client_time=now - timedelta(minutes=1),
                  offline=True, door="Porta B")
    door_a = scan(event, qr_payload(registration), client_time=now - timedelta(minutes=5),
                  offline=True, door="Porta A")
    assert (door_b.reason, door_a.reason) == ("ok", "entered_earlier")
    assert door_a.summary["previous"]["door"] == "Porta B"
    # The scans stay as they were answered; the attendance moves to the earliest one.
    results = dict(db.session.execute(db.select(Scan.door, Scan.result)).all())
    assert results == {"Porta B": "ok", "Porta A": "entered_earlier"}
    attendance = db.session.scalars(db.select(Attendance)).one()
    assert attendance.device == "Porta A"
    assert abs(attendance.recorded_at - (now - timedelta(minutes=5))) < timedelta(seconds=1)
    assert [e.recorded_at for e in attendance.evidence] == [attendance.recorded_at]


def test_search_is_prefix_and_accent_insensitive(today_event, registered):
    event = today_event()
    registration = registered(event)
    for text in ("nicco", "NICCOLÒ", "d'ang", "dang", "badge1@"):
        assert services.search(event, text) == [registration], text
    assert services.search(event, "colò") == [] and services.search(event, "n") == []


def test_counts(today_event, registered):
    event = today_event()
    people = [registered(event, n) for n in range(3)]
    registered(event, 9, mode=AttendanceMode.REMOTE)
    scan(event, qr_payload(people[0]))
    assert services.counts(event.id) == {"in_person": {"checked_in": 1, "expected": 3},
                                      "remote": {"checked_in": 0, "expected": 1}}


def test_offline_data_has_keyed_hashes_not_tokens(today_event, registered):
    event = today_event()
    registration = registered(event)
    data = services.offline_data(event)
    entry, = data["entries"]
    assert registration.qr_token not in str(data)
    assert entry["h"] == services.token_hash(data["key"], registration.qr_token)
    assert entry["name"] == "Niccolò D'Angelo 1" and entry["checked_in_at"] is None


def test_device_pairing_and_revocation(today_event, app):
    event = today_event()
    code = services.create_pairing(event)
    device, secret = services.pair_device(code, "Porta 2")
    assert services.device_for(event, f"{device.id}.{secret}") == device
    assert services.device_for(event, f"{device.id}.sbagliato") is None
    assert services.device_for(today_event(title="Altro"), f"{device.id}.{secret}") is None
    services.revoke_device(device)
    assert services.device_for(event, f"{device.id}.{secret}") is None
    with pytest.raises(DomainError):
        services.pair_device(code, "", )
    with pytest.raises(DomainError):
        services.pair_device(code, "Porta 3", now=utcnow() + timedelta(minutes=20))


def test_a_devices_last_use_moves_in_steps_of_a_minute(today_event, registered, count_queries):
    """The organisers' list shows when each phone was last used; scans a few seconds apart do
    not each rewrite the device row."""
    event = today_event()
    device, _secret = services.pair_device(services.create_pairing(event), "Porta 2")
    first, second, third = (registered(event, n) for n in (1, 2, 3))
    began = utcnow()
    services.decide_scan(event, qr_payload(first), "n1", device=device, now=began)
    assert device.last_used_at == began
    with count_queries() as soon:
        services.decide_scan(event, qr_payload(second), "n2", device=device, now=began + timedelta(seconds=30))
    assert device.last_used_at == began
    assert not any(statement.lstrip().upper().startswith("UPDATE") for statement in soon.statements)
    later = began + timedelta(minutes=1)
    services.decide_scan(event, qr_payload(third), "n3", device=device, now=later)
    assert device.last_used_at == later
