"""Events that ended, with attendances, and the feedback send run as cron would."""
import contextvars
from datetime import timedelta
from types import SimpleNamespace

import pytest
from support import commit_test_work

from fis_events.db_types import utcnow
from fis_events.events import services as events
from fis_events.extensions import db
from fis_events.feedback.models import FeedbackInvitation
from fis_events.feedback.sending import send_feedback
from fis_events.participation.models import AttendanceSource
from fis_events.participation.services import record_attendance
from fis_events.registration.models import AttendanceMode


@pytest.fixture
def ended_event(make_event, enrol):
    """A published event that ended `days_ago` days ago; anna came in person (scanned), bruno
    joined remotely, carla registered and did not come. Returns the event and the people."""

    def make(days_ago=1, **fields):
        start = utcnow() - timedelta(days=days_ago, hours=3)
        values = dict(title="Laboratorio di co-progettazione", starts_at=start,
                      ends_at=start + timedelta(hours=2), offers_remote=True,
                      remote_url="https://meet.jit.si/fis-prova",
                      registration_closes_at=start - timedelta(minutes=1))
        values.update(fields)
        event = make_event(**values)
        events.publish_event(event)
        anna = enrol(event, "Anna", "Rossi", organisation="Comune di Bergamo")
        bruno = enrol(event, "Bruno", "Verdi", mode=AttendanceMode.REMOTE)
        carla = enrol(event, "Carla", "Neri")
        attend(anna, AttendanceSource.QR_SCAN)
        attend(bruno, AttendanceSource.REMOTE_JOIN)
        commit_test_work()
        return SimpleNamespace(event=event, anna=anna, bruno=bruno, carla=carla)

    return make


def attend(registration, source=AttendanceSource.MANUAL):
    attendance, _created = record_attendance(registration.event, registration.person,
                                             registration.mode, source, registration=registration)
    commit_test_work()
    return attendance


@pytest.fixture
def run_send(app):
    """`send_feedback` as the hourly cron runs it: its own app context, committed; what it did."""

    def run(now=None):
        commit_test_work()

        def job():
            with app.test_request_context():
                sent = send_feedback(now)
                db.session.commit()
                return sent

        return contextvars.Context().run(job)

    return run


def invitation_of(registration):
    return db.session.scalar(db.select(FeedbackInvitation).join(FeedbackInvitation.attendance)
                             .filter_by(person_id=registration.person_id))
