"""gunicorn settings for production: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

Everything that depends on the machine comes from the environment, so one file serves every
host. No access log: the app writes its own line per request (JSON, with the request id and
without tokens in paths, see fis_events/logs.py), which gunicorn's would duplicate and leak.
"""
import multiprocessing
import os

#: workers when WEB_CONCURRENCY is unset: gunicorn's 2 × cores + 1, at most this many (each
#: holds its own database pool, and the database's connections are counted)
MAX_DEFAULT_WORKERS = 12


def _int(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


bind = os.environ.get("BIND") or f"127.0.0.1:{_int('PORT', 8000)}"
workers = _int("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, MAX_DEFAULT_WORKERS))
#: one thread per worker by default: the app spends its time on the CPU, and threads of one
#: worker queue for its GIL after every database round trip, also while one of them holds an
#: event's lock (measured with bench/registration.py, see the README's "Load and faults")
threads = _int("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"
timeout = _int("GUNICORN_TIMEOUT", 60)  # PDFs of a whole event and big exports take a while
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
#: a worker is replaced after about this many requests (bounds slow memory growth)
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
#: requests and their id arrive from the reverse proxy on loopback
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

if os.environ.get("LOG_FORMAT", "json") == "json":
    # gunicorn's own lines (worker started, timeouts) as JSON too; its access log stays off.
    logconfig_dict = {
        "root": {"level": "INFO", "handlers": ["json"]},
        "loggers": {
            "gunicorn.error": {"level": loglevel.upper(), "handlers": [], "propagate": True},
            "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
        },
        "handlers": {"json": {"class": "logging.StreamHandler", "formatter": "json",
                              "stream": "ext://sys.stderr"}},
        "formatters": {"json": {"()": "fis_events.logs.JsonFormatter"}},
    }
