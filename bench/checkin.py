"""Door rush: concurrent scanners against gunicorn on loopback, on SQLite or PostgreSQL.

32 scanners check in 5,000 distinct badges plus 1,000 repeated scans; then 8 scanners check in
1,000 more badges for the latency target. Each scanner is a process of its own with one
keep-alive connection, like a phone at the door, sending requests prepared beforehand (threads
of one Python process would queue on its GIL and add that wait to the latencies they measure).
Throughput and p50/p95/p99 latency are printed as ratios to /healthz of the same server, asked
by the same scanners in the same run, with the raw figures beside them, and so is the CPU each
request cost the server, PostgreSQL and the scanners (read from /proc, so what else runs on the
machine does not count). Checks: exactly one attendance per badge, every repeat answered
"already_checked_in", no 5xx; targets: throughput at 32 scanners at least half of /healthz's,
p99 at 8 scanners under 25 ms. Prints PASS only when all hold.
Uses SQLite in a temporary folder, or PostgreSQL when DATABASE_URL is set (emptied first).
Run: `make bench`. The server has production's settings (deploy/gunicorn.conf.py):
WEB_CONCURRENCY and GUNICORN_THREADS change them, as they do there.
"""
import http.client
import json
import multiprocessing
import os
import re
import secrets
import socket
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import Database, count, gunicorn, pct, production_shape, server_cpu  # noqa: E402

BADGES = int(os.environ.get("BENCH_BADGES", 5000))
REPEATS = int(os.environ.get("BENCH_REPEATS", 1000))
SMALL_ROUND = 1000
#: production's gunicorn: 2 × cores + 1 workers of one thread (a second thread in a worker
#: only makes the one holding a lock wait for the worker's GIL after each database call)
WORKERS, THREADS = production_shape()
PASSWORD = "bench-password-123"


