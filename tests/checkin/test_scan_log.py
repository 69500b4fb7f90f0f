"""The scan log is append-only: every answer is written once, as it was given, and a replayed
nonce gets exactly that answer back, however the attendance has moved since."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import event as sa_event

from fis_events.checkin import services
from fis_events.checkin.models import Scan
from fis_events.db_types import utcnow
from fis_events.extensions import db
from fis_events.participation.models import Attendance
from fis_events.registration.models import AttendanceMode
from fis_events.registration.qr import qr_payload
from support import csrf_from

UPDATE_OF_SCAN = re.compile(r'^\s*UPDATE\s+"?scan"?\s', re.IGNORECASE)


@pytest.fixture
def scan_updates(app):
    """Every UPDATE statement sent to the database for the scan table while the test runs."""
    with app.app_context():
        engine = db.engine
    seen = []

    def watch(_conn, _cursor, statement, _parameters, _context, _many):
        if UPDATE_OF_SCAN.match(statement):
            seen.append(statement)

    sa_event.listen(engine, "before_cursor_execute", watch)
    yield seen
    sa_event.remove(engine, "before_cursor_execute", watch)


def stored_scans():
    """Every column of every scan row, to compare before and after."""
    db.session.expire_all()
    return {s.id: tuple(getattr(s, c.key) for c in Scan.__table__.columns)
            for s in db.session.scalars(db.select(Scan))}


def sync(client, event, *scans):
    token = csrf_from(client.get("/"))
    response = client.post(f"/api/v1/events/{event.id}/checkin/sync", json={"scans": list(scans)},
                           headers={"X-CSRFToken": token})
    assert response.status_code == 200
    return response.json["results"]


def offline_scan(registration, nonce, at, door):
    return {"payload": qr_payload(registration), "nonce": nonce, "client_time": at.isoformat(),
            "door": door}


def test_no_door_action_updates_a_stored_scan(client, auth, today_event, registered, scan_updates):
    event = today_event()
    first, second = registered(event, 1), registered(event, 2)
    now = utcnow()
    auth.login()
    services.decide_scan(event, qr_payload(first), "online-1", door="Porta 1")
    services.decide_scan(event, qr_payload(first), "online-2", door="Porta 2")
    before = stored_scans()
    # Two doors let the second badge in offline and upload out of order, one of them twice.
    late = offline_scan(second, "door-b", now - timedelta(minutes=1), "Porta B")
    early = offline_scan(second, "door-a", now - timedelta(minutes=5), "Porta A")
    assert [r["result"] for r in sync(client, event, late)] == ["ok"]
    assert [r["result"] for r in sync(client, event, early, late)] == ["entered_earlier", "ok"]
    services.manual_checkin(event, first, "manual-1")
    services.undo_checkin(event, first)
    services.walk_in(event, email="walk@example.org", first_name="Ada", last_name="Bianchi",
                     mode=AttendanceMode.IN_PERSON)
    assert scan_updates == []
    after = stored_scans()
    assert {scan_id: after[scan_id] for scan_id in before} == before
    assert len(after) == len(before) + 5  # door-b, door-a, the manual try, the undo, the walk-in


def test_both_doors_see_the_earliest_entry_after_sync(client, auth, today_event, registered):
    event = today_event()
    registration = registered(event)
    now = utcnow()
    auth.login()
    door_b, = sync(client, event, offline_scan(registration, "door-b", now - timedelta(minutes=1), "Porta B"))
    door_a, = sync(client, event, offline_scan(registration, "door-a", now - timedelta(minutes=5), "Porta A"))
    assert door_b["result"] == "ok"
    # Door A learns that Porta B had already recorded an entry, and that its own one counts.
    assert door_a["result"] == "entered_earlier"
    assert door_a["previous"]["door"] == "Porta B"
    assert door_a["message"].startswith("Vale questo ingresso, il primo")
    # Either door's next list has the earliest time, and a third scan is a repeat of it.
    entry, = client.get(f"/api/v1/events/{event.id}/checkin/offline").json["entries"]
    attendance = db.session.scalars(db.select(Attendance)).one()
    assert entry["checked_in_at"] == attendance.recorded_at.isoformat()
    assert abs(attendance.recorded_at - (now - timedelta(minutes=5))) < timedelta(seconds=1)
    repeat = services.decide_scan(event, qr_payload(registration), "door-c", door="Porta C")
    assert repeat.reason == "already_checked_in" and repeat.summary["previous"]["door"] == "Porta A"


def test_a_replayed_nonce_gets_exactly_the_first_answer(client, auth, today_event, registered):
    event = today_event()
    registration = registered(event)
    now = utcnow()
    auth.login()
    services.decide_scan(event, qr_payload(registration), "door-1", door="Porta 1")
    token = csrf_from(client.get("/"))

    def scan(nonce, door):
        return client.post(f"/api/v1/events/{event.id}/checkin/scan", headers={"X-CSRFToken": token},
                           json={"payload": qr_payload(registration), "nonce": nonce, "door": door}).json

    first = scan("door-2", "Porta 2")
    assert first["result"] == "already_checked_in" and first["previous"]["door"] == "Porta 1"
    # A late offline upload moves the attendance earlier, to another door; then it is undone.
    earlier, = sync(client, event, offline_scan(registration, "door-0", now - timedelta(minutes=30), "Porta 0"))
    assert earlier["result"] == "entered_earlier"
    services.undo_checkin(event, registration)
    again = scan("door-2", "Porta 2")
    assert again == {**first, "replayed": True}
    replayed_sync, = sync(client, event, offline_scan(registration, "door-0", now - timedelta(minutes=30), "Porta 0"))
    assert replayed_sync == {**earlier, "replayed": True}
