"""Structured logs: one JSON object per line, each request tagged with a request id.

Several app processes write to the same collector, so every line must stand on its own and
a request must be traceable across the proxy, gunicorn and the app by one id. Personal data
never reaches the logs: paths lose their query string and their token segments (personal
links are bearer secrets), and e-mail addresses and token-like strings in messages are masked.
"""
import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import g, has_request_context, request
from flask.logging import default_handler

REQUEST_ID_HEADER = "X-Request-ID"
#: an incoming id is reused only when it cannot smuggle anything into a log line
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")
#: a path segment made only of URL-safe characters, long, and with a digit or a capital:
#: our tokens (32 random characters) and certificate codes, never a word of our routes
_TOKEN_SEGMENT = re.compile(r"(?=[^/]*[0-9A-Z])[A-Za-z0-9_-]{12,}")
#: in free text, stricter (class names in tracebacks stay): digits, capitals and small letters
_TOKEN_IN_TEXT = re.compile(r"(?<![\w-])(?=[\w-]*[0-9])(?=[\w-]*[A-Z])(?=[\w-]*[a-z])"
                            r"[A-Za-z0-9_-]{24,}(?![\w-])", re.ASCII)
_EMAIL = re.compile(r"[^\s@<>()\"',;:]+@[^\s@<>()\"',;:]+\.[A-Za-z]{2,}")
access_log = logging.getLogger("fis_events.access")


def safe_path(path):
    """The path with every token-like segment replaced by ":token"."""
    return "/".join(":token" if _TOKEN_SEGMENT.fullmatch(part) else part
                    for part in path.split("/"))


def scrub(text):
    """Free text (messages, tracebacks) without e-mail addresses or token-like strings."""
    return _TOKEN_IN_TEXT.sub(":token", _EMAIL.sub("[email]", text))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, request fields."""

    FIELDS = ("method", "path", "status", "duration_ms", "event_ids", "held_ms")

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        request_id = getattr(record, "request_id", None) or _current_request_id()
        if request_id:
            entry["request_id"] = request_id
        entry.update({k: getattr(record, k) for k in self.FIELDS if hasattr(record, k)})
        if record.exc_info:
            entry["exception"] = scrub(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def _current_request_id():
    return g.get("request_id") if has_request_context() else None


def init_app(app):
    """Request ids and one access line per request; JSON on stderr unless told otherwise.

    Tests and `flask run` keep the usual text logs (LOG_FORMAT empty means JSON only when
    neither testing nor debugging); LOG_FORMAT=json or text decides explicitly.
    """
    app.before_request(_start)
    app.after_request(_finish)
    wanted = app.config.get("LOG_FORMAT") or ("text" if app.testing or app.debug else "json")
    if wanted == "json":
        use_json_logs(app)


def use_json_logs(app):
    """Every logger (app, SQLAlchemy, gunicorn's error log) writes JSON lines to stderr."""
    root = logging.getLogger()
    if not any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    app.logger.removeHandler(default_handler)
    # Our access line replaces the development server's, which prints the full URL.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


def _start():
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = incoming if _SANE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _finish(response):
    request_id = g.get("request_id")
    if request_id is None:  # a before_request earlier in the chain answered first
        return response
    response.headers[REQUEST_ID_HEADER] = request_id
    if access_log.isEnabledFor(logging.INFO):
        duration = round((time.perf_counter() - g.request_started) * 1000, 1)
        access_log.info("%s %s %s", request.method, safe_path(request.path), response.status_code,
                        extra={"request_id": request_id, "method": request.method, "path": safe_path(request.path),
                               "status": response.status_code, "duration_ms": duration})
    return response
