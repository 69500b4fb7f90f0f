"""Configuration classes; production values come from the environment."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def database_url(default=None):
    """DATABASE_URL with the psycopg 3 driver, whatever scheme the operator wrote."""
    url = os.environ.get("DATABASE_URL") or default
    if url and url.startswith(("postgres://", "postgresql://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = database_url(f"sqlite:///{BASE_DIR / 'instance' / 'fis-events.sqlite'}")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    BABEL_DEFAULT_LOCALE = "it"
    BABEL_DEFAULT_TIMEZONE = "Europe/Rome"
    LANGUAGES = ("it", "en")
    # Front-end libraries installed by npm; served from here, never from a CDN.
    NODE_MODULES = os.environ.get("NODE_MODULES", str(BASE_DIR / "node_modules"))
    PROGRAMME_CONTACT = os.environ.get("PROGRAMME_CONTACT", "innovazione@formez.it")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None


class DevelopmentConfig(Config):
    DEBUG = True
    #: demo accounts have a published password: never in production
    DEMO_USERS_ALLOWED = True


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing"
    DEMO_USERS_ALLOWED = True
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


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
