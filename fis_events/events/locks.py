"""The event's lock: what every change that takes or frees a seat holds while it decides."""
from sqlalchemy import event, update
from sqlalchemy.orm import Session

from ..extensions import db
from .models import Event

_HELD = "fis_locked_events"


def lock_event(event_id):
    """Take the event's lock for the rest of the transaction; the boundary's commit or rollback
    gives it back. A no-op UPDATE of the event's row: the row lock on PostgreSQL, the database's
    write lock on SQLite.

    Call it before the transaction's first write (pending new rows are written after it, not
    before), so no other lock is held while waiting for this one. Taking it twice in one
    transaction (a walk-in registers, then promotes) is the same lock. Rows read before the
    lock may have changed while waiting: they are read again when next used."""
    session = db.session
    held = session.info.setdefault(_HELD, set())
    if event_id in held:
        return
    with session.no_autoflush:
        session.execute(update(Event).where(Event.id == event_id).values(id=Event.id),
                        execution_options={"synchronize_session": False})
    held.add(event_id)
    for row in list(session.identity_map.values()):
        if row not in session.dirty:
            session.expire(row)


@event.listens_for(Session, "after_transaction_end")
def _forget_locks(session, transaction):
    """Locks end with the transaction that took them."""
    if transaction.parent is None:
        session.info.pop(_HELD, None)
