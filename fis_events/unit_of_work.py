"""The unit of work: the one place where transactions end.

Services change the session and may flush; they never commit or roll back. Whoever starts a
piece of work owns its transaction and ends it here, once:

- a **request**: committed when it wrote something and the answer is a success or a redirect
  (status < 400), rolled back when it is a refusal or an error (4xx, 5xx), whatever raised or
  caught what. A view that answers a refusal with a redirect (a flashed message) says so with
  `discard_changes()`; one whose change is complete before it renders its answer may commit
  it then with `commit_now()` (the registration form: no lock held while the page renders). A
  request that wrote nothing is left to the request's end, where the session is closed (a
  rollback): a database going away at that moment cannot turn a finished answer into an error;
- a **CLI command** of a `CommandGroup`: committed when the command returns, rolled back when
  it raises (a ClickException included);
- a **background job** (the outbox sender): `with unit_of_work():` around each step that must
  stand on its own, e.g. the claim of a message before the SMTP conversation.

Audit entries and outbox messages are added to the session by the services, so they are
committed or dropped with the change they record.
"""
from contextlib import contextmanager
from functools import update_wrapper

from flask import g
from flask.cli import AppGroup
from sqlalchemy import event
from sqlalchemy.orm import Session

from .extensions import db

_WROTE = "fis_wrote"
_CREATED = "fis_created_rows"


@contextmanager
def unit_of_work():
    """One transaction: committed when the block ends, rolled back when anything escapes."""
    try:
        yield db.session
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()


def wrote(session=None):
    """Note that the current transaction has written (for statements sent past the ORM)."""
    (session or db.session).info[_WROTE] = True


@event.listens_for(Session, "after_flush")
def _flushed(session, _context):
    wrote(session)


def created(row, session=None):
    """Note that the current transaction inserted this row (for rows inserted past the unit of
    work's flush, e.g. by `sql.insert_row_unless_exists`)."""
    (session or db.session).info.setdefault(_CREATED, set()).add(row)


def created_here(row, session=None):
    """Whether the current transaction inserted this row: nobody else can have changed it (or
    even seen it) since, so it need not be read again after waiting for a lock."""
    return row in (session or db.session).info.get(_CREATED, ())


@event.listens_for(Session, "pending_to_persistent")
def _inserted(session, row):
    created(row, session)


@event.listens_for(Session, "do_orm_execute")
def _executed(state):
    if state.is_insert or state.is_update or state.is_delete:
        wrote(state.session)


@event.listens_for(Session, "after_transaction_end")
def _ended(session, transaction):
    if transaction.parent is None:
        session.info.pop(_WROTE, None)
        session.info.pop(_CREATED, None)


def has_changes(session=None):
    """Whether the transaction wrote, or holds changes that its next flush would write."""
    session = session or db.session
    return bool(session.info.get(_WROTE) or session.new or session.dirty or session.deleted)


def discard_changes():
    """This request was refused although it answers with a redirect: end it with a rollback."""
    g.discard_changes = True


def commit_now():
    """A view whose change is complete (a seat decided under the event's lock) ends its unit of
    work here, before building its answer, so that rendering a page holds neither the
    transaction nor its locks. Attributes read afterwards are read again, outside the lock.
    The request stays one unit of work: a write after this fails it."""
    db.session.commit()
    g.fis_committed = True


def end_request(response):
    """after_request: the request's one commit, or its one rollback."""
    refused = response.status_code >= 400 or g.pop("discard_changes", False)
    if g.pop("fis_committed", False) and has_changes():
        raise RuntimeError("the request wrote after commit_now() ended its unit of work")
    if not has_changes():
        return response  # nothing to keep: the end of the request closes the session
    if refused:
        db.session.rollback()
    else:
        db.session.commit()
    return response


def init_app(app):
    """Call after the other extensions: Flask runs after_request functions in reverse order, so
    the commit comes first and the headers and the log line describe the final answer (a commit
    that fails becomes a 503 or 500, and that one is logged)."""
    app.after_request(end_request)


class CommandGroup(AppGroup):
    """A CLI group whose commands each run as one unit of work (see the module docstring).

    `command(..., own_transactions=True)` leaves the transactions to the command itself: a
    long-running loop such as `flask outbox send --loop` runs one unit per step.
    """

    def command(self, *args, own_transactions=False, **kwargs):
        wrap = super().command(*args, **kwargs)
        if own_transactions:
            return wrap

        def decorator(callback):
            def run(*a, **kw):
                with unit_of_work():
                    return callback(*a, **kw)

            return wrap(update_wrapper(run, callback))

        return decorator
