import pytest

from fis_events.registration import services as registrations
from fis_events.registration.models import AttendanceMode
from support import commit_test_work


@pytest.fixture
def registered():
    """Register someone directly (as an organiser would) and return the registration."""

    def make(event, n=1, mode=AttendanceMode.IN_PERSON, **extra):
        registration = registrations.register(
            event, email=f"badge{n}@example.org", first_name="Niccolò", last_name=f"D'Angelo {n}",
            mode=mode, source="organiser", **extra)[0]
        commit_test_work()
        return registration

    return make
