"""The migrations build, from nothing, exactly the schema the models describe, and undo it.

Runs on a fresh SQLite file, and on a fresh PostgreSQL database when DATABASE_URL points to a
PostgreSQL server (the database is created for the test and dropped after it).
"""
import secrets

import psycopg
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import downgrade, upgrade

from config import TestingConfig, database_url
from fis_events import create_app
from fis_events.extensions import db


def postgres_server_url():
    url = database_url()
    if not url or not url.startswith("postgresql"):
        return None
    return sa.make_url(url)


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'migrations.sqlite'}"


@pytest.fixture
def postgresql_url():
    server = postgres_server_url()
    if server is None:
        pytest.skip("DATABASE_URL does not point to PostgreSQL")
    name = f"fis_migr_{secrets.token_hex(6)}"
    conninfo = server.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def migration_app(request):
    """An app of its own on an empty database; its engines are disposed at the end."""
    url = request.getfixturevalue(f"{request.param}_url")

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(Config)
    with app.app_context():
        assert sa.inspect(db.engine).get_table_names() == []
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def schema_diff():
    """What autogenerate would write: the difference between the models and the database."""
    options = {"compare_type": current_app.extensions["migrate"].configure_args.get("compare_type", True)}
    with db.engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn, opts=options), db.metadata)


def current_revision():
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision():
    return ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config()).get_current_head()


def test_upgrade_from_empty_matches_the_models(migration_app):
    upgrade()

    assert current_revision() == head_revision()
    tables = set(sa.inspect(db.engine).get_table_names())
    assert tables == set(db.metadata.tables) | {"alembic_version"}
    diff = schema_diff()
    assert diff == [], "models and migrations differ (run `flask db migrate`):\n" + "\n".join(map(str, diff))


def test_downgrade_to_base_and_up_again(migration_app):
    upgrade()
    downgrade(revision="base")

    assert current_revision() is None
    assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}

    upgrade()
    assert current_revision() == head_revision()
    assert schema_diff() == []


def test_organisations_typed_twice_before_get_their_key_and_wait_for_a_merge(migration_app):
    """Duplicates made by the old exact-name lookup do not stop the migration: both get the
    same key, and the organisers' page lists them."""
    from fis_events.programme.services import likely_duplicates

    script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    upgrade(revision=script.get_revision("79aabebc2142").down_revision)
    with db.engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO organisation (name, kind, search_name) VALUES "
            "('Comune di Bergamo', 'comune_capoluogo', 'comune di bergamo'), "
            "('COMUNE DI BERGAMO', 'altro', 'comune di bergamo'), "
            "('Cooperativa Alfa', 'terzo_settore', 'cooperativa alfa')"))
    upgrade()
    with db.engine.connect() as conn:
        keys = conn.execute(sa.text("SELECT match_key FROM organisation ORDER BY id")).scalars().all()
    assert keys == ["bergamo", "bergamo", "cooperativa alfa"]
    assert [[o.name for o in group] for group in likely_duplicates()] == [
        ["Comune di Bergamo", "COMUNE DI BERGAMO"]]
