"""Registration throughput under concurrent clients, against gunicorn on loopback.

Prints registrations per second and the same server's /healthz requests per second under the
same concurrency, and their ratio (the figure to compare between runs: shared machines are
noisy, a ratio within one run is not). Also checks the outcome: exactly CAPACITY confirmed.
Uses SQLite in a temporary folder, or PostgreSQL when DATABASE_URL is set (the database is
emptied first: never point it at real data).  Run: `make bench`.
"""
import os
import re
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import count, gunicorn  # noqa: E402

ATTEMPTS = int(os.environ.get("BENCH_ATTEMPTS", 400))
CAPACITY = ATTEMPTS // 4
CLIENTS = int(os.environ.get("BENCH_CLIENTS", 16))
WORKERS = os.environ.get("BENCH_WORKERS", "2")
# A registration is two requests (form, then post) and, under the event's lock, renders the
# e-mail with its QR code and calendar entry: measured 0.027 on SQLite and 0.018 on PostgreSQL
# (2026-11), so it may cost at most about 65 health checks.
TARGET_RATIO = 0.015


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def prepare(env):
    from flask_migrate import upgrade

    from config import TestingConfig
    from fis_events import create_app
    from fis_events.db_types import utcnow
    from fis_events.events import services
    from fis_events.events.models import EventKind
    from fis_events.extensions import db
    import sqlalchemy as sa

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = env["DATABASE_URL"]

    app = create_app(Config)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        start = utcnow() + timedelta(days=7)
        event = services.create_event(title="Bench", kind=EventKind.PUBLIC_EVENT, starts_at=start,
                                       ends_at=start + timedelta(hours=2), offers_in_person=True,
                                       capacity_in_person=CAPACITY)
        services.publish_event(event)
        event_id = event.id
        db.engine.dispose()
    return event_id


def register(base, event_id, n):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirect)
    url = f"{base}/eventi/{event_id}/iscrizione"
    page = opener.open(url, timeout=60).read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({
        "csrf_token": token, "first_name": "Bench", "last_name": str(n), "email": f"b{n}@example.org",
        "organisation": "Comune di Bergamo", "organisation_kind": "comune_capoluogo",
        "mode": "in_person", "privacy_notice": "y"}).encode()
    try:
        opener.open(url, body, timeout=60)
    except urllib.error.HTTPError as error:
        return error.code
    return 200


def health(base, _n):
    with urllib.request.urlopen(f"{base}/healthz", timeout=60) as response:
        return response.status


def rate(fn, count):
    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        statuses = list(pool.map(fn, range(count)))
    return count / (time.perf_counter() - began), statuses


def main():
    with tempfile.TemporaryDirectory() as tmp:
        env = {"DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite"}
        event_id = prepare(env)
        with gunicorn(env["DATABASE_URL"], WORKERS, 4) as port:
            base = f"http://127.0.0.1:{port}"
            rate(lambda n: health(base, n), 200)  # warm up
            health_rate, _ = rate(lambda n: health(base, n), ATTEMPTS * 4)
            register_rate, statuses = rate(lambda n: register(base, event_id, n), ATTEMPTS)
        confirmed = count(env["DATABASE_URL"], "SELECT count(*) FROM registration WHERE status = 'confirmed'")
    ratio = register_rate / health_rate
    ok = ratio >= TARGET_RATIO and statuses.count(302) == ATTEMPTS and confirmed == CAPACITY
    print(f"database: {env['DATABASE_URL'].split(':')[0]}, gunicorn workers: {WORKERS}, clients: {CLIENTS}")
    print(f"/healthz: {health_rate:8.1f} req/s")
    print(f"registration (form + post): {register_rate:8.1f} /s   ratio to /healthz: {ratio:.3f} "
          f"(target >= {TARGET_RATIO})")
    print(f"outcome: {statuses.count(302)}/{ATTEMPTS} redirected, {confirmed} confirmed for {CAPACITY} seats")
    print("bench registration: " + ("PASS" if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
