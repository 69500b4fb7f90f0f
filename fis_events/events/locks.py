"""The event's lock: what every change that takes or frees a seat holds while it decides."""
import functools
import logging
import time

from sqlalchemy import Engine, bindparam, event, inspect, update
from sqlalchemy.orm import Session

from ..extensions import db
from ..unit_of_work import created_here
from .models import Event

_HELD = "fis_locked_events"
_TAKEN_AT = "fis_lock_taken_at"
_RELEASED_AT = "fis_lock_released_at"
_LOCKING = "fis_takes_event_lock"
#: every release at DEBUG (what bench/registration.py reads), a long hold as a WARNING: every
#: registration for that event waited for it
log = logging.getLogger(__name__)
LONG_HOLD_MS = 250


def lock_event(event_id, keep=()):
    """Take the event's lock for the rest of the transaction and return the event as it is now;
    the boundary's commit or rollback gives the lock back. A no-op UPDATE of the event's row
    that reads the row back (RETURNING): the row lock on PostgreSQL, the database's write lock
    on SQLite, and the current capacity, in one round trip.

    Call it before the transaction writes anything that another change of the event could wait
    for (pending new rows are written after it, not before), so no other lock is held while
    waiting for this one. Taking it twice in one transaction (a walk-in registers, then
    promotes) is the same lock. Rows read before the lock may have changed while waiting: they
    are read again when next used, except those this transaction inserted itself (nobody else
    can have changed them) and those in `keep` (read for what the lock does not guard: the
    person registering)."""
    session = db.session
    held = session.info.setdefault(_HELD, set())
    if event_id in held:
        return session.get(Event, event_id)
    known = session.identity_map.get(session.identity_key(Event, event_id))
    with session.no_autoflush:  # the row read back replaces what was read before, unless changed
        event = session.scalar(_lock(), {"event_id": event_id}, execution_options={
            "synchronize_session": False, "populate_existing": known not in session.dirty,
            _LOCKING: True})
    held.add(event_id)
    session.info.setdefault(_TAKEN_AT, session.connection().info.pop(_TAKEN_AT))
    for row in list(session.identity_map.values()):
        if not (row is event or row in session.dirty or row in keep or created_here(row, session)):
            session.expire(row, _attributes(row))
    return event


@functools.cache
def _lock():
    """Built once: it runs at the start of every change of seats."""
    return (update(Event).where(Event.id == bindparam("event_id")).values(id=Event.id)
            .returning(Event))


def _attributes(row):
    """Every attribute of a row, its collections too, expired one by one rather than the row as
    a whole: a row expired whole is read again with the loader options it was first read with
    (an event with its whole agenda), one expired attribute by attribute reads only what is
    used again."""
    return list(inspect(row).mapper.attrs.keys())


@event.listens_for(Engine, "after_cursor_execute")
def _lock_answered(conn, _cursor, _statement, _parameters, context, _executemany):
    """The hold begins when the database answers the lock's statement, before the ORM reads
    the event out of that answer."""
    if context.execution_options.get(_LOCKING):
        conn.info[_TAKEN_AT] = time.perf_counter()


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _database_let_go(session):
    """The hold ends when the database has committed or rolled back, before the session expires
    what it holds (a savepoint's end is overwritten by the transaction's own, which comes last)."""
    if _HELD in session.info:
        session.info[_RELEASED_AT] = time.perf_counter()


@event.listens_for(Session, "after_transaction_end")
def _forget_locks(session, transaction):
    """Locks end with the transaction that took them (its commit or rollback done): how long
    they were held is logged."""
    if transaction.parent is None:
        held, taken_at = session.info.pop(_HELD, None), session.info.pop(_TAKEN_AT, None)
        released_at = session.info.pop(_RELEASED_AT, None) or time.perf_counter()
        if held:
            held_ms = (released_at - taken_at) * 1000
            log.log(logging.WARNING if held_ms > LONG_HOLD_MS else logging.DEBUG,
                    "event lock held %.2f ms", held_ms, extra={"event_ids": sorted(held),
                                                              "held_ms": round(held_ms, 3)})
