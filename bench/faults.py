"""The registration burst while things break, on a private PostgreSQL cluster on loopback.

Each scenario is the burst of bench/registration.py (64 clients, 2,000 attempts, 500 seats)
against gunicorn (production's settings, deploy/gunicorn.conf.py) on a fresh database, with one
fault mid-burst. Its clients act as people would: a request that died (connection reset or
refused) or got a 503 is sent again after 0.5 s, for up to RETRY_FOR seconds. A client whose
post died cannot know whether it registered; its retry then hears either a redirect or "already
registered". So the checks are: every attempt ends with an answer, exactly 500 confirmed and
the rest waiting, what each client was told is what the database holds, and every registration
a client did not hear about belongs to a post whose answer was lost (nothing lost, nothing
duplicated).

- smtp: the outbox sender (`flask outbox send --loop`, a process of its own) delivers to an
  SMTP server on loopback that is stopped from 10% to 50% of the burst; afterwards every
  message in the outbox must reach it exactly once (Message-IDs counted at the server).
- postgres: the cluster is stopped (`pg_ctl -m fast`) at 15% of the burst and started again
  DOWN_SECONDS later: every request answered while it is down gets a 503 (never a 500), and
  the app serves again within RECOVERY_LIMIT of its return without being restarted.
- worker: one gunicorn worker is killed (SIGKILL) at 15%; its master starts another; no 5xx.
- machines: no fault, but two web machines: two gunicorns on two ports, each with its outbox
  sender, sharing the cluster and Redis (REDIS_URL, default redis://127.0.0.1:6379/0, for the
  rate limits, under a key prefix of the run's own, deleted afterwards). The burst goes through
  a round-robin balancer (each request to the next machine, so a form shown by one is often
  posted to the other); then bench/checkin.py's door rush, 32 scanners split across both, every
  repeat scan sent to the machine that did not admit the badge. Same checks as above, and: each
  e-mail received once, every badge admitted once, every repeat "already checked in", one
  attendance per badge, no 5xx, and the limiter's Redis counter holds the posts of both.

The private cluster (initdb in a temporary folder, a free port, trust authentication on
127.0.0.1 only) is the only database these faults touch, and it is deleted afterwards, even
on failure. Run as root (the cluster then runs as the postgres user) or as a user who may run
initdb. Prints figures and a PASS or FAIL line per scenario and exits non-zero on any FAIL;
then the logs of gunicorn (the app's warnings and errors) and of the sender are kept. Run: `make faults`; FAULTS=smtp,worker runs some scenarios only.
"""
import collections
import contextlib
import email.parser
import itertools
import multiprocessing
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import redis
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import checkin  # noqa: E402
from bench.common import count, free_port, gunicorn, pct, private_postgres, query, worker_pids  # noqa: E402
from bench.registration import (  # noqa: E402
    REQUEST_TIMEOUT, RETRY_PAUSE, THREADS, WORKERS, Burst, describe, outcome_checks, prepare,
    registrations, verdict)

RETRY_FOR = 60
DOWN_SECONDS = 5
RECOVERY_LIMIT = 5
#: after the burst, how long the outbox may take to be delivered (a message that failed while
#: the SMTP server was down is retried after 60-66 s)
DELIVERY_LIMIT = 180
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
MACHINES = 2
SCANNERS = 32


def burst_with(cluster, log, fault, event_id=None):
    """The burst on a fresh database (or the event `event_id` prepared already) with
    `fault(burst, port)` run beside it in a thread; returns (burst, event id, what the fault
    returned)."""
    event_id = event_id or prepare(cluster.url)
    with gunicorn(cluster.url, WORKERS, THREADS, log=log) as port:
        burst = Burst(f"http://127.0.0.1:{port}", event_id, retry_for=RETRY_FOR)
        with ThreadPoolExecutor(max_workers=1) as pool:
            fault_result = pool.submit(fault, burst, port)
            burst.run()
            result = fault_result.result()
    describe(burst)
    return burst, event_id, result


