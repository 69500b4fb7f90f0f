"""Fixtures: one app and one migrated database per run, emptied after every test.

The database is SQLite in a temporary file, or PostgreSQL when DATABASE_URL is set
(CI runs the suite both ways). The schema comes from the migrations, not create_all,
so every run also proves the migrations.
"""
import contextvars
import itertools
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import appcontext_pushed, g, request_started
from flask.globals import _cv_app
from flask.testing import FlaskClient
from flask_migrate import upgrade
from werkzeug.serving import WSGIRequestHandler, make_server

from config import TestingConfig, database_url
from fis_events import create_app
from fis_events.accounts.models import Role
from fis_events.accounts.services import create_user
from fis_events.db_types import utcnow
from fis_events.events import services as events
from fis_events.events.models import EventKind
from fis_events.programme.services import find_or_create_organisation
from fis_events.extensions import db
from fis_events.i18n import ROME
from fis_events.programme.models import OrganisationKind
from fis_events.registration import services as registrations
from fis_events.registration.models import AttendanceMode
from pdfs import PdfReader, poppler
from support import PASSWORD, commit_test_work, csrf_from, empty_tables



@pytest.fixture(scope="session")
def app(tmp_path_factory):
    url = database_url() or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(Config)
    app.test_client_class = IsolatedClient
    appcontext_pushed.connect(_commit_outer_test_work, app)
    request_started.connect(_mark_served_request, app)
    app.teardown_appcontext(_commit_test_work_at_end)
    with app.app_context():
        reset_schema()
        upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


class IsolatedClient(FlaskClient):
    """Each request gets its own app context, as in production, even while a test holds one.

    Without this Flask reuses the test's app context, and with it `g`: cached CSRF tokens and
    the logged-in user would leak from one request to the next.
    """

    def open(self, *args, **kwargs):
        commit_test_work()
        return contextvars.Context().run(super().open, *args, **kwargs)


def _mark_served_request(app, **_extra):
    g.fis_served_request = True


def _commit_test_work_at_end(error):
    """`with app.app_context():` in a test is a unit of work too, committed when it ends. Not
    a request the app served (test client, live server): its own boundary decides, and a change
    the boundary would lose must not be saved here."""
    if error is None and not g.get("fis_served_request"):
        db.session.commit()


def _commit_outer_test_work(app, **_extra):
    """A test that opens another app context (a CLI run, `send_due(app)`, `with
    app.app_context()`) hands over to another unit of work, as a request would: what the test did
    in its own context so far is committed first. Threads start with no outer context."""
    tokens = getattr(_cv_app.get(), "_cv_tokens", None)
    outer = tokens[-1].old_value if tokens else None
    if outer is not None and outer is not contextvars.Token.MISSING:
        session = db.session.registry.registry.get(id(outer))
        if session is not None:
            session.commit()



def reset_schema():
    """Start every run from an empty database, whatever an earlier run left."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    else:
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture(autouse=True)
def _clean_tables(request):
    """Empty every table after each test, so tests never see each other's rows."""
    yield
    if "app" not in request.fixturenames:
        return
    with request.getfixturevalue("app").app_context():
        empty_tables()


@pytest.fixture
def app_ctx(app):
    with app.test_request_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Auth:
    """Log in as a staff user of a given role, creating it on first use."""

    def __init__(self, app, client):
        self.app, self.client = app, client

    def user(self, role="organiser", email=None):
        email = email or f"{role}@example.org"
        commit_test_work()
        with self.app.app_context():
            from fis_events.accounts.models import User
            if not db.session.scalar(db.select(User.id).filter_by(email=email)):
                create_user(email, role.title(), PASSWORD, Role(role))
        return email

    def login(self, role="organiser"):
        email = self.user(role)
        page = self.client.get("/accesso")
        token = csrf_from(page)
        return self.client.post("/accesso", data={"email": email, "password": PASSWORD,
                                                  "csrf_token": token})

    def logout(self):
        page = self.client.get("/")
        return self.client.post("/uscita", data={"csrf_token": csrf_from(page)})


@pytest.fixture
def auth(app, client):
    return Auth(app, client)


@pytest.fixture
def make_event(app_ctx):
    """Create an event through the service; defaults give a valid draft tomorrow 10-13."""

    def make(**fields):
        start = (utcnow() + timedelta(days=1)).astimezone(ROME).replace(
            hour=10, minute=0, second=0, microsecond=0)
        values = dict(title="Evento di prova", kind=EventKind.PUBLIC_EVENT, starts_at=start,
                      ends_at=start + timedelta(hours=3), offers_in_person=True)
        values.update(fields)
        event = events.create_event(**values)
        commit_test_work()
        return event

    return make


class QueryCounter:
    """Counts the SQL statements the app sends while active."""

    def __init__(self, engine):
        self.engine, self.statements = engine, []

    def _record(self, conn, cursor, statement, *args):
        self.statements.append(statement)

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._record)

    @property
    def count(self):
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    with app.app_context():
        engine = db.engine
    return lambda: QueryCounter(engine)


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code="-", size="-"):
        pass


@pytest.fixture(scope="session")
def live_server(app):
    """The test app on 127.0.0.1 and a free port, in a background thread; yields its URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def open_event(make_event):
    """A published event with registration open, in person (and remote when asked)."""

    def make(**fields):
        fields.setdefault("offers_remote", True)
        if fields["offers_remote"]:
            fields.setdefault("remote_url", "https://meet.jit.si/fis-prova")
        event = make_event(**fields)
        events.publish_event(event)
        commit_test_work()
        return event

    return make


@pytest.fixture
def today_event(open_event):
    """A published event happening now (registration closed, so people are added directly)."""

    def make(**fields):
        start = utcnow() - timedelta(hours=1)
        values = dict(starts_at=start, ends_at=start + timedelta(hours=4),
                      registration_closes_at=start - timedelta(minutes=1))
        values.update(fields)
        return open_event(**values)

    return make


@pytest.fixture
def enrol():
    """Register someone to an event as an organiser would (whatever the window)."""
    numbers = itertools.count(1)

    def enrol(event, first_name, last_name, mode=AttendanceMode.IN_PERSON, organisation=None,
              role=None, email=None):
        org = find_or_create_organisation(organisation, OrganisationKind.ALTRO) if organisation else None
        email = email or f"persona{next(numbers)}@example.org"
        registration, _outcome = registrations.register(
            event, email=email, first_name=first_name, last_name=last_name, mode=mode,
            organisation=org, role=role, source="organiser")
        commit_test_work()
        return registration

    return enrol


@pytest.fixture
def pdf_reader(tmp_path):
    """Reads generated PDFs back as a person and a scanner would (skips without poppler)."""
    poppler("pdftoppm")
    poppler("pdftotext")
    return PdfReader(tmp_path)
