"""Where a door scan's time goes, in one process: why a scan costs several /healthz.

bench/checkin.py measures scans against /healthz through gunicorn; this script explains its
ratio. It serves scans and /healthz alternately through the Flask test client (no network, no
other process), with timers around each step of a scan, and prints each step as a fraction of
/healthz. Every step is something a scan must do: read the signed session cookie and check the
CSRF token (every state-changing request from a browser), load the staff account (a revoked
account stops at once), read the event and the badge, write the attendance and its evidence,
write the scan row (every attempt is logged), commit. Uses SQLite in a temporary folder, or
PostgreSQL when DATABASE_URL is set (emptied first). Run: `.venv/bin/python bench/scan_cost.py`.
"""
import collections
import os
import re
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.checkin import PASSWORD, prepare  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", 2000))


def timers(spent):
    """Wrap each step of a scan so that its time adds up in `spent` (seconds)."""
    import flask.sessions
    import flask_login.login_manager
    import sqlalchemy.orm

    from fis_events.checkin import api, services
    from fis_events.extensions import csrf

    steps = [
        ("session cookie", flask.sessions.SecureCookieSessionInterface, "open_session"),
        ("CSRF token", csrf, "protect"),
        ("staff account", flask_login.login_manager.LoginManager, "_load_user"),
        ("event", services, "door_event"),
        ("badge", services, "_badge"),
        ("attendance and evidence", services, "record_attendance"),
        ("scan row", services, "insert_unless_exists"),
        ("commit", sqlalchemy.orm.Session, "commit"),
        ("answer (message, JSON)", api, "outcome_data"),
    ]
    for label, owner, name in steps:
        original = getattr(owner, name)

        def timed(*args, _original=original, _label=label, **kwargs):
            began = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[_label] += time.perf_counter() - began

        setattr(owner, name, timed)


def main():
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/scan-cost.sqlite"
    event_id, payloads = prepare(url, ROUNDS + 200)

    from config import TestingConfig
    from fis_events import create_app

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url
        WTF_CSRF_ENABLED = True  # as in production: the check is part of the cost

    app = create_app(Config)
    client = app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/accesso").text).group(1)
    client.post("/accesso", data={"email": "porta@example.org", "password": PASSWORD, "csrf_token": token})
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/").text).group(1)

    def scan(payload):
        response = client.post(f"/api/v1/events/{event_id}/checkin/scan", headers={"X-CSRFToken": csrf},
                               json={"payload": payload, "nonce": secrets.token_hex(12)})
        assert response.status_code == 200 and response.json["result"] == "ok", response.text

    def health(_payload):
        assert client.get("/healthz").status_code == 200

    for payload in payloads[:200]:  # warm up: compiled statements, pools, templates
        scan(payload)
        health(payload)
    spent = collections.Counter()
    timers(spent)
    took = collections.Counter()
    for payload in payloads[200:]:  # alternate, so both see the same machine
        for label, request in (("scan", scan), ("healthz", health)):
            began = time.perf_counter()
            request(payload)
            took[label] += time.perf_counter() - began
    healthz = took["healthz"] / ROUNDS
    scan_time = took["scan"] / ROUNDS
    health_steps = spent.pop("session cookie") / 2 / ROUNDS  # opened by both requests alike
    print(f"scan cost on {url.split(':')[0]}, {ROUNDS} scans, in units of one /healthz "
          f"({healthz * 1000:.3f} ms here):")
    print(f"  {'a whole scan':28s} {scan_time / healthz:5.2f}")
    print(f"  {'  Flask, as for /healthz':28s} {1:5.2f}   (session cookie alone {health_steps / healthz:.2f})")
    for label, seconds in spent.most_common():
        print(f"  {'  ' + label:28s} {seconds / ROUNDS / healthz:5.2f}")
    rest = scan_time - healthz - sum(spent.values()) / ROUNDS
    print(f"  {'  the rest (routing, JSON)':28s} {rest / healthz:5.2f}")
    print(f"throughput a scan can reach against /healthz on one core: {healthz / scan_time:.2f}")


if __name__ == "__main__":
    main()
