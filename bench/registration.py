"""Registration burst: concurrent clients register for an event with far fewer seats than
attempts, against gunicorn on loopback.

64 clients (threads, each with its own cookies, as browsers) make 2,000 attempts (the form,
then the post) for 500 seats; the same 64 clients then ask the same server's /healthz as many
times as the burst sent requests. Prints the burst's throughput and its p50/p95/p99 latency
beside /healthz's and as ratios to them (shared machines are noisy: a ratio within one run is
the figure to compare between runs), and the CPU a registration cost the server and
PostgreSQL counted in /healthz requests (read from /proc, so other work does not count), and
how long each registration held the event's lock beside the floor of that hold on this
machine under the same burst (bench/lock_floor.py, in a process of its own) and as a ratio to it.
Checks: that cost at most MAX_COST, exactly 500 confirmed and the rest waiting, no 5xx, and
what each client was told (the flash message of its redirect) is what the database holds.
bench/faults.py runs the same burst while things break.
Uses SQLite in a temporary folder, or PostgreSQL when DATABASE_URL is set (the database is
emptied first: never point it at real data). BENCH_CLIENTS, BENCH_ATTEMPTS and BENCH_SEATS
change the burst. Run: `make bench`.
"""
import collections
import contextlib
import http.client
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import Database, gunicorn, lock_holds, pct, production_shape, query, server_cpu  # noqa: E402

CLIENTS = int(os.environ.get("BENCH_CLIENTS", 64))
ATTEMPTS = int(os.environ.get("BENCH_ATTEMPTS", 2000))
SEATS = int(os.environ.get("BENCH_SEATS", 500))
WORKERS, THREADS = production_shape()
# A registration is two requests (form, then post) and, under the event's lock, renders the
# e-mail with its QR code and calendar entry: with 16 clients (2026-11) its throughput was 0.027
# of /healthz's on SQLite and 0.018 on PostgreSQL, so it may cost at most about 65 health
# checks. The target is on CPU (the server's and PostgreSQL's, read from /proc), which other
# work on a shared machine does not move as it moves throughput.
MAX_COST = 65
#: the aim for how long one registration holds the event's lock (from the database's answer to
#: the lock's UPDATE to the end of the database's commit), p99: every registration for the event
#: waits for the one holding it. Printed beside the floor of this machine under the same load
#: (bench/lock_floor.py: a lock taken and committed at once)
MAX_LOCK_HOLD_P99_MS = 3
#: a client whose request died or got a 503 tries again after this pause (a person reloading)
RETRY_PAUSE = 0.5
REQUEST_TIMEOUT = 30


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def prepare(url, seats=SEATS):
    """An empty database with one published event of `seats` in-person seats; its id."""
    return _add_event(url, seats, "Bench", fresh=True)


