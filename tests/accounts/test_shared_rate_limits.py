"""With REDIS_URL, app processes share their rate limits: a log-in throttle cannot be dodged by
landing on another gunicorn worker or another machine. Two real processes, one real Redis."""
import json
import secrets
import socket
import subprocess
import sys
from pathlib import Path

import pytest

REDIS = ("127.0.0.1", 6379)
ROOT = Path(__file__).resolve().parents[2]

# One app process: its own database, Redis for the limits, three attempts per account a minute.
PROCESS = """
import json, re, sys
from config import TestingConfig
from fis_events import create_app
from fis_events.extensions import db

class Config(TestingConfig):
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    RATELIMIT_STORAGE_URI = "redis://%s:%d/0"
    RATELIMIT_KEY_PREFIX = sys.argv[1]
    RATELIMIT_LOGIN_ACCOUNT = "3 per minute"

app = create_app(Config)
with app.app_context():
    db.create_all()
client = app.test_client()
statuses = []
for _ in range(int(sys.argv[2])):
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/accesso").text).group(1)
    statuses.append(client.post("/accesso", data={"email": "nessuno@example.org",
        "password": "sbagliata-123", "csrf_token": token}).status_code)
print(json.dumps(statuses))
""" % REDIS


def redis_answers():
    try:
        with socket.create_connection(REDIS, timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not redis_answers(), reason="no Redis on 127.0.0.1:6379 (CI has one)")


def attempts(prefix, count):
    """The status codes of `count` failed log-ins made by a new app process."""
    done = subprocess.run([sys.executable, "-c", PROCESS, prefix, str(count)], cwd=ROOT, timeout=120,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_log_in_throttle_is_shared_between_processes():
    prefix = f"fis-test-{secrets.token_hex(6)}"  # a run of its own: nothing left from earlier runs
    assert attempts(prefix, 2) == [422, 422]
    assert attempts(prefix, 2) == [422, 429]  # the first process's attempts count here too
