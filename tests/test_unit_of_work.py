"""The boundary owns the transaction: only fis_events/unit_of_work.py ends one, and what must
be atomic is one unit of work."""
import ast
import pathlib

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


def test_the_event_lock_is_the_first_write_of_a_registration(app_ctx, open_event):
    """Lock first: a new organisation typed in the form is written after the event's lock."""
    from fis_events.programme.services import find_or_create_organisation
    from fis_events.programme.models import OrganisationKind

    event = open_event()
    writes = []

    def record(_conn, _cursor, statement, *_args):
        if statement.split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            writes.append(statement)

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
    assert writes[0].startswith("UPDATE event SET id=event.id"), writes[:2]
    assert any(w.startswith("INSERT INTO organisation") for w in writes[1:])