def _add_event(url, seats, title, fresh):
    """A published event added to the bench database (emptied first when `fresh`); its id."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from config import TestingConfig
    from fis_events import create_app
    from fis_events.db_types import utcnow
    from fis_events.events import services
    from fis_events.events.models import EventKind
    from fis_events.extensions import db
    from fis_events.unit_of_work import unit_of_work

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(Config)
    with app.app_context():
        if fresh and db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        if fresh:
            upgrade()
        start = utcnow() + timedelta(days=7)
        with unit_of_work():
            event = services.create_event(title=title, kind=EventKind.PUBLIC_EVENT,
                                           starts_at=start, ends_at=start + timedelta(hours=2),
                                           offers_in_person=True, capacity_in_person=seats)
            services.publish_event(event)
        event_id = event.id
        db.engine.dispose()
    return event_id


@contextlib.contextmanager
def lock_floor(url, log):
    """bench/lock_floor.py running beside the burst, on an event of its own, until the block
    ends: what a lock taken and committed at once holds under the same load."""
    event_id = _add_event(url, 1, "Bench, lock floor", fresh=False)
    probe = subprocess.Popen([sys.executable, str(ROOT / "bench" / "lock_floor.py"), url,
                              str(event_id), str(log)], cwd=ROOT)
    try:
        yield
    finally:
        probe.terminate()
        probe.wait(timeout=30)


def flash_reader():
    """Reads the flash messages in a session cookie of the bench server (TestingConfig's key):
    how a client learns, from the redirect alone, whether it got a seat or a waiting place."""
    from flask import Flask
    from flask.sessions import SecureCookieSessionInterface

    from config import TestingConfig

    app = Flask(__name__)
    app.secret_key = TestingConfig.SECRET_KEY
    return SecureCookieSessionInterface().get_signing_serializer(app)


@dataclass
class Attempt:
    """One person's registration as their client saw it. outcome: 'confirmed' or 'waiting' (the
    redirect's message), 'already' (a retry was told "already registered": an earlier post went
    through but its answer was lost), 'HTTP <status>' or 'died' (given up), None (not settled)."""

    n: int
    outcome: str = None
    seconds: float = 0.0
    #: a post died or got a 5xx: whether it registered anybody, the client cannot know
    lost_post: bool = False

    @property
    def email(self):
        return f"b{self.n}@example.org"


class Burst:
    """Attempts spread over concurrent clients. Every request is recorded as (began, ended,
    status) on time.monotonic(), status 0 for one that died (reset, refused, timed out), so the
    fault benches can tell what was answered while a fault lasted. With `retry_for` seconds, a
    request that died or got a 503 is sent again after RETRY_PAUSE until it gets an answer or
    that time is up; without, the first answer stands."""

    def __init__(self, base, event_id, retry_for=0, attempts=ATTEMPTS):
        self.base, self.event_id, self.retry_for, self.total = base, event_id, retry_for, attempts
        self.requests, self.attempts, self.settled, self.seconds = [], [], 0, None
        self.lock, self.cookies = threading.Lock(), flash_reader()

    def run(self, clients=CLIENTS):
        began = time.monotonic()
        with ThreadPoolExecutor(max_workers=clients) as pool:
            self.attempts = list(pool.map(self.attempt, range(self.total)))
        self.seconds = time.monotonic() - began
        return self.attempts

    @property
    def rate(self):
        return self.total / self.seconds

    def wait_until_settled(self, fraction):
        """Block until `fraction` of the attempts have their answer (for faults mid-burst)."""
        while self.settled < fraction * self.total:
            time.sleep(0.02)

    def fetch(self, opener, url, body=None):
        """(status, body) of one request, recorded."""
        began = time.monotonic()
        try:
            with opener.open(url, body, timeout=REQUEST_TIMEOUT) as response:
                status, page = response.status, response.read()
        except urllib.error.HTTPError as error:  # with NoRedirect, a 302 too
            status, page = error.code, error.read()
        except (OSError, http.client.HTTPException):
            status, page = 0, b""
        self.requests.append((began, time.monotonic(), status))
        return status, page

    def answer(self, opener, url, body=None, attempt=None):
        """The first answer that is neither a 503 nor a dead request, within `retry_for`."""
        deadline = time.monotonic() + self.retry_for
        while True:
            status, page = self.fetch(opener, url, body)
            if status and status < 500:
                return status, page
            if body is not None:
                attempt.lost_post = True
            if not (status in (0, 503) and time.monotonic() + RETRY_PAUSE < deadline):
                return status, page
            time.sleep(RETRY_PAUSE)

    def attempt(self, n):
        attempt = Attempt(n)
        jar = CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
        url = f"{self.base}/eventi/{self.event_id}/iscrizione"
        began = time.monotonic()
        status, page = self.answer(opener, url)
        if status == 200:
            token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page).group(1).decode()
            status, page = self.answer(opener, url, urllib.parse.urlencode({
                "csrf_token": token, "first_name": "Bench", "last_name": str(n),
                "email": attempt.email, "organisation": "Comune di Bergamo",
                "organisation_kind": "comune_capoluogo", "mode": "in_person",
                "privacy_notice": "y"}).encode(), attempt)
            if status == 302:
                session = self.cookies.loads(next(c.value for c in jar if c.name == "session"))
                attempt.outcome = {"success": "confirmed", "warning": "waiting"}.get(
                    session["_flashes"][-1][0], "unexpected message")
            elif status == 200:
                attempt.outcome = "already"
        if attempt.outcome is None:
            attempt.outcome = f"HTTP {status}" if status else "died"
        attempt.seconds = time.monotonic() - began
        with self.lock:
            self.settled += 1
        return attempt

    def statuses(self):
        return collections.Counter(status for _began, _ended, status in self.requests)


def health_round(base, requests, clients=CLIENTS):
    """(requests per second, latencies) of /healthz asked by `clients` threads at once."""
    def health(_n):
        began = time.monotonic()
        with urllib.request.urlopen(f"{base}/healthz", timeout=REQUEST_TIMEOUT) as response:
            response.read()
        return time.monotonic() - began

    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        latencies = list(pool.map(health, range(requests)))
    return requests / (time.monotonic() - began), latencies


def registrations(url, event_id):
    """{e-mail: status} of the event's registrations, and how many rows that took."""
    rows = query(url, "SELECT p.email, r.status FROM registration r JOIN person p "
                      f"ON p.id = r.person_id WHERE r.event_id = {int(event_id)}")
    return dict(rows), len(rows)


