"""Matching a parsed report against an event's registrations, and recording the attendance."""
from datetime import timedelta

import pytest

from support import PASSWORD, commit_test_work
from fis_events.accounts.models import Role
from fis_events.accounts.services import create_user
from fis_events.db_types import utcnow
from fis_events.events import services as events
from fis_events.extensions import db
from fis_events.i18n import ROME
from fis_events.participation.models import Attendance, AttendanceSource
from fis_events.participation.report import ReportError, apply, parse_report, preview
from fis_events.participation.services import record_attendance
from fis_events.registration import services as registration
from fis_events.registration.models import AttendanceMode

REMOTE, IN_PERSON = AttendanceMode.REMOTE, AttendanceMode.IN_PERSON


def register(event, email, first, last, mode=REMOTE):
    reg, _ = registration.register(event, email=email, first_name=first, last_name=last, mode=mode)
    return reg


def at(event, minutes):
    """A report time, as Zoom writes it (Rome wall clock), `minutes` after the event's start."""
    return (event.starts_at + timedelta(minutes=minutes)).astimezone(ROME).strftime("%d/%m/%Y %H:%M:%S")


def zoom_report(event, rows, extra=""):
    lines = ["Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest"]
    lines += [f"{name},{email},{at(event, start)},{at(event, start + 30)},30,No" for name, email, start in rows]
    return parse_report(("\n".join(lines) + "\n" + extra).encode("utf-8-sig"))


@pytest.fixture
def scene(open_event):
    """An event with remote and in-person registrations, an attendance already taken at the door,
    a person known from another event, and a report naming them all plus a stranger."""
    event = open_event()
    other = open_event(title="Un altro evento")
    people = {
        "remote": register(event, "Niccolo.DAngelo@Comune.Esempio.it", "Niccolò", "D'Angelo"),
        "in_person": register(event, "anna.rossi@example.org", "Anna", "Rossi", IN_PERSON),
        "at_door": register(event, "paolo.ferri@example.org", "Paolo", "Ferri", IN_PERSON),
        "known": register(other, "giulia.romano@example.org", "Giulia", "Romano"),
    }
    door = people["at_door"]
    record_attendance(event, door.person, IN_PERSON, AttendanceSource.QR_SCAN, registration=door)
    db.session.commit()
    report = zoom_report(event, [
        ("Niccolò D'Angelo", "niccolo.dangelo@comune.esempio.it", 2),
        ("Anna Rossi", "ANNA.ROSSI@example.org", 5),
        ("Paolo Ferri", "paolo.ferri@example.org", 1),
        ("Giulia Romano", "giulia.romano@example.org", 3),
        ("Sconosciuto", "chi.sei@example.org", 4),
        ("Niccolò D'Angelo", "niccolo.dangelo@comune.esempio.it", 50),
    ], extra="Senza Indirizzo,,01/01/2023 10:00:00,,5,Yes\n")
    user = create_user("organizzatore@example.org", "Organizzatrice", PASSWORD, Role.ORGANISER)
    return event, people, report, user


def attendances(event):
    db.session.expire_all()
    return db.session.scalars(db.select(Attendance).where(Attendance.event_id == event.id)
                              .order_by(Attendance.id)).all()


def test_preview_sorts_the_report_and_writes_nothing(scene):
    event, people, report, _ = scene
    plan = preview(event, report)
    assert [(m.row.email, m.registered_remote) for m in plan.matched] == [
        ("niccolo.dangelo@comune.esempio.it", True), ("anna.rossi@example.org", False)]
    assert plan.matched[0].registration.id == people["remote"].id
    assert [m.row.email for m in plan.already] == ["paolo.ferri@example.org"]
    assert plan.already[0].attendance.source is AttendanceSource.QR_SCAN
    assert [(m.row.email, m.registration) for m in plan.known] == [("giulia.romano@example.org", None)]
    assert [row.email for row in plan.unmatched] == ["chi.sei@example.org"]
    assert [(bad.line, bad.reason) for bad in plan.malformed] == [(8, "e-mail mancante")]
    assert plan.outside_event == 0
    assert len(attendances(event)) == 1  # only the door scan


