import pytest

from fis_events.registration import services as registrations
from fis_events.registration.models import AttendanceMode


@pytest.fixture
def registered():
    """Register someone directly (as an organiser would) and return the registration."""

    def make(event, n=1, mode=AttendanceMode.IN_PERSON, **extra):
        return registrations.register(event, email=f"badge{n}@example.org", first_name="Niccolò",
                                      last_name=f"D'Angelo {n}", mode=mode, source="organiser",
                                      **extra)[0]

    return make