def outcome_checks(attempts, url, event_id, seats=SEATS):
    """What the clients were told against what the database holds: {description: held}."""
    database, rows = registrations(url, event_id)
    told = {a.email: a.outcome for a in attempts if a.outcome in ("confirmed", "waiting")}
    lost = {a.email for a in attempts if a.lost_post}
    unheard = set(database) - set(told)
    confirmed = sum(status == "confirmed" for status in database.values())
    waiting = sum(status == "waiting" for status in database.values())
    outcomes = collections.Counter(a.outcome for a in attempts)
    print(f"clients told: {outcomes['confirmed']} confirmed, {outcomes['waiting']} waiting, "
          f"{outcomes['already']} 'already registered' after a lost answer, "
          f"{len(attempts) - sum(outcomes[k] for k in ('confirmed', 'waiting', 'already'))} other; "
          f"{len(lost)} posts without an answer")
    print(f"database: {rows} registrations for {len(database)} e-mails, {confirmed} confirmed, "
          f"{waiting} waiting; {len(unheard)} of them unknown to their client")
    return {
        "every attempt answered (confirmed, waiting, or 'already registered' on a retry)":
            all(a.outcome in ("confirmed", "waiting", "already") for a in attempts),
        f"exactly {seats} confirmed, the other {len(attempts) - seats} waiting":
            confirmed == seats and waiting == len(attempts) - seats,
        "the clients' confirmed and waiting lists are the database's":
            all(database.get(email) == outcome for email, outcome in told.items()),
        "nothing lost or duplicated: one registration per e-mail, and those a client did not "
        "hear about belong to posts whose answer was lost":
            rows == len(database) == len(attempts) and unheard <= lost,
    }


def describe(burst):
    """Print the burst's throughput, latencies (form + post, retries included) and answers."""
    latencies = [a.seconds for a in burst.attempts]
    print(f"burst: {burst.total:,} attempts by {CLIENTS} clients in {burst.seconds:.1f} s, "
          f"{burst.rate:.1f} registrations/s; latency (form + post) "
          + ", ".join(f"p{p} {pct(latencies, p) * 1000:.0f} ms" for p in (50, 95, 99)))
    print("answers (HTTP status: requests): "
          + ", ".join(f"{status or 'died'}: {n}" for status, n in sorted(burst.statuses().items())))


def spread(milliseconds):
    return ", ".join(f"p{p} {pct(milliseconds, p):.2f} ms" for p in (50, 95, 99))


def verdict(name, checks):
    """Print each check and a PASS or FAIL line; True when every check holds."""
    for check, held in checks.items():
        print(f"check: {check}: {'yes' if held else 'NO'}")
    passed = all(checks.values())
    print(f"{name}: {'PASS' if passed else 'FAIL'}")
    return passed


def main():
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite"
        event_id = prepare(url)
        database = Database(url)
        hold_log, floor_log = Path(tmp) / "lock-holds.log", Path(tmp) / "lock-floor.log"
        with gunicorn(url, WORKERS, THREADS, env={"BENCH_LOCK_LOG": str(hold_log)}) as port:
            base = f"http://127.0.0.1:{port}"
            health_round(base, 200)  # warm up
            burst = Burst(base, event_id)
            server, backends = server_cpu(port), database.cpu()
            with lock_floor(url, floor_log):
                burst.run()
            server, backends = server_cpu(port) - server, database.cpu(backends)
            health_began = server_cpu(port)
            health_rate, health_latencies = health_round(base, len(burst.requests))
            health = (server_cpu(port) - health_began) / len(burst.requests)
        print(f"database: {url.split(':')[0]}, gunicorn: {WORKERS} workers x {THREADS} threads, "
              f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
        describe(burst)
        latencies = [a.seconds for a in burst.attempts]
        print(f"/healthz, the same {CLIENTS} clients, {len(burst.requests):,} requests: "
              f"{health_rate:.0f} req/s; "
              + ", ".join(f"p{p} {pct(health_latencies, p) * 1000:.1f} ms" for p in (50, 95, 99)))
        print(f"registration / /healthz: throughput {burst.rate / health_rate:.3f}×; latency "
              + ", ".join(f"p{p} {pct(latencies, p) / pct(health_latencies, p):.0f}×"
                          for p in (50, 95, 99)))
        cost = (server + backends) / burst.total / health
        print(f"CPU per registration (from /proc: what else runs does not count): server "
              f"{server / burst.total * 1000:.1f} ms"
              + (f", PostgreSQL {backends / burst.total * 1000:.1f} ms" if database.url else "")
              + f"; per /healthz {health * 1000:.2f} ms: one registration costs {cost:.0f} health checks")
        holds = lock_holds(hold_log)
        print(f"event lock held by a registration (the lock's answer to the commit's), {len(holds):,} "
              f"holds: {spread(holds)}, max {max(holds):.1f} ms")
        floor = lock_holds(floor_log)
        print(f"the floor, a lock taken and committed at once beside the burst, {len(floor):,} "
              f"holds: {spread(floor)}; a registration holds it "
              + ", ".join(f"p{p} {pct(holds, p) / pct(floor, p):.1f}×" for p in (50, 95, 99))
              + " the floor")
        checks = outcome_checks(burst.attempts, url, event_id)
        checks[f"the event lock is held under {MAX_LOCK_HOLD_P99_MS} ms at p99"] = (
            pct(holds, 99) < MAX_LOCK_HOLD_P99_MS)
    checks["no 5xx, no request died"] = all(200 <= s < 500 for s in burst.statuses())
    checks[f"a registration costs at most {MAX_COST} health checks of CPU"] = cost <= MAX_COST
    return 0 if verdict("bench registration", checks) else 1


if __name__ == "__main__":
    sys.exit(main())
