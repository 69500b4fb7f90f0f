"""While the database cannot be reached every request gets a 503 with Retry-After (an HTML page
or the API's JSON), never a 500, and the app recovers by itself once the database is back."""
import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from config import TestingConfig
from fis_events import create_app
from fis_events.errors import RETRY_AFTER_SECONDS
from fis_events.extensions import db


@pytest.fixture
def unreachable(tmp_path):
    """An app whose SQLite database lies in a folder that does not exist (yet): the driver
    cannot open it, as it cannot reach a stopped server."""
    folder = tmp_path / "not-yet"

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{folder / 'db.sqlite'}"

    app = create_app(Config)
    app.database_folder = folder
    return app


def assert_unavailable(response):
    assert response.status_code == 503
    assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)


def test_pages_and_api_answer_503_then_recover(unreachable):
    client = unreachable.test_client()
    page = client.get("/")
    assert_unavailable(page)
    assert "Riprova tra qualche istante" in page.get_data(as_text=True)
    api = client.get("/api/v1/events")
    assert_unavailable(api)
    assert api.get_json()["error"]["code"] == "unavailable"
    assert client.get("/healthz").status_code == 200  # no database work: the process is up
    assert client.get("/readyz").status_code == 503

    unreachable.database_folder.mkdir()
    with unreachable.app_context():
        upgrade()
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/events").status_code == 200
    assert client.get("/readyz").status_code == 200


def test_a_logged_in_user_gets_the_503_page_too(unreachable):
    """Who is logged in is itself read from the database: the page must not ask again."""
    client = unreachable.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1:0"  # user 1, session version 0
        session["_fresh"] = True
    for path in ("/", "/gestione/"):
        response = client.get(path)
        assert_unavailable(response)
        assert "Area riservata" in response.get_data(as_text=True)
    with client.session_transaction() as session:
        assert session["_user_id"] == "1:0"  # shown as a visitor, not logged out


def test_a_connection_dropped_as_the_request_ends_keeps_the_answer(app, client):
    """PostgreSQL shutting down ("terminating connection due to administrator command") can
    drop a connection after the answer is made, when the rollback that ends the request runs:
    the answer stands, and the next request gets a working session."""
    with app.app_context():
        engine = db.engine
    dropped = []

    def drop_once(_connection):
        if not dropped:
            dropped.append(True)
            raise sa.exc.OperationalError(
                "ROLLBACK", None, Exception("terminating connection due to administrator command"))

    sa.event.listen(engine, "rollback", drop_once)
    try:
        assert client.get("/").status_code == 200
    finally:
        sa.event.remove(engine, "rollback", drop_once)
    assert dropped
    assert client.get("/").status_code == 200
