from datetime import timedelta

import pytest

from fis_events.db_types import utcnow
from fis_events.registration import services as registrations
from fis_events.registration.models import AttendanceMode


@pytest.fixture
def today_event(open_event):
    """A published event happening now (registration closed, so people are added directly)."""

    def make(**fields):
        start = utcnow() - timedelta(hours=1)
        values = dict(starts_at=start, ends_at=start + timedelta(hours=4),
                      registration_closes_at=start - timedelta(minutes=1))
        values.update(fields)
        return open_event(**values)

    return make


@pytest.fixture
def registered():
    """Register someone directly (as an organiser would) and return the registration."""

    def make(event, n=1, mode=AttendanceMode.IN_PERSON, **extra):
        return registrations.register(event, email=f"badge{n}@example.org", first_name="Niccolò",
                                      last_name=f"D'Angelo {n}", mode=mode, source="organiser",
                                      **extra)[0]

    return make
