"""The production path: probes, request ids, logs without personal data, gunicorn settings,
fingerprinted assets."""
import importlib.util
import json
import logging
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import url_for

from fis_events.extensions import db
from fis_events.logs import JsonFormatter, safe_path, scrub
from support import csrf_from

ROOT = Path(__file__).resolve().parent.parent


def test_readyz_answers_ready_on_a_migrated_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready"}


def test_readyz_refuses_when_the_migrations_are_not_current(app, client):
    with app.app_context():
        current = db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))
        db.session.execute(sa.text("UPDATE alembic_version SET version_num = 'older'"))
        db.session.commit()
    try:
        response = client.get("/readyz")
    finally:
        with app.app_context():
            db.session.execute(sa.text("UPDATE alembic_version SET version_num = :v"), {"v": current})
            db.session.commit()
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "not_ready" and body["database"] == ["older"]
    assert client.get("/readyz").status_code == 200


def test_request_id_is_echoed_or_made(client):
    assert client.get("/healthz", headers={"X-Request-ID": "proxy-1234abcd"}).headers[
        "X-Request-ID"] == "proxy-1234abcd"
    made = client.get("/healthz", headers={"X-Request-ID": "bad id {\"x\": 1}"}).headers["X-Request-ID"]
    assert made != "bad id {\"x\": 1}" and len(made) == 32
    assert client.get("/healthz").headers["X-Request-ID"] != made


@pytest.fixture
def json_log(caplog):
    """The access lines of the requests made in the test, as the production formatter writes them."""
    caplog.set_level(logging.INFO, logger="fis_events.access")
    formatter = JsonFormatter()
    return lambda: [json.loads(formatter.format(r)) for r in caplog.records
                    if r.name == "fis_events.access"]


def test_log_lines_carry_no_email_nor_token(client, open_event, app_ctx, json_log):
    event = open_event()
    page = client.get(f"/eventi/{event.id}/iscrizione")
    response = client.post(f"/eventi/{event.id}/iscrizione?utm=x", data={
        "csrf_token": csrf_from(page), "first_name": "Mario", "last_name": "Rossi",
        "email": "mario.rossi@example.org", "organisation": "Comune di Prova",
        "organisation_kind": "comune_capoluogo", "mode": "in_person", "privacy_notice": "y"})
    assert response.status_code == 302, response.data[:2000]
    token = response.headers["Location"].rsplit("/", 1)[-1]
    client.get(f"/iscrizione/{token}", headers={"X-Request-ID": "trace-0001"})
    client.get(f"/iscrizione/{token}/qr.png")

    lines = json_log()
    text = "\n".join(json.dumps(line) for line in lines)
    assert "mario" not in text.lower() and "rossi" not in text.lower() and token not in text
    assert "utm" not in text
    by_path = {line["path"]: line for line in lines}
    assert by_path["/iscrizione/:token"]["request_id"] == "trace-0001"
    assert by_path["/iscrizione/:token"]["status"] == 200
    assert by_path["/iscrizione/:token/qr.png"]["method"] == "GET"
    posted = by_path[f"/eventi/{event.id}/iscrizione"]
    assert posted["method"] == "POST" and posted["status"] == 302
    assert {"time", "level", "logger", "message", "duration_ms"} <= posted.keys()


def test_paths_and_messages_are_scrubbed():
    token = "q3Zk8sV0pX_aB-7yTt2LmN9wQeR4uIoP"
    assert safe_path(f"/j/{token}") == "/j/:token"
    assert safe_path("/attestati/7KQ2MZ9PX4RT") == "/attestati/:token"
    assert safe_path("/vendor/bootstrap-italia/css/x.css") == "/vendor/bootstrap-italia/css/x.css"
    assert safe_path("/gestione/eventi/12/report-presenze") == "/gestione/eventi/12/report-presenze"
    assert scrub(f"550 <anna.bianchi@comune.it> rejected, link /j/{token}") == \
        "550 <[email]> rejected, link /j/:token"
    assert scrub("WriterQueueConnection failed") == "WriterQueueConnection failed"


def test_gunicorn_settings_come_from_the_environment(monkeypatch):
    def load():
        spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "deploy/gunicorn.conf.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    for name in ("WEB_CONCURRENCY", "GUNICORN_THREADS", "PORT", "BIND", "LOG_FORMAT"):
        monkeypatch.delenv(name, raising=False)
    conf = load()
    assert 3 <= conf.workers <= conf.MAX_DEFAULT_WORKERS
    assert (conf.threads, conf.worker_class) == (1, "sync")  # see the README's "Load and faults"
    assert conf.bind == "127.0.0.1:8000" and conf.accesslog is None
    assert conf.logconfig_dict["loggers"]["gunicorn.access"]["level"] == "CRITICAL"

    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    monkeypatch.setenv("GUNICORN_THREADS", "4")
    monkeypatch.setenv("PORT", "9100")
    conf = load()
    assert (conf.workers, conf.threads, conf.worker_class, conf.bind) == (5, 4, "gthread", "127.0.0.1:9100")
    monkeypatch.setenv("BIND", "unix:/run/fis-events.sock")
    assert load().bind == "unix:/run/fis-events.sock"


def test_assets_are_fingerprinted_and_cached_long(client, app_ctx):
    page = client.get("/privacy").data.decode()
    for prefix in ("/static/css/app.css?v=", "/vendor/bootstrap-italia/css/bootstrap-italia.min.css?v="):
        start = page.index(prefix)
        url = page[start:page.index('"', start)]
        response = client.get(url)
        assert response.status_code == 200
        assert response.cache_control.max_age == 365 * 24 * 3600 and response.cache_control.immutable
        assert not response.cache_control.no_cache
    unversioned = client.get("/static/css/app.css")
    assert unversioned.cache_control.max_age != 365 * 24 * 3600
    # a folder (scripts append file names to it) keeps a bare URL
    assert url_for("site.vendor", package="bootstrap-italia", filename="fonts") == \
        "/vendor/bootstrap-italia/fonts"