def test_apply_records_remote_attendance_from_the_report(scene):
    event, people, report, user = scene
    result = apply(event, report, user)
    assert (result.created, result.already, result.known_skipped, result.known_created,
            result.unmatched, result.malformed) == (2, 1, 1, 0, 1, 1)
    new = [a for a in attendances(event) if a.source is AttendanceSource.PLATFORM_REPORT]
    assert [a.registration_id for a in new] == [people["remote"].id, people["in_person"].id]
    for attendance in new:
        assert attendance.mode is REMOTE
        assert attendance.device == "zoom report"
        assert attendance.recorded_by_id == user.id
    # the attendance time is the first join in the report
    assert new[0].recorded_at == event.starts_at + timedelta(minutes=2)
    door = next(a for a in attendances(event) if a.source is AttendanceSource.QR_SCAN)
    assert door.mode is IN_PERSON  # the door scan is left as it was


def test_importing_the_same_report_twice_adds_nothing(scene):
    event, _, report, user = scene
    apply(event, report, user)
    before = [(a.id, a.recorded_at) for a in attendances(event)]
    again = apply(event, report, user)
    assert (again.created, again.already) == (0, 3)
    assert [(a.id, a.recorded_at) for a in attendances(event)] == before


def test_known_people_are_recorded_only_when_asked(scene):
    event, people, report, user = scene
    result = apply(event, report, user, include_known=True)
    assert (result.created, result.known_created, result.known_skipped) == (2, 1, 0)
    giulia = next(a for a in attendances(event) if a.person_id == people["known"].person_id)
    assert giulia.registration_id is None
    assert giulia.source is AttendanceSource.PLATFORM_REPORT


def test_join_times_far_from_the_event_are_not_used_as_the_attendance_time(open_event):
    event = open_event()
    reg = register(event, "mario.rossi@example.org", "Mario", "Rossi")
    report = zoom_report(event, [("Mario Rossi", "mario.rossi@example.org", 60 * 24 * 30)])
    plan = preview(event, report)
    assert plan.outside_event == 1
    before = utcnow()
    apply(event, report)
    [attendance] = attendances(event)
    assert attendance.registration_id == reg.id
    assert attendance.recorded_by_id is None
    assert before - timedelta(seconds=1) <= attendance.recorded_at <= utcnow()


def test_cancelled_event_takes_no_report(open_event):
    event = open_event()
    register(event, "mario.rossi@example.org", "Mario", "Rossi")
    report = zoom_report(event, [("Mario Rossi", "mario.rossi@example.org", 0)])
    events.cancel_event(event)
    with pytest.raises(ReportError, match="annullato"):
        preview(event, report)
    with pytest.raises(ReportError):
        apply(event, report)
    assert attendances(event) == []


def test_waiting_and_cancelled_registrations_still_match(open_event):
    event = open_event(capacity_remote=1)
    register(event, "primo@example.org", "Primo", "Iscritto")
    waiting = register(event, "secondo@example.org", "Seconda", "Iscritta")
    cancelled = register(event, "terzo@example.org", "Terzo", "Iscritto", IN_PERSON)
    registration.cancel(cancelled)
    report = zoom_report(event, [("Seconda", "secondo@example.org", 0), ("Terzo", "terzo@example.org", 0)])
    plan = preview(event, report)
    assert [m.registration.id for m in plan.matched] == [waiting.id, cancelled.id]
    assert [m.registration.status.value for m in plan.matched] == ["waiting", "cancelled"]


def test_preview_queries_do_not_grow_with_the_report(open_event, count_queries):
    event = open_event()
    for n in range(3):
        register(event, f"p{n}@example.org", "Persona", f"{n}")
    small = zoom_report(event, [("P", "p0@example.org", 0), ("X", "x0@example.org", 0)])
    large = zoom_report(event, [("P", f"p{n}@example.org", n) for n in range(3)]
                        + [("X", f"x{n}@example.org", n) for n in range(300)])
    commit_test_work()
    with count_queries() as few:
        preview(event, small)
    commit_test_work()
    with count_queries() as many:
        preview(event, large)
    assert many.count == few.count
