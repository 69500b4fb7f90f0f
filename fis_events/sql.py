"""Statements the ORM has no portable form for, written once for SQLite and PostgreSQL."""
import functools
from contextlib import contextmanager

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from .errors import DomainError
from .extensions import db
from .unit_of_work import created, wrote

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def insert_unless_exists(model, values, unique_columns):
    """INSERT … ON CONFLICT DO NOTHING RETURNING id: the new row's id, or None when a row with the
    same unique columns exists. One statement, so concurrent twins cannot both insert, and no
    savepoint is needed to survive the conflict."""
    db.session.flush()  # what session.execute would do, before going to the connection directly
    wrote()
    connection = db.session.connection()
    statement = _insert_returning_id(model.__table__, tuple(unique_columns), connection.dialect.name)
    return connection.execute(statement, values).scalar()


@functools.cache
def _insert_returning_id(table, unique_columns, dialect_name):
    """Built once: the values travel as parameters (hot paths such as the door scan use it)."""
    return (_INSERTS[dialect_name](table).on_conflict_do_nothing(index_elements=list(unique_columns))
            .returning(table.c.id))


def insert_row_unless_exists(model, values, unique_columns):
    """The same, returning the new row as an ORM object (every column read back by RETURNING,
    so using it asks the database nothing), or None when a row with the same unique columns
    exists: a concurrent twin waits for this transaction and then finds the row, without a
    savepoint. Only the table's own defaults apply: the model's before_insert hooks do not run
    (pass what they would set). The row counts as this transaction's own (`created_here`)."""
    statement = (_INSERTS[db.session.get_bind().dialect.name](model).values(values)
                 .on_conflict_do_nothing(index_elements=list(unique_columns)).returning(model))
    row = db.session.scalar(statement)
    if row is not None:
        created(row)
    return row


def insert_all_unless_exist(model, rows, unique_columns):
    """The same for many rows in one statement (one round trip, whatever their number): rows
    whose unique columns already exist are skipped."""
    db.session.execute(_insert_ignoring_conflicts(model, list(rows), unique_columns))


def _insert_ignoring_conflicts(model, values, unique_columns):
    insert = _INSERTS[db.session.get_bind().dialect.name]
    return (insert(model.__table__).values(values)
            .on_conflict_do_nothing(index_elements=list(unique_columns)))


def upsert(model, values, unique_columns):
    """INSERT … ON CONFLICT DO UPDATE: afterwards the row with these unique columns holds
    `values`, whether it existed or not, and a concurrent twin cannot make it fail."""
    insert = _INSERTS[db.session.get_bind().dialect.name](model.__table__).values(values)
    db.session.execute(insert.on_conflict_do_update(
        index_elements=list(unique_columns),
        set_={name: insert.excluded[name] for name in values if name not in unique_columns}))


@contextmanager
def refused_on_conflict(message, field=None):
    """The block's writes in a savepoint, flushed at its end: a unique constraint that a
    concurrent request won becomes a refusal (DomainError) and only the block is undone, so the
    unit of work can still answer. Changes made before the block are flushed before it."""
    try:
        with db.session.begin_nested():
            yield
    except IntegrityError:
        raise DomainError(message, field=field) from None
