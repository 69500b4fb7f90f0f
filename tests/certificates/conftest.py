"""An event that took place (Tuesday 24 October 2023, 15.00-18.00 in Genova) and people who
attended it."""
import pytest

from fis_events.participation.models import AttendanceSource
from fis_events.participation.services import record_attendance
from fis_events.extensions import db
from fis_events.programme.models import Programme
from fis_events.registration.models import AttendanceMode
from support import rome


@pytest.fixture
def programme(app_ctx):
    programme = Programme(code="FIS", name="FIS - Fondo Innovazione Sociale", implementer="Formez")
    db.session.add(programme)
    db.session.commit()
    return programme


@pytest.fixture
def held_event(open_event, programme):
    return open_event(title="Il Programma FIS e l'accompagnamento ai Comuni", starts_at=rome(2023, 10, 24, 15), ends_at=rome(2023, 10, 24, 18),
                      venue="Magazzini del Cotone", city="Genova", programme=programme)


@pytest.fixture
def attended(enrol):
    """Register someone and record their attendance; returns the registration."""

    def attended(event, first_name, last_name, mode=AttendanceMode.IN_PERSON,
                 source=AttendanceSource.QR_SCAN):
        registration = enrol(event, first_name, last_name, mode=mode)
        record_attendance(event, registration.person, mode, source, registration=registration)
        db.session.commit()
        return registration

    return attended
