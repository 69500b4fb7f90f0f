"""What the benchmarks share: a gunicorn on loopback, a free port, counting rows afterwards,
and for the fault benches a private PostgreSQL cluster that they may stop and start."""
import contextlib
import http.client
import logging
import os
import runpy
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
#: the gunicorn master process behind each port served by gunicorn()
_servers = {}


def production_shape():
    """(workers, threads) that production's gunicorn settings give on this machine, after
    WEB_CONCURRENCY and GUNICORN_THREADS: the benches measure the server as it is deployed."""
    settings = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    return settings["workers"], settings["threads"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def gunicorn(database_url, workers, threads, log=None, env=None):
    """gunicorn serving bench.common:make_app() on a free loopback port; yields the port.
    `log`: a file for its error output (the app's warnings too) instead of ours; `env`: more
    environment variables for it."""
    port = free_port()
    env = dict(os.environ, **(env or {}), DATABASE_URL=database_url)
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--threads", str(threads), "--keep-alive", "60", "--log-level", "warning",
         "bench.common:make_app()"], cwd=ROOT, env=env, stderr=log)
    _servers[port] = server
    try:
        for _ in range(200):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                connection.request("GET", "/healthz")
                connection.getresponse().read()
                connection.close()
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        del _servers[port]
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def worker_pids(port):
    """The pids of the gunicorn workers serving `port` now (its master restarts dead ones)."""
    master = _servers[port].pid
    return [int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()]


def server_cpu(port):
    """CPU seconds used so far by the gunicorn on `port`, master and workers (from /proc, so
    what other programs on the machine use does not count)."""
    return cpu_seconds([_servers[port].pid, *worker_pids(port)])


def cpu_seconds(pids):
    """User and system CPU seconds of these processes (those gone since are skipped)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def query(database_url, sql):
    """Every row `sql` returns, through a connection of its own."""
    from config import database_url as normalised

    os.environ["DATABASE_URL"] = database_url
    engine = sa.create_engine(normalised())
    with engine.connect() as conn:
        rows = conn.execute(sa.text(sql)).all()
    engine.dispose()
    return rows


def count(database_url, sql):
    return query(database_url, sql)[0][0]


def pct(values, p):
    """The p-th percentile of `values`."""
    return statistics.quantiles(values, n=100)[p - 1]


class Database:
    """The CPU of the PostgreSQL backends serving the bench database (nothing for SQLite)."""

    BACKENDS = ("SELECT string_agg(pid::text, ' ') FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                "AND application_name <> 'fis-lock-floor'")  # bench/lock_floor.py's own

    def __init__(self, url):
        self.url = url if url.startswith("postgres") else None

    def cpu(self, before=None):
        """CPU seconds per backend now, or, given an earlier reading, the seconds used since."""
        if self.url is None:
            return {} if before is None else 0
        now = {pid: cpu_seconds([pid]) for pid in map(int, (count(self.url, self.BACKENDS) or "").split())}
        return now if before is None else sum(now[pid] - before.get(pid, 0) for pid in now)


def make_app():
    """gunicorn's entry point: the testing configuration on the bench database, no rate limits.
    With REDIS_URL (bench/faults.py's two machines) the limits are on and kept in Redis, as in
    production, so that every process counts in the same counters; their ceilings are far above
    what the bench's one loopback address sends, over a day, so that one counter holds a run."""
    from config import TestingConfig, database_url
    from fis_events import create_app

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url()
        RATELIMIT_ENABLED = bool(os.environ.get("REDIS_URL"))
        RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "")
        RATELIMIT_FORM = RATELIMIT_LINK = RATELIMIT_LOGIN = RATELIMIT_LOGIN_ACCOUNT = "1000000 per day"

    if os.environ.get("BENCH_LOCK_LOG"):
        record_lock_holds(os.environ["BENCH_LOCK_LOG"])
    return create_app(Config)


def record_lock_holds(path):
    """Every release of an event lock in this process, its hold time in ms, one line each in
    `path` (appended: the workers share it)."""
    handler = logging.FileHandler(path)
    handler.setFormatter(logging.Formatter("%(held_ms)s"))
    handler.addFilter(lambda record: hasattr(record, "held_ms"))
    logger = logging.getLogger("fis_events.events.locks")
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    logger.addHandler(handler)


def lock_holds(path):
    """The hold times (ms) record_lock_holds wrote."""
    return [float(line) for line in Path(path).read_text().split()]


def timed(client, url):
    """Seconds one GET of `url` takes through a Flask test client (asserting a 200)."""
    began = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - began
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


class PrivatePostgres:
    """A PostgreSQL cluster of our own in a temporary folder, on a free loopback port, with
    trust authentication: the fault benches stop and start it mid-burst, which they must never
    do to the machine's shared server. Run by root, the cluster runs as the postgres user
    (PostgreSQL refuses root); by anybody else, as that user."""

    def __init__(self):
        installed = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                           key=lambda path: int(path.parent.parent.name))
        if not installed:
            raise SystemExit("No PostgreSQL server binaries in /usr/lib/postgresql "
                             "(apt-get install postgresql)")
        self.bin = installed[-1].parent
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="fis-faults-pg-"))
        self.data = self.folder / "data"
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args):
        as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*as_postgres, str(self.bin / args[0]), *args[1:]],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def create(self):
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "--auth=trust", "--no-sync", "-U", "postgres")
        return self.start()

    def start(self):
        """Start and wait until it accepts connections."""
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"), "-w",
                  "-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1", "start")
        return self

    def stop(self, mode="fast"):
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def remove(self):
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


@contextlib.contextmanager
def private_postgres():
    """A started PrivatePostgres, stopped and deleted afterwards whatever happened."""
    cluster = PrivatePostgres()
    try:
        yield cluster.create()
    finally:
        cluster.remove()