def worker(cluster, log):
    def fault(burst, port):
        burst.wait_until_settled(0.15)
        victim = worker_pids(port)[0]
        killed = time.monotonic()
        os.kill(victim, signal.SIGKILL)
        while True:
            pids = worker_pids(port)
            if (len(pids) == WORKERS and victim not in pids) or time.monotonic() - killed > 30:
                return {"victim": victim, "killed": killed, "forked": time.monotonic() - killed,
                        "workers": pids}
            time.sleep(0.05)

    burst, event_id, kill = burst_with(cluster, log, fault)
    died = [r for r in burst.requests if r[2] == 0]
    last = max((ended for _began, ended, _status in died), default=kill["killed"]) - kill["killed"]
    print(f"worker {kill['victim']} killed at 15% of the burst; its master forked another "
          f"{kill['forked']:.1f} s later (workers: {kill['workers']}); {len(died)} requests died "
          f"with it, the last {last:.1f} s after the kill")
    checks = outcome_checks(burst.attempts, cluster.url, event_id)
    checks["its master started another worker"] = (
        len(kill["workers"]) == WORKERS and kill["victim"] not in kill["workers"])
    checks["no 5xx"] = all(status < 500 for status in burst.statuses())
    return verdict("faults worker", checks)


def postgres(cluster, log):
    def fault(burst, _port):
        burst.wait_until_settled(0.15)
        times = {"stopping": time.monotonic()}
        cluster.stop("fast")
        times["down"] = time.monotonic()
        time.sleep(DOWN_SECONDS)
        times["starting"] = time.monotonic()
        cluster.start()
        times["up"] = time.monotonic()
        return times

    burst, event_id, times = burst_with(cluster, log, fault)
    while_down = [status for began, ended, status in burst.requests
                  if began >= times["down"] and ended <= times["starting"]]
    unavailable = [(began, ended) for began, ended, status in burst.requests if status == 503]
    back = [ended - times["up"] for began, ended, status in burst.requests
            if began >= times["up"] and 200 <= status < 400]
    last_503 = max((ended for _began, ended in unavailable), default=times["up"]) - times["up"]
    logged = Path(log.name).read_text()
    warnings, at_end = logged.count("database unavailable: "), logged.count("end of a request")
    print(f"PostgreSQL stopped at 15% of the burst in {times['down'] - times['stopping']:.1f} s, "
          f"down {times['starting'] - times['down']:.1f} s, started in "
          f"{times['up'] - times['starting']:.1f} s")
    print(f"while it was down: {len(while_down)} requests answered, "
          f"{collections.Counter(while_down).most_common()} (status, requests); "
          f"{len(unavailable)} 503s in all ({warnings} warnings logged for them); {at_end} "
          "connections dropped as their request ended, its answer kept")
    print(f"after it was back: first success {min(back, default=float('nan')):.2f} s later; "
          f"last 503 {abs(last_503):.2f} s {'before' if last_503 < 0 else 'after'} it was back")
    checks = outcome_checks(burst.attempts, cluster.url, event_id)
    checks["no 5xx but 503, no request died"] = all(
        0 < status < 500 or status == 503 for status in burst.statuses())
    checks["every request answered while it was down got a 503"] = (
        bool(while_down) and set(while_down) == {503})
    checks[f"the app served again by itself within {RECOVERY_LIMIT} s of its return, and no 503 "
           "after"] = bool(back) and min(back) < RECOVERY_LIMIT and last_503 < RECOVERY_LIMIT
    return verdict("faults postgres", checks)


