"""Door rush: concurrent scanners against gunicorn on loopback, on SQLite or PostgreSQL.

32 scanners check in 5,000 distinct badges plus 1,000 repeated scans; then 8 scanners do a
smaller round for the latency target. Throughput and p50/p95/p99 latency are printed as ratios
to /healthz of the same server under the same concurrency, with the raw figures beside them.
Checks: exactly one attendance per badge, every repeat answered "already_checked_in", no 5xx.
Uses SQLite in a temporary folder, or PostgreSQL when DATABASE_URL is set (emptied first).
Run: `make bench`.
"""
import http.client
import json
import os
import re
import secrets
import statistics
import sys
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import count, gunicorn  # noqa: E402

BADGES = int(os.environ.get("BENCH_BADGES", 5000))
REPEATS = int(os.environ.get("BENCH_REPEATS", 1000))
SMALL_ROUND = 1000
PASSWORD = "bench-password-123"


def prepare(url):
    """An event happening now with BADGES confirmed registrations, inserted in bulk."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from config import TestingConfig
    from fis_events import create_app
    from fis_events.accounts.models import Role
    from fis_events.accounts.services import create_user
    from fis_events.db_types import utcnow
    from fis_events.events import services
    from fis_events.events.models import EventKind
    from fis_events.extensions import db
    from fis_events.registration.models import Person, Registration

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(Config)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        create_user("porta@example.org", "Porta Bench", PASSWORD, Role.ORGANISER)
        start = utcnow() - timedelta(hours=1)
        event = services.create_event(title="Door rush", kind=EventKind.PUBLIC_EVENT, starts_at=start,
                                       ends_at=start + timedelta(hours=6), offers_in_person=True)
        services.publish_event(event)
        now = utcnow()
        db.session.execute(sa.insert(Person), [
            {"email": f"d{n}@example.org", "first_name": "Badge", "last_name": str(n),
             "search_name": f"badge {n} badge", "created_at": now, "updated_at": now}
            for n in range(BADGES)])
        ids = db.session.scalars(sa.select(Person.id).order_by(Person.id)).all()
        tokens = [secrets.token_urlsafe(24) for _ in ids]
        db.session.execute(sa.insert(Registration), [
            {"event_id": event.id, "person_id": pid, "mode": "in_person", "status": "confirmed",
             "qr_token": token, "manage_token": secrets.token_urlsafe(24),
             "join_token": secrets.token_urlsafe(24), "privacy_notice_read_at": now,
             "photo_consent": False, "newsletter_consent": False, "source": "online",
             "created_at": now, "updated_at": now} for pid, token in zip(ids, tokens)])
        db.session.commit()
        event_id = event.id
        db.engine.dispose()
    return event_id, ["FISEV1:" + t for t in tokens]


class Client:
    """One scanner: a keep-alive connection with a logged-in session and its CSRF token."""

    def __init__(self, port):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies = {}
        page = self.request("GET", "/accesso")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        self.request("POST", "/accesso", urllib.parse.urlencode(
            {"email": "porta@example.org", "password": PASSWORD, "csrf_token": token}),
            {"Content-Type": "application/x-www-form-urlencoded"})
        page = self.request("GET", "/")
        self.csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.conn.request(method, path, body, headers)
            response = self.conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self.conn.close()  # the server closed an idle keep-alive connection: open a new one
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.conn.request(method, path, body, headers)
            response = self.conn.getresponse()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _sep, rest = header.partition("=")
            self.cookies[name] = rest.split(";")[0]
        data = response.read().decode()
        self.status = response.status
        return data

    def scan(self, event_id, payload):
        began = time.perf_counter()
        body = self.request("POST", f"/api/v1/events/{event_id}/checkin/scan",
                            json.dumps({"payload": payload, "nonce": secrets.token_hex(12)}),
                            {"Content-Type": "application/json", "X-CSRFToken": self.csrf})
        return time.perf_counter() - began, self.status, json.loads(body).get("result") if self.status == 200 else None

    def health(self, _event_id, _payload):
        began = time.perf_counter()
        self.request("GET", "/healthz")
        return time.perf_counter() - began, self.status, "ok"


def run(port, clients, work, method, event_id):
    """Each scanner works through its share of the payloads; returns (rate, latencies, answers)."""
    scanners = [Client(port) for _ in range(clients)]
    shares = [work[i::clients] for i in range(clients)]

    def go(index):
        scanner = scanners[index]
        return [getattr(scanner, method)(event_id, payload) for payload in shares[index]]

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = [r for chunk in pool.map(go, range(clients)) for r in chunk]
    rate = len(results) / (time.perf_counter() - began)
    return rate, [r[0] for r in results], [(r[1], r[2]) for r in results]


def pct(values, p):
    return statistics.quantiles(values, n=100)[p - 1]


def report(name, rate, lat, base_rate, base_lat):
    print(f"{name}: {rate:8.1f} scans/s ({rate / base_rate:.2f}× /healthz {base_rate:.0f}/s); "
          + ", ".join(f"p{p} {pct(lat, p) * 1000:.1f} ms ({pct(lat, p) / pct(base_lat, p):.1f}×)"
                      for p in (50, 95, 99)))


def main():
    workers = os.environ.get("BENCH_WORKERS", "4")
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp}/door.sqlite"
        event_id, payloads = prepare(url)
        repeats = [payloads[n % len(payloads)] for n in range(0, REPEATS * 5, 5)]
        with gunicorn(url, workers, 8) as port:
            base_rate, base_lat, _ = run(port, 32, [None] * (BADGES + REPEATS), "health", event_id)
            rate, lat, first = run(port, 32, payloads, "scan", event_id)
            rate2, lat2, second = run(port, 32, repeats, "scan", event_id)
            small_base_rate, small_base_lat, _ = run(port, 8, [None] * SMALL_ROUND, "health", event_id)
            small_rate, small_lat, _small = run(port, 8, payloads[:SMALL_ROUND], "scan", event_id)
        attendances = count(url, "SELECT count(*) FROM attendance")
    statuses = [s for s, _ in first + second]
    ok = [r for _, r in first].count("ok")
    repeats_ok = [r for _, r in second].count("already_checked_in")
    print(f"database: {url.split(':')[0]}, gunicorn workers: {workers} x 8 threads")
    report("32 scanners, 5,000 badges", rate, lat, base_rate, base_lat)
    report("32 scanners, 1,000 repeats", rate2, lat2, base_rate, base_lat)
    report(" 8 scanners, repeats", small_rate, small_lat, small_base_rate, small_base_lat)
    p99_small = pct(small_lat, 99) * 1000
    print(f"outcome: {ok} ok of {len(payloads)}, {repeats_ok} 'already checked in' of {len(repeats)}, "
          f"{attendances} attendances, {sum(s >= 500 for s in statuses)} 5xx")
    passed = (ok == len(payloads) and repeats_ok == len(repeats) and attendances == len(payloads)
              and all(s == 200 for s in statuses) and p99_small < 25)
    print(f"targets: throughput ≥ 0.5× /healthz (got {rate / base_rate:.2f}×, reported, not enforced); "
          f"p99 at 8 scanners < 25 ms (got {p99_small:.1f} ms)")
    print("bench checkin: " + ("PASS" if passed else "FAIL"))
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
