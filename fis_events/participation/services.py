"""Recording attendance: at most one per person and event, whatever the source."""
from datetime import timedelta

from sqlalchemy.orm import make_transient_to_detached

from ..db_types import utcnow
from ..extensions import db
from ..sql import insert_unless_exists
from .models import Attendance, AttendanceEvidence, AttendanceSource, RemoteJoinClick

#: the personal join link counts from this long before the start until the end
JOIN_OPENS_BEFORE = timedelta(minutes=30)


def find_attendance(event_id, person_id):
    return db.session.scalar(db.select(Attendance).filter_by(event_id=event_id, person_id=person_id))


def record_attendance(event, person, mode, source, registration=None, recorded_by=None,
                      device=None, at=None):
    """Returns (attendance, created). A second source for the same person and event adds its
    evidence and nothing else: the unique constraint decides, so concurrent requests cannot
    make two attendances."""
    at, source = at or utcnow(), AttendanceSource(source)
    values = dict(event_id=event.id, person_id=person.id, organisation_id=person.organisation_id,
                  mode=mode, source=source, registration_id=getattr(registration, "id", None),
                  recorded_by_id=getattr(recorded_by, "id", None), device=device, recorded_at=at)
    attendance_id = insert_unless_exists(Attendance, values, ("event_id", "person_id"))
    if attendance_id is None:
        attendance = find_attendance(event.id, person.id)
    else:
        # The row just inserted, made persistent in the session without reading it back.
        attendance = Attendance(id=attendance_id, **values)
        make_transient_to_detached(attendance)
        db.session.add(attendance)
    insert_unless_exists(AttendanceEvidence, dict(attendance_id=attendance.id, source=source,
                                                  recorded_at=at), ("attendance_id", "source"))
    return attendance, attendance_id is not None


def remote_join(registration, now=None):
    """A click on a personal join link: 'redirect' (and, the first time in the event's window,
    an attendance), or why not: 'not_entitled', 'not_yet', 'ended'. Every click is logged."""
    event, now = registration.event, now or utcnow()
    if not registration.is_remote_confirmed or not event.remote_url or event.is_cancelled:
        return "not_entitled"
    click = RemoteJoinClick(registration_id=registration.id, clicked_at=now)
    db.session.add(click)
    if now < event.starts_at - JOIN_OPENS_BEFORE:
        outcome = "not_yet"
    elif now > event.ends_at:
        outcome = "ended"
    else:
        _, click.counted = record_attendance(event, registration.person, registration.mode,
                                             AttendanceSource.REMOTE_JOIN, registration=registration,
                                             at=now)
        outcome = "redirect"
    db.session.commit()
    return outcome
