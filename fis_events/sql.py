"""Statements the ORM has no portable form for, written once for SQLite and PostgreSQL."""
from sqlalchemy.dialects import postgresql, sqlite

from .extensions import db

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def insert_unless_exists(model, values, unique_columns):
    """INSERT … ON CONFLICT DO NOTHING RETURNING id: the new row's id, or None when a row with the
    same unique columns exists. One statement, so concurrent twins cannot both insert, and no
    savepoint is needed to survive the conflict."""
    insert = _INSERTS[db.session.get_bind().dialect.name]
    statement = (insert(model.__table__).values(**values)
                 .on_conflict_do_nothing(index_elements=list(unique_columns))
                 .returning(model.__table__.c.id))
    return db.session.execute(statement).scalar()
