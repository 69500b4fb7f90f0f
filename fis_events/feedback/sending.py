"""`flask feedback send`: invitations after an event, one reminder, and closing.

Meant to run every hour (cron or a systemd timer). Each run closes the questionnaires past
their closing moment (the links between invitations and answers are removed), gives every
attendance of an ended, published event whose questionnaire is still open its personal
invitation (an attendance recorded later, a report imported days after, gets its own at the
next run), and reminds once, FEEDBACK_REMINDER_DAYS after the invitation, those who have not
answered. Each e-mail carries a unique dedupe key ("feedback:<attendance id>",
"feedback-reminder:<attendance id>"), and each invitation is one per attendance in the
database, so two runs at once send nothing twice: the loser's savepoint is undone.
"""
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..db_types import utcnow
from ..events.models import Event, EventStatus
from ..extensions import db
from ..participation.models import Attendance
from ..registration.models import Person
from .emails import queue_feedback_email
from .models import FeedbackInvitation, Questionnaire
from .services import default_closing, ensure_questionnaire


@dataclass
class Sent:
    invited: int = 0
    emailed: int = 0
    reminded: int = 0
    closed: int = 0


def send_feedback(now=None):
    """One run: close, invite, remind; what it did."""
    now = now or utcnow()
    sent = Sent(closed=close_expired(now))
    for event in events_to_invite(now):
        invited, emailed = invite_attendees(event, now)
        sent.invited += invited
        sent.emailed += emailed
    sent.reminded = remind(now)
    return sent


def close_expired(now):
    """Close the questionnaires past their closing moment: from now on the tokens only say
    "questionario chiuso", and no answer can be traced back to an invitation."""
    expired = db.session.scalars(select(Questionnaire).where(
        Questionnaire.event_id.is_not(None), Questionnaire.closed_at.is_(None),
        Questionnaire.closes_at <= now)).all()
    for questionnaire in expired:
        questionnaire.closed_at = now
        db.session.execute(update(FeedbackInvitation)
                           .where(FeedbackInvitation.questionnaire_id == questionnaire.id)
                           .values(response_id=None), execution_options={"synchronize_session": False})
    return len(expired)


def _without_invitation():
    return ~exists().where(FeedbackInvitation.attendance_id == Attendance.id)


def events_to_invite(now):
    """Published events that have ended, with an attendance not yet invited, whose
    questionnaire (their own, or the one they would get) is still open. Events that ended
    longer ago than a questionnaire stays open are not even looked at."""
    oldest = now - timedelta(days=current_app.config["FEEDBACK_OPEN_DAYS"] + 2)
    pending = exists().where(Attendance.event_id == Event.id, _without_invitation())
    candidates = db.session.scalars(
        select(Event).outerjoin(Questionnaire, Questionnaire.event_id == Event.id)
        .where(Event.status == EventStatus.PUBLISHED, Event.ends_at <= now, pending,
               db.or_(Questionnaire.id.is_(None) & (Event.ends_at > oldest),
                      Questionnaire.closed_at.is_(None) & (Questionnaire.closes_at > now)))
        .order_by(Event.ends_at, Event.id)).all()
    return [event for event in candidates
            if (event.questionnaire.closes_at if event.questionnaire else default_closing(event)) > now]


def invite_attendees(event, now=None):
    """An invitation for every attendance of the event without one, and its e-mail to those
    with an address; (invitations made, e-mails queued)."""
    now = now or utcnow()
    questionnaire = _questionnaire_of(event)
    attendances = db.session.scalars(
        select(Attendance).options(joinedload(Attendance.person))
        .where(Attendance.event_id == event.id, _without_invitation())
        .order_by(Attendance.id)).all()
    invited = emailed = 0
    for attendance in attendances:
        try:
            with db.session.begin_nested():
                invitation = invite(questionnaire, attendance, now)
                if queue_feedback_email("feedback", invitation) is not None:
                    emailed += 1
        except IntegrityError:
            continue  # another run invited this attendance a moment ago
        invited += 1
    if invited and questionnaire.sent_at is None:
        questionnaire.sent_at = now
    return invited, emailed


def _questionnaire_of(event):
    """ensure_questionnaire, in a savepoint: a run at the same moment may make it first."""
    try:
        with db.session.begin_nested():
            return ensure_questionnaire(event)
    except IntegrityError:
        db.session.expire(event, ["questionnaire"])
        return event.questionnaire


def invite(questionnaire, attendance, now=None):
    """The attendance's personal link to the questionnaire (no e-mail)."""
    invitation = FeedbackInvitation(questionnaire=questionnaire, attendance=attendance,
                                    token=secrets.token_urlsafe(32), created_at=now or utcnow())
    db.session.add(invitation)
    db.session.flush()
    return invitation


def remind(now):
    """The one reminder, FEEDBACK_REMINDER_DAYS after the invitation, to whoever has an address
    and has not answered, while the questionnaire is open."""
    due = now - timedelta(days=current_app.config["FEEDBACK_REMINDER_DAYS"])
    invitations = db.session.scalars(
        select(FeedbackInvitation).join(Questionnaire).join(Attendance).join(Person)
        .options(joinedload(FeedbackInvitation.attendance).joinedload(Attendance.person))
        .where(FeedbackInvitation.reminded_at.is_(None), FeedbackInvitation.response_id.is_(None),
               FeedbackInvitation.created_at <= due, Questionnaire.closed_at.is_(None),
               Questionnaire.closes_at > now, Person.email.is_not(None))
        .order_by(FeedbackInvitation.id)).all()
    reminded = 0
    for invitation in invitations:
        try:
            with db.session.begin_nested():
                queue_feedback_email("feedback_reminder", invitation)
                invitation.reminded_at = now
        except IntegrityError:
            continue  # another run reminded this one a moment ago
        reminded += 1
    return reminded
