"""Configuration classes; production values come from the environment."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def env_flag(name):
    """An on/off setting from the environment: off unless set to 1, true, yes or on."""
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def database_url(default=None):
    """DATABASE_URL with the psycopg 3 driver, whatever scheme the operator wrote."""
    url = os.environ.get("DATABASE_URL") or default
    if url and url.startswith(("postgres://", "postgresql://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = database_url(f"sqlite:///{BASE_DIR / 'instance' / 'fis-events.sqlite'}")

    @property
    def SQLALCHEMY_ENGINE_OPTIONS(self):  # noqa: N802 (a configuration key)
        """A database server may drop connections (restart, failover), so each checkout tests
        its connection first; a SQLite file cannot, so its requests skip that extra statement."""
        return {} if self.SQLALCHEMY_DATABASE_URI.startswith("sqlite") else {"pool_pre_ping": True}

    BABEL_DEFAULT_LOCALE = "it"
    BABEL_DEFAULT_TIMEZONE = "Europe/Rome"
    LANGUAGES = ("it", "en")
    # Front-end libraries installed by npm; served from here, never from a CDN.
    NODE_MODULES = os.environ.get("NODE_MODULES", str(BASE_DIR / "node_modules"))
    PROGRAMME_CONTACT = os.environ.get("PROGRAMME_CONTACT", "innovazione@formez.it")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    #: behind a reverse proxy (nginx, a load balancer) that sets X-Forwarded-Proto/-For/-Host:
    #: trust them, so https requests get HSTS and Secure cookies and rate limits see the client
    TRUST_PROXY_HEADERS = env_flag("TRUST_PROXY_HEADERS")
    WTF_CSRF_TIME_LIMIT = None
    #: no request body larger than this (attendance reports have their own 5 MB limit)
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    # E-mail: messages wait in the outbox and a sender delivers them over SMTP.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "127.0.0.1")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "8025"))
    MAIL_USE_TLS = env_flag("MAIL_USE_TLS")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Eventi FIS <eventi-fis@formez.it>")
    #: after this many failed attempts a message is given up ("failed")
    OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "8"))
    #: development only: a thread of the web process sends the outbox (production runs
    #: `flask outbox send --loop` as its own process)
    OUTBOX_SEND_IN_PROCESS = env_flag("OUTBOX_SEND_IN_PROCESS")
    #: feedback after an event: answers taken for this many days after it ends, and one
    #: reminder this many days after the invitation to those who have not answered
    FEEDBACK_OPEN_DAYS = int(os.environ.get("FEEDBACK_OPEN_DAYS", "30"))
    FEEDBACK_REMINDER_DAYS = int(os.environ.get("FEEDBACK_REMINDER_DAYS", "7"))
    #: base of the links in e-mails rendered outside a request (reminders, CLI)
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    # Rate limits per client: in memory on one machine, Redis when several processes share them.
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    #: "json" (one object per line) or "text"; empty: JSON unless testing or debugging
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "")
    #: per client: posting the registration form, and opening personal links (guessing them)
    RATELIMIT_FORM = os.environ.get("RATELIMIT_FORM", "20 per minute; 200 per hour")
    RATELIMIT_LINK = os.environ.get("RATELIMIT_LINK", "60 per minute")
    #: staff log-in attempts: per client address, and per account name tried (from anywhere)
    RATELIMIT_LOGIN = os.environ.get("RATELIMIT_LOGIN", "10 per minute; 50 per hour")
    RATELIMIT_LOGIN_ACCOUNT = os.environ.get("RATELIMIT_LOGIN_ACCOUNT", "10 per 15 minutes")
    #: participation totals are kept this many seconds before being counted again (0: always
    #: count); pages show when they were counted and organisers can recount at once
    RESULTS_MAX_AGE = int(os.environ.get("RESULTS_MAX_AGE", "600"))
    #: the largest file an organiser may attach to an event (bytes; 20 MB)
    MATERIALS_MAX_BYTES = int(os.environ.get("MATERIALS_MAX_BYTES", str(20 * 1024 * 1024)))
    #: how long a "Le mie iscrizioni" link opens its page (seconds; two days)
    MY_REGISTRATIONS_MAX_AGE = int(os.environ.get("MY_REGISTRATIONS_MAX_AGE", str(2 * 24 * 3600)))
    #: personal data of people with nothing at an event that ended within this many days is
    #: anonymised by `flask people purge-expired`
    RETENTION_DAYS = int(os.environ.get("RETENTION_DAYS", "730"))


class DevelopmentConfig(Config):
    DEBUG = True
    #: demo accounts have a published password: never in production
    DEMO_USERS_ALLOWED = True


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing"
    # Tests fire many requests from one address; the rate-limit test lowers these.
    RATELIMIT_FORM = RATELIMIT_LINK = RATELIMIT_LOGIN = RATELIMIT_LOGIN_ACCOUNT = "100000 per minute"
    DEMO_USERS_ALLOWED = True
    #: every test sees the figures of its own data (tests/results turn snapshots on to test them)
    RESULTS_MAX_AGE = 0
    SQLALCHEMY_DATABASE_URI = database_url("sqlite://")
    SERVER_NAME = None


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True

    def __init__(self):
        missing = [k for k in ("SECRET_KEY", "DATABASE_URL") if not os.environ.get(k)]
        if missing:
            raise RuntimeError(
                "Production needs these environment variables: " + ", ".join(missing)
            )
        self.SECRET_KEY = os.environ["SECRET_KEY"]
        self.SQLALCHEMY_DATABASE_URI = database_url()

    @property
    def SQLALCHEMY_ENGINE_OPTIONS(self):  # noqa: N802 (a configuration key)
        """SQL errors end up in the logs: without their parameters (e-mails, names, tokens)."""
        return {**super().SQLALCHEMY_ENGINE_OPTIONS, "hide_parameters": True}


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
