"""The reminder e-mail, the day before an event, to everyone whose registration is confirmed.

`flask reminders send` is meant to run every hour (cron or a systemd timer): each registration
gets its reminder once, whatever the number of runs, because the reminder's outbox row carries
the unique dedupe key "reminder:<registration id>". A registration confirmed later in the day
(a new registration, a promotion from the waiting list) gets its reminder at the next run.
"""
from datetime import datetime, time, timedelta

from sqlalchemy.exc import IntegrityError

from ..db_types import utcnow
from ..events.models import Event, EventStatus
from ..extensions import db
from ..i18n import ROME
from ..notify.models import OutboxMessage
from .emails import queue_registration_email
from .models import Person, Registration, RegistrationStatus


def reminder_key(registration_id):
    return f"reminder:{registration_id}"


def tomorrow_span(now=None):
    """[start, end) of tomorrow, Europe/Rome local date, as aware datetimes."""
    tomorrow = (now or utcnow()).astimezone(ROME).date() + timedelta(days=1)
    start = datetime.combine(tomorrow, time(0), tzinfo=ROME)
    end = datetime.combine(tomorrow + timedelta(days=1), time(0), tzinfo=ROME)
    return start, end


def due_reminders(now=None):
    """Confirmed registrations to published events starting tomorrow, not yet reminded."""
    start, end = tomorrow_span(now)
    already = db.select(OutboxMessage.id).where(
        OutboxMessage.dedupe_key == db.literal("reminder:") + db.cast(Registration.id, db.String))
    return db.session.scalars(
        db.select(Registration).join(Event).join(Person)
        .where(Event.status == EventStatus.PUBLISHED, Event.starts_at >= start,
               Event.starts_at < end, Registration.status == RegistrationStatus.CONFIRMED,
               Person.email.is_not(None), ~already.exists())
        .order_by(Event.starts_at, Registration.id)).all()


def send_reminders(now=None):
    """Queue tomorrow's reminders (the sender composes them); returns how many this run queued."""
    queued = 0
    for registration in due_reminders(now):
        try:
            with db.session.begin_nested():
                queue_registration_email("reminder", registration,
                                         dedupe_key=reminder_key(registration.id))
        except IntegrityError:
            continue  # another run queued this reminder a moment ago: the unique key said no
        queued += 1
    return queued
