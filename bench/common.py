"""What the benchmarks share: a gunicorn on loopback, a free port, counting rows afterwards."""
import contextlib
import http.client
import os
import socket
import subprocess
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
#: the gunicorn master process behind each port served by gunicorn()
_servers = {}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def gunicorn(database_url, workers, threads):
    """gunicorn serving bench.common:make_app() on a free loopback port; yields the port."""
    port = free_port()
    env = dict(os.environ, DATABASE_URL=database_url)
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--threads", str(threads), "--keep-alive", "60", "--log-level", "warning",
         "bench.common:make_app()"], cwd=ROOT, env=env)
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


def server_cpu(port):
    """CPU seconds used so far by the gunicorn on `port`, master and workers (from /proc, so
    what other programs on the machine use does not count)."""
    master = _servers[port].pid
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return cpu_seconds([master, *map(int, children)])


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


def count(database_url, sql):
    from config import database_url as normalised

    os.environ["DATABASE_URL"] = database_url
    engine = sa.create_engine(normalised())
    with engine.connect() as conn:
        value = conn.execute(sa.text(sql)).scalar()
    engine.dispose()
    return value


def make_app():
    """gunicorn's entry point: the testing configuration on the bench database, no rate limits."""
    from config import TestingConfig, database_url
    from fis_events import create_app

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url()
        RATELIMIT_ENABLED = False

    return create_app(Config)


def timed(client, url):
    """Seconds one GET of `url` takes through a Flask test client (asserting a 200)."""
    began = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - began
    assert response.status_code == 200, (url, response.status_code)
    return elapsed
