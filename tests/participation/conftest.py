"""Fixtures for the attendance register: an event under way and the organiser marking it."""
from datetime import timedelta

import pytest

from fis_events.accounts.models import User
from fis_events.db_types import utcnow
from fis_events.extensions import db


@pytest.fixture
def started_event(open_event):
    """A published event that started an hour ago, in person and remote."""

    def make(**fields):
        start = utcnow() - timedelta(hours=1)
        values = dict(starts_at=start, ends_at=start + timedelta(hours=3),
                      registration_closes_at=start - timedelta(minutes=1))
        values.update(fields)
        return open_event(**values)

    return make


@pytest.fixture
def staff(app_ctx, auth):
    """The User of a role (created on first use), loaded in the test's session."""
    return lambda role="organiser": db.session.scalar(db.select(User).filter_by(email=auth.user(role)))
