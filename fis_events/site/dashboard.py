"""The organisers' dashboard (``GET /gestione/cruscotto``): where they land after logging in.

It reads events, registrations, attendance, the outbox and staged reports, so it lives here,
above all of them. Its query count does not grow with the number of events: each panel is one
query (or one grouped query over the events shown)."""
from datetime import datetime, time, timedelta

from flask import Blueprint, render_template
from sqlalchemy import func

from ..accounts.access import organiser_required
from ..db_types import utcnow
from ..events.models import Event, EventStatus
from ..extensions import db
from ..feedback.figures import headline
from ..i18n import ROME, to_rome
from ..meetings.services import overdue_steps
from ..notify.models import OutboxMessage
from ..participation.models import Attendance, StagedReport
from ..registration.models import AttendanceMode, Registration, RegistrationStatus

bp = Blueprint("dashboard", __name__, url_prefix="/gestione")
#: how many coming events, and how many held events lacking attendance, the page lists
NEXT_EVENTS = 10
TO_RECORD = 10
#: overdue next steps of support meetings listed (all are counted)
OVERDUE_STEPS = 5


@bp.before_request
@organiser_required
def require_organiser():
    """For organisers and admins only."""


def today_bounds(now):
    """Today's midnight to midnight in Rome, as UTC-aware datetimes."""
    day = to_rome(now).date()
    start = datetime.combine(day, time(), ROME)
    return start, start + timedelta(days=1)


def registration_counts(event_ids):
    """{event id: {mode: {status: count}}} for confirmed and waiting registrations, one query."""
    counts = {event_id: {mode: {} for mode in AttendanceMode} for event_id in event_ids}
    rows = db.session.execute(
        db.select(Registration.event_id, Registration.mode, Registration.status,
                  func.count(Registration.id))
        .where(Registration.event_id.in_(event_ids),
               Registration.status != RegistrationStatus.CANCELLED)
        .group_by(Registration.event_id, Registration.mode, Registration.status)) if event_ids else ()
    for event_id, mode, status, count in rows:
        counts[event_id][mode][status] = count
    return counts


class Seats:
    """One mode of one event: confirmed against capacity, and the waiting list."""

    def __init__(self, mode, capacity, by_status):
        self.mode, self.capacity = mode, capacity
        self.confirmed = by_status.get(RegistrationStatus.CONFIRMED, 0)
        self.waiting = by_status.get(RegistrationStatus.WAITING, 0)

    @property
    def free_with_waiting(self):
        """Seats left while people wait: the promotion did not run, or capacity was raised."""
        return self.waiting > 0 and (self.capacity is None or self.confirmed < self.capacity)


def seats_of(event, counts):
    capacities = {AttendanceMode.IN_PERSON: (event.offers_in_person, event.capacity_in_person),
                  AttendanceMode.REMOTE: (event.offers_remote, event.capacity_remote)}
    return [Seats(mode, capacity, counts[event.id][mode])
            for mode, (offered, capacity) in capacities.items() if offered]


@bp.route("/cruscotto")
def index():
    now = utcnow()
    start, end = today_bounds(now)
    coming = db.session.scalars(
        db.select(Event).where(Event.status == EventStatus.PUBLISHED, Event.ends_at >= now)
        .order_by(Event.starts_at, Event.id).limit(NEXT_EVENTS)).all()
    today = db.session.scalars(
        db.select(Event).where(Event.status == EventStatus.PUBLISHED, Event.starts_at < end,
                               Event.ends_at >= start)
        .order_by(Event.starts_at, Event.id)).all()
    counts = registration_counts({event.id for event in coming + today})
    present = dict(db.session.execute(
        db.select(Attendance.event_id, func.count(Attendance.id))
        .where(Attendance.event_id.in_([event.id for event in today]),
               Attendance.mode == AttendanceMode.IN_PERSON)
        .group_by(Attendance.event_id)).all()) if today else {}
    coming_seats = [(event, seats_of(event, counts)) for event in coming]
    unrecorded = ~db.exists().where(Attendance.event_id == Event.id)
    to_record = db.session.execute(
        db.select(Event, func.count().over())
        .where(Event.held_condition(now), unrecorded)
        .order_by(Event.starts_at.desc(), Event.id.desc()).limit(TO_RECORD)).all()
    staged = db.session.execute(
        db.select(StagedReport.filename, StagedReport.created_at, Event)
        .join(Event, Event.id == StagedReport.event_id)
        .where(StagedReport.expires_at > now).order_by(StagedReport.created_at)).all()
    overdue, overdue_total = overdue_steps(OVERDUE_STEPS)
    failed = db.session.scalar(db.select(func.count(OutboxMessage.id))
                               .where(OutboxMessage.status == "failed"))
    return render_template(
        "site/dashboard.html", coming=coming_seats,
        today=[(event, present.get(event.id, 0),
                counts[event.id][AttendanceMode.IN_PERSON].get(RegistrationStatus.CONFIRMED, 0))
               for event in today],
        to_record=[event for event, _total in to_record],
        to_record_total=to_record[0][1] if to_record else 0,
        waiting=[(event, seats) for event, all_seats in coming_seats
                 for seats in all_seats if seats.free_with_waiting],
        staged=staged, failed=failed, overdue=overdue, overdue_total=overdue_total,
        feedback=headline())
