"""The boundary owns the transaction: only fis_events/unit_of_work.py ends one, and what must
be atomic is one unit of work."""
import ast
import pathlib

import pytest
import sqlalchemy as sa

from fis_events.extensions import db
from fis_events.registration import services as registrations
from fis_events.registration.models import AttendanceMode
from fis_events.unit_of_work import unit_of_work

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "fis_events"
#: the boundary itself, and the SQLite driver connection whose commit it wraps (not a session)
BOUNDARY = {"unit_of_work.py", "sqlite.py"}


def transaction_ends(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("commit", "rollback")]


def test_only_the_boundary_commits_or_rolls_back():
    found = {str(path.relative_to(PACKAGE)): lines for path in PACKAGE.rglob("*.py")
             if path.name not in BOUNDARY or path.parent != PACKAGE
             for lines in [transaction_ends(path)] if lines}
    assert found == {}


def test_a_registration_holds_no_other_lock_while_it_waits_for_the_event_lock(app_ctx, open_event):
    """Before the event's lock a registration writes only its own new rows (the person and a new
    organisation typed in the form), each an INSERT … ON CONFLICT DO NOTHING, which only a twin
    creating the same row can wait for; the rest of its writes come after the lock."""
    from fis_events.programme.services import find_or_create_organisation
    from fis_events.programme.models import OrganisationKind

    event = open_event()
    writes = []

    def record(_conn, _cursor, statement, *_args):
        if statement.split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            writes.append(" ".join(statement.split()))

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        with unit_of_work():
            registrations.register(
                event, email="anna@example.org", first_name="Anna", last_name="Rossi",
                mode=AttendanceMode.IN_PERSON,
                organisation=lambda: find_or_create_organisation("Comune nuovo",
                                                                 OrganisationKind.ALTRO))
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    lock = next(i for i, w in enumerate(writes) if w.startswith("UPDATE event SET id=event.id"))
    assert [w.split("(")[0] for w in writes[:lock]] == ["INSERT INTO organisation ",
                                                        "INSERT INTO person "]
    assert all("ON CONFLICT" in w and "DO NOTHING" in w for w in writes[:lock])
    assert [w.split("(")[0] for w in writes[lock + 1:]] == ["INSERT INTO registration ",
                                                            "INSERT INTO outbox_message "]


def injected_failure(*_args, **_kwargs):
    raise RuntimeError("a failure injected between two steps of one change")


def test_a_walk_in_failing_before_its_check_in_leaves_nothing(client, auth, today_event,
                                                              monkeypatch):
    """Person, organisation, registration, attendance and scan are one unit of work."""
    from fis_events.checkin import services as checkin
    from fis_events.participation.models import Attendance
    from fis_events.programme.models import Organisation
    from fis_events.registration.models import Person, Registration
    from support import csrf_from

    event = today_event()
    auth.login()
    token = csrf_from(client.get("/"))
    monkeypatch.setattr(checkin, "manual_checkin", injected_failure)
    with pytest.raises(RuntimeError):
        client.post(f"/api/v1/events/{event.id}/checkin/walk-in", headers={"X-CSRFToken": token},
                    json={"first_name": "Ada", "last_name": "Bianchi", "email": "ada@example.org",
                          "mode": "in_person", "organisation": "Cooperativa Nuova"})
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Person.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Attendance.id))) == 0
    assert db.session.scalar(db.select(Organisation.id).filter_by(name="Cooperativa Nuova")) is None


def test_a_cancellation_failing_before_its_promotion_cancels_nothing(client, open_event, enrol,
                                                                     monkeypatch):
    """The cancellation and the promotion it allows are one unit of work: the seat is never
    left empty with someone waiting for it."""
    from fis_events.notify.models import OutboxMessage
    from fis_events.registration.models import RegistrationStatus
    from support import csrf_from

    event = open_event(capacity_in_person=1)
    leaving, waiting = enrol(event, "Anna", "Rossi"), enrol(event, "Bruno", "Verdi")
    messages = db.session.scalar(db.select(db.func.count(OutboxMessage.id)))
    manage = f"/iscrizione/{leaving.manage_token}"
    token = csrf_from(client.get(manage))
    monkeypatch.setattr(registrations, "_promote", injected_failure)
    with pytest.raises(RuntimeError):
        client.post(f"{manage}/annulla", data={"csrf_token": token, "confirmed": "1"})
    db.session.expire_all()
    assert (leaving.status, waiting.status) == (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == messages


def test_each_release_of_the_event_lock_is_logged_with_its_hold(app_ctx, open_event, caplog):
    """How long a change held the event's lock is what bench/registration.py reports and what
    an operator sees when one held it long (a WARNING above LONG_HOLD_MS)."""
    from fis_events.events import locks

    event = open_event()
    with caplog.at_level("DEBUG", logger=locks.log.name):
        with unit_of_work():
            registrations.register(event, email="anna@example.org", first_name="Anna",
                                   last_name="Rossi", mode=AttendanceMode.IN_PERSON)
        with unit_of_work():
            pass  # no lock taken, nothing logged
    releases = [r for r in caplog.records if r.name == locks.log.name]
    assert len(releases) == 1
    assert releases[0].event_ids == [event.id] and releases[0].held_ms >= 0
    assert releases[0].levelname == "DEBUG"


def test_a_change_rolled_back_after_the_lock_logs_its_hold_too(app_ctx, open_event, caplog):
    """The hold ends when the database lets the lock go, by a rollback as by a commit."""
    from fis_events.events import locks

    event = open_event()
    with caplog.at_level("DEBUG", logger=locks.log.name):
        with pytest.raises(RuntimeError), unit_of_work():
            locks.lock_event(event.id)
            raise RuntimeError("refused after the lock")
    releases = [r for r in caplog.records if r.name == locks.log.name]
    assert [r.event_ids for r in releases] == [[event.id]] and releases[0].held_ms >= 0