def prepare(url, badges=None):
    """An event happening now with `badges` (default BADGES) confirmed registrations, inserted
    in bulk."""
    badges = badges or BADGES
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
            for n in range(badges)])
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
    """One scanner: logs in (with http.client), then sends prepared requests on its own
    keep-alive socket. The timed part is a send and a read of the bytes the server answers with:
    the scanners share the two cores with the server, so the lighter they are, the less they
    slow it down. Answers are parsed after the round."""

    def __init__(self, port):
        self.port = port
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        cookies = {}

        def request(method, path, body=None, headers=None):
            headers = dict(headers or {}, Cookie="; ".join(f"{k}={v}" for k, v in cookies.items()))
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _sep, rest = header.partition("=")
                cookies[name] = rest.split(";")[0]
            return response.read().decode()

        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', request("GET", "/accesso")).group(1)
        request("POST", "/accesso", urllib.parse.urlencode(
            {"email": "porta@example.org", "password": PASSWORD, "csrf_token": token}),
            {"Content-Type": "application/x-www-form-urlencoded"})
        self.csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', request("GET", "/")).group(1)
        self.cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
        connection.close()
        self.sock = None

    def scan(self, event_id, payload):
        body = json.dumps({"payload": payload, "nonce": secrets.token_hex(12)})
        return (f"POST /api/v1/events/{event_id}/checkin/scan HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Cookie: {self.cookie}\r\nX-CSRFToken: {self.csrf}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n{body}").encode()

    def health(self, _event_id, _payload):
        return (f"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {self.cookie}\r\n\r\n").encode()

    def exchange(self, request):
        """(seconds, status, body) of one request; reconnects once if the server had closed."""
        began = time.perf_counter()
        try:
            status, body = self._exchange(request)
        except ConnectionError:
            self.sock = None
            status, body = self._exchange(request)
        return time.perf_counter() - began, status, body

    def _exchange(self, request):
        if self.sock is None:
            self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=60)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data:
            data += self._receive()
        head, _sep, body = data.partition(b"\r\n\r\n")
        length = int(re.search(rb"(?i)\r\ncontent-length: *(\d+)", head).group(1))
        while len(body) < length:
            body += self._receive()
        return int(head[9:12]), body

    def _receive(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionResetError("the server closed the connection")
        return chunk


def scanner(port, method, event_id, share, ready, go, results):
    """One scanner process: log in, prepare its requests, wait for the others, send them one
    after the other, report the answers and the CPU that took."""
    client = Client(port)
    requests = [getattr(client, method)(event_id, payload) for payload in share]
    ready.wait()
    go.wait()
    began = time.process_time()
    answers = [client.exchange(request) for request in requests]
    results.send((answers, time.process_time() - began))
    results.close()


def answer(status, body):
    return json.loads(body).get("result") if status == 200 else None


@dataclass
class Round:
    """One round of requests: rate, latencies, answers, and the CPU each request cost the
    server, the database server (PostgreSQL backends; SQLite runs inside the server) and the
    scanners, in milliseconds."""

    rate: float
    latencies: list
    answers: list
    server_ms: float
    database_ms: float
    client_ms: float


def run(port, clients, work, method, event_id, database):
    """Each scanner works through its share of the payloads at the same time as the others."""
    context = multiprocessing.get_context("fork")
    ready, go = context.Barrier(clients + 1, timeout=120), context.Barrier(clients + 1, timeout=120)
    pipes = [context.Pipe(duplex=False) for _ in range(clients)]
    processes = [context.Process(target=scanner,
                                 args=(port, method, event_id, work[i::clients], ready, go, sender))
                 for i, (_receiver, sender) in enumerate(pipes)]
    for process in processes:
        process.start()
    ready.wait()  # every scanner logged in: from here on the server works for this round only
    server, backends = server_cpu(port), database.cpu()
    go.wait()
    began = time.perf_counter()
    reports = [receiver.recv() for receiver, _sender in pipes]
    rate = sum(len(answers) for answers, _cpu in reports) / (time.perf_counter() - began)
    server, backends = server_cpu(port) - server, database.cpu(backends)
    for process in processes:
        process.join()
    results = [r for answers, _cpu in reports for r in answers]
    client = sum(cpu for _answers, cpu in reports)
    return Round(rate, [r[0] for r in results], [(r[1], answer(r[1], r[2])) for r in results],
                 *(seconds * 1000 / len(results) for seconds in (server, backends, client)))


def report(name, scans, base):
    print(f"{name}: {scans.rate:7.1f} scans/s ({scans.rate / base.rate:.2f}× /healthz {base.rate:.0f}/s); "
          + ", ".join(f"p{p} {pct(scans.latencies, p) * 1000:.1f} ms "
                      f"({pct(scans.latencies, p) / pct(base.latencies, p):.1f}×)" for p in (50, 95, 99)))
    database = (f", database {scans.database_ms:.2f} ms ({base.database_ms:.2f})"
                if scans.database_ms or base.database_ms else "")
    busy = (scans.server_ms + scans.database_ms + scans.client_ms) * scans.rate / 1000
    print(f"    CPU per request, scan (/healthz): server {scans.server_ms:.2f} ms "
          f"({base.server_ms:.2f}){database}, scanners {scans.client_ms:.2f} ms ({base.client_ms:.2f}); "
          f"the scans kept {busy:.1f} of {os.cpu_count()} cores busy")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp}/door.sqlite"
        event_id, all_payloads = prepare(url, BADGES + SMALL_ROUND)
        payloads, late = all_payloads[:BADGES], all_payloads[BADGES:]
        repeats = [payloads[n % len(payloads)] for n in range(0, REPEATS * 5, 5)]
        database = Database(url)
        with gunicorn(url, WORKERS, THREADS) as port:
            base = run(port, 32, [None] * (BADGES + REPEATS), "health", event_id, database)
            first = run(port, 32, payloads, "scan", event_id, database)
            second = run(port, 32, repeats, "scan", event_id, database)
            small_base = run(port, 8, [None] * SMALL_ROUND, "health", event_id, database)
            third = run(port, 8, late, "scan", event_id, database)
        attendances = count(url, "SELECT count(*) FROM attendance")
    answers = first.answers + second.answers + third.answers
    ok = [r for _, r in first.answers + third.answers].count("ok")
    repeats_ok = [r for _, r in second.answers].count("already_checked_in")
    errors = sum(s >= 500 for s, _ in answers)
    print(f"database: {url.split(':')[0]}, gunicorn: {WORKERS} workers x {THREADS} threads, "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    report(f"32 scanners, {len(payloads):,} badges", first, base)
    report(f"32 scanners, {len(repeats):,} repeats", second, base)
    report(f" 8 scanners, {len(late):,} badges", third, small_base)
    print(f"outcome: {ok} ok of {len(all_payloads)}, {repeats_ok} 'already checked in' of {len(repeats)}, "
          f"{attendances} attendances, {errors} 5xx")
    p99_small = pct(third.latencies, 99) * 1000
    targets = {
        "one attendance per badge, repeats answered as such, every answer 200":
            ok == len(all_payloads) and repeats_ok == len(repeats) and attendances == len(all_payloads)
            and all(s == 200 for s, _ in answers),
        f"throughput at 32 scanners ≥ 0.5× /healthz (got {first.rate / base.rate:.2f}×)":
            first.rate / base.rate >= 0.5,
        f"p99 at 8 scanners < 25 ms (got {p99_small:.1f} ms)": p99_small < 25,
    }
    for target, met in targets.items():
        print(f"target: {target}: {'met' if met else 'NOT MET'}")
    passed = all(targets.values())
    print("bench checkin: " + ("PASS" if passed else "FAIL"))
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
