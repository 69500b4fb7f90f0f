"""Configuration: production takes its secrets from the environment or refuses to start."""
import pytest

from config import ProductionConfig, database_url
from fis_events import create_app


def test_production_refuses_to_start_without_secrets(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY, DATABASE_URL"):
        create_app("production")


def test_production_reads_the_environment(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s3cret-from-env")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db.example/fis")
    config = ProductionConfig()
    assert config.SECRET_KEY == "s3cret-from-env"
    assert config.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://u@db.example/fis"
    assert config.SESSION_COOKIE_SECURE


def test_database_url_defaults(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert database_url("sqlite:///x.sqlite") == "sqlite:///x.sqlite"
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    assert database_url() == "postgresql+psycopg://u@h/db"
