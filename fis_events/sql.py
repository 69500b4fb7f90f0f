"""Statements the ORM has no portable form for, written once for SQLite and PostgreSQL."""
import functools

from sqlalchemy.dialects import postgresql, sqlite

from .extensions import db

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def insert_unless_exists(model, values, unique_columns):
    """INSERT … ON CONFLICT DO NOTHING RETURNING id: the new row's id, or None when a row with the
    same unique columns exists. One statement, so concurrent twins cannot both insert, and no
    savepoint is needed to survive the conflict."""
    db.session.flush()  # what session.execute would do, before going to the connection directly
    connection = db.session.connection()
    statement = _insert_returning_id(model.__table__, tuple(unique_columns), connection.dialect.name)
    return connection.execute(statement, values).scalar()


@functools.cache
def _insert_returning_id(table, unique_columns, dialect_name):
    """Built once: the values travel as parameters (hot paths such as the door scan use it)."""
    return (_INSERTS[dialect_name](table).on_conflict_do_nothing(index_elements=list(unique_columns))
            .returning(table.c.id))


def insert_all_unless_exist(model, rows, unique_columns):
    """The same for many rows in one statement (one round trip, whatever their number): rows
    whose unique columns already exist are skipped."""
    db.session.execute(_insert_ignoring_conflicts(model, list(rows), unique_columns))


def _insert_ignoring_conflicts(model, values, unique_columns):
    insert = _INSERTS[db.session.get_bind().dialect.name]
    return (insert(model.__table__).values(values)
            .on_conflict_do_nothing(index_elements=list(unique_columns)))