class Mailbox:
    """aiosmtpd handler: the Message-ID and recipients of every message the server accepted."""

    def __init__(self):
        self.received, self.lock = [], threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        headers = email.parser.BytesHeaderParser().parsebytes(envelope.content)
        with self.lock:
            self.received.append((headers["Message-ID"], tuple(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


class SMTPServer:
    """An SMTP server on a loopback port that can be stopped and started again on that port."""

    def __init__(self):
        self.port, self.mailbox, self.controller = free_port(), Mailbox(), None

    def start(self):
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def outbox(cluster):
    return query(cluster.url, "SELECT message_id, to_address, status, attempts FROM outbox_message")


def start_sender(cluster, server, log):
    """`flask outbox send --loop` as a process of its own, delivering to `server`."""
    env = dict(os.environ, FLASK_APP="wsgi", FIS_CONFIG="production", SECRET_KEY="bench-faults",
               DATABASE_URL=cluster.url, MAIL_SERVER="127.0.0.1", MAIL_PORT=str(server.port))
    return subprocess.Popen([str(ROOT / ".venv/bin/flask"), "outbox", "send", "--loop",
                             "--interval", "1"], cwd=ROOT, env=env, stdout=log, stderr=log)


def wait_for_outbox(cluster):
    """Wait (at most DELIVERY_LIMIT) until every message of the outbox is sent; when that was."""
    ended = time.monotonic()
    while time.monotonic() - ended < DELIVERY_LIMIT:
        if all(status == "sent" for _id, _to, status, _attempts in outbox(cluster)):
            break
        time.sleep(1)
    return time.monotonic()


def stop_senders(senders):
    for sender in senders:
        sender.terminate()  # it finishes the message in hand first
    for sender in senders:
        sender.wait(timeout=60)


def mail_checks(cluster, server, burst, event_id):
    """The outbox against what the SMTP server received: {description: held}."""
    rows = outbox(cluster)
    received = server.mailbox.received
    copies = collections.Counter(message_id for message_id, _to in received)
    addressed = {message_id: (to,) for message_id, to, _status, _attempts in rows}
    database, _rows = registrations(cluster.url, event_id)
    already = sum(a.outcome == "already" for a in burst.attempts)
    print(f"outbox: {len(rows)} messages, {collections.Counter(r[2] for r in rows).most_common()}; "
          f"server received {len(received)} messages, {len(copies)} distinct")
    return {
        "one e-mail per registration (and per 'already registered' answer), to each person":
            len(rows) == len(database) + already and {to for _id, to, _s, _a in rows} == set(database),
        "every message in the outbox sent": all(r[2] == "sent" for r in rows),
        "every message received exactly once, by its recipient":
            set(copies) == set(addressed) and set(copies.values()) == {1}
            and all(addressed[message_id] == to for message_id, to in received),
    }


def smtp(cluster, log):
    server = SMTPServer()

    def fault(burst, _port):
        burst.wait_until_settled(0.1)
        server.stop()
        times = {"down": time.monotonic()}
        burst.wait_until_settled(0.5)
        server.start()
        times["up"] = time.monotonic()
        return times

    event_id = prepare(cluster.url)
    server.start()
    senders = [start_sender(cluster, server, log)]
    try:
        burst, event_id, times = burst_with(cluster, log, fault, event_id)
        ended = time.monotonic()
        delivered = wait_for_outbox(cluster)
    finally:
        stop_senders(senders)
        server.stop()
    delayed = sum(attempts > 0 for _id, _to, _status, attempts in outbox(cluster))
    print(f"SMTP server down from 10% to 50% of the burst ({times['up'] - times['down']:.1f} s); "
          f"{delayed} messages failed an attempt while it was down; all delivered "
          f"{delivered - times['up']:.0f} s after the server came back "
          f"({delivered - ended:.0f} s after the burst)")
    checks = outcome_checks(burst.attempts, cluster.url, event_id)
    checks["no 5xx, no request died"] = all(0 < status < 500 for status in burst.statuses())
    checks["the outage was felt: messages failed while the server was down"] = delayed > 0
    checks.update(mail_checks(cluster, server, burst, event_id))
    return verdict("faults smtp", checks)


class Balanced(Burst):
    """The burst behind a round-robin balancer: each request goes to the next machine in turn,
    so the form one machine showed is often posted to another (the session and its CSRF token
    travel in the cookie)."""

    def __init__(self, bases, event_id, retry_for):
        super().__init__(bases[0], event_id, retry_for=retry_for)
        self.bases, self.turns = bases, itertools.count()
        self.served, self.posts, self.crossed = collections.Counter(), 0, 0

    def fetch(self, opener, url, body=None):
        base = self.bases[next(self.turns) % len(self.bases)]
        with self.lock:
            self.served[base] += 1
            if body is None:
                opener.form_from = base
            else:
                self.posts += 1
                self.crossed += opener.form_from != base
        return super().fetch(opener, base + url.removeprefix(self.base), body)


@contextlib.contextmanager
def web_machines(cluster, log, threads, env):
    """MACHINES gunicorns (production's settings each) on the cluster; yields their ports."""
    with contextlib.ExitStack() as stack:
        yield [stack.enter_context(gunicorn(cluster.url, WORKERS, threads, log=log, env=env))
               for _ in range(MACHINES)]


def scan_round(ports, shares, event_id):
    """Scanner s (bench/checkin.py's: a process with one keep-alive connection) sends its share
    to the machine ports[s % MACHINES], all at the same time; returns (seconds, [(machine,
    latency, status, result)])."""
    context = multiprocessing.get_context("fork")
    ready, go = (context.Barrier(len(shares) + 1, timeout=120) for _ in range(2))
    pipes = [context.Pipe(duplex=False) for _ in shares]
    processes = [context.Process(target=checkin.scanner, args=(
        ports[s % MACHINES], "scan", event_id, share, ready, go, sender))
        for s, (share, (_receiver, sender)) in enumerate(zip(shares, pipes))]
    for process in processes:
        process.start()
    ready.wait()
    go.wait()
    began = time.monotonic()
    reports = [receiver.recv() for receiver, _sender in pipes]
    seconds = time.monotonic() - began
    for process in processes:
        process.join()
    return seconds, [(s % MACHINES, latency, status, checkin.answer(status, body))
                     for s, (answers, _cpu) in enumerate(reports) for latency, status, body in answers]


def describe_scans(name, seconds, scans):
    latencies = [latency for _machine, latency, _status, _result in scans]
    by_machine = collections.Counter(machine for machine, *_rest in scans)
    print(f"{name}: {len(scans) / seconds:.0f} scans/s, "
          + ", ".join(f"p{p} {pct(latencies, p) * 1000:.0f} ms" for p in (50, 95, 99))
          + f"; per machine {[by_machine[m] for m in range(MACHINES)]}; answers "
          f"{collections.Counter((status, result) for _m, _l, status, result in scans).most_common()}")


def machines(cluster, log):
    server, prefix = SMTPServer(), f"fis-faults-{secrets.token_hex(4)}"
    env = {"REDIS_URL": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix}
    limits = redis.Redis.from_url(REDIS_URL)
    limits.ping()
    try:
        event_id = prepare(cluster.url)
        server.start()
        senders = [start_sender(cluster, server, log) for _ in range(MACHINES)]
        try:
            with web_machines(cluster, log, THREADS, env) as ports:
                burst = Balanced([f"http://127.0.0.1:{port}" for port in ports], event_id, RETRY_FOR)
                burst.run()
            ended = time.monotonic()
            delivered = wait_for_outbox(cluster)
        finally:
            stop_senders(senders)
            server.stop()
        describe(burst)
        counted = sum(int(limits.get(key)) for key in limits.scan_iter(
            f"LIMITS:LIMITER/{prefix}/*/registration.register/*"))
        died = [ended - began for began, ended, status in burst.requests if status == 0]
        print(f"machines: {[burst.served[base] for base in burst.bases]} requests each; "
              f"{len(died)} given up by their client after {REQUEST_TIMEOUT} s and sent again; "
              f"{burst.crossed} of {burst.posts} posts went to another machine than their form; "
              f"the form's rate limit in Redis counted {counted} posts; outbox delivered by "
              f"{MACHINES} senders {delivered - ended:.0f} s after the burst")
        checks = outcome_checks(burst.attempts, cluster.url, event_id)
        checks["no 5xx"] = all(status < 500 for status in burst.statuses())
        checks[f"no request died, but for clients giving up after {REQUEST_TIMEOUT} s (a busy "
               "machine)"] = all(seconds >= REQUEST_TIMEOUT for seconds in died)
        checks["both machines served, and forms shown by one were posted to the other"] = (
            all(burst.served[base] for base in burst.bases) and burst.crossed > 0)
        checks["one rate-limit counter in Redis holds the posts of both machines"] = (
            counted == burst.posts)
        checks.update(mail_checks(cluster, server, burst, event_id))

        door_event, payloads = checkin.prepare(cluster.url)
        step = len(payloads) // checkin.REPEATS
        again = [[] for _ in range(SCANNERS)]
        for k in range(0, step * checkin.REPEATS, step):  # badge k was scanned at machine k % 2
            again[(k + 1) % SCANNERS].append(payloads[k])
        with web_machines(cluster, log, 4, env) as ports:
            first = scan_round(ports, [payloads[s::SCANNERS] for s in range(SCANNERS)], door_event)
            repeats = scan_round(ports, again, door_event)
        describe_scans(f"door rush, {SCANNERS} scanners, {len(payloads):,} badges", *first)
        describe_scans(f"door rush, {SCANNERS} scanners, {checkin.REPEATS:,} repeats", *repeats)
        attendances = count(cluster.url, "SELECT count(*) FROM attendance")
        print(f"door rush: {attendances} attendances for {len(payloads)} badges")
        checks["every badge admitted ('ok') the first time"] = (
            [result for *_rest, result in first[1]] == ["ok"] * len(payloads))
        checks["every repeat, at the machine that did not admit the badge, 'already checked in'"] = (
            [result for *_rest, result in repeats[1]] == ["already_checked_in"] * checkin.REPEATS)
        checks["one attendance per badge"] = attendances == len(payloads)
        checks["every scan answered 200 (no 5xx)"] = all(
            status == 200 for _m, _l, status, _r in first[1] + repeats[1])
    finally:
        for key in limits.scan_iter(f"LIMITS:LIMITER/{prefix}/*"):
            limits.delete(key)
    return verdict("faults machines", checks)


SCENARIOS = {
    "smtp": (smtp, "SMTP server down from 10% to 50% of the burst, the outbox sender running"),
    "postgres": (postgres, f"PostgreSQL stopped at 15% of the burst, started {DOWN_SECONDS} s later"),
    "worker": (worker, "a gunicorn worker killed (SIGKILL) at 15% of the burst"),
    "machines": (machines, f"no fault: {MACHINES} web machines on one PostgreSQL and Redis, "
                           "the burst and the door rush split across them"),
}


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so the cluster is removed then too
    chosen = os.environ.get("FAULTS", ",".join(SCENARIOS)).split(",")
    print(f"faults: {', '.join(chosen)}; {RETRY_PAUSE} s between a client's retries, at most "
          f"{RETRY_FOR} s; {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    results, logs = {}, Path(tempfile.mkdtemp(prefix="fis-faults-logs-"))
    with private_postgres() as cluster:
        for name in chosen:
            scenario, title = SCENARIOS[name]
            print(f"\n== {name}: {title}")
            began = time.monotonic()
            with open(logs / f"{name}.log", "w+") as log:
                results[name] = scenario(cluster, log)
            print(f"({time.monotonic() - began:.0f} s)")
    passed = all(results.values())
    summary = ", ".join(f"{name} {'pass' if ok else 'FAIL'}" for name, ok in results.items())
    if passed:
        shutil.rmtree(logs)
    else:
        print(f"\nthe logs of gunicorn (the app's warnings and errors) and of the sender: {logs}")
    print(f"\nbench faults: {'PASS' if passed else 'FAIL'} ({summary})")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
