"""Fixtures for the attendance register: an event under way and the organiser marking it."""
import pytest

from fis_events.accounts.models import User
from fis_events.extensions import db


@pytest.fixture
def staff(app_ctx, auth):
    """The User of a role (created on first use), loaded in the test's session."""
    return lambda role="organiser": db.session.scalar(db.select(User).filter_by(email=auth.user(role)))


from notify.conftest import smtp_server  # noqa: E402,F401  (the real SMTP server on loopback)
