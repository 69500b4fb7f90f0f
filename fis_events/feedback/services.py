"""The rules of feedback questionnaires: which questions an event asks, and until when."""
import secrets
from datetime import datetime, time, timedelta

from flask import current_app

from ..db_types import utcnow
from ..extensions import db
from ..i18n import ROME
from .defaults import DEFAULT_QUESTIONS
from ..participation.models import Attendance
from .models import FeedbackInvitation, Question, Questionnaire


def kind_default(kind):
    """The stored default questionnaire of an event kind, or None while it asks the standard
    questions of `defaults.py`."""
    return db.session.scalar(db.select(Questionnaire).where(Questionnaire.event_kind == kind))


def default_questions(kind):
    """What an event of this kind asks until its organisers change it: the kind's stored default
    or, without one, the standard questions (as Question rows not yet added to any session)."""
    stored = kind_default(kind)
    if stored is not None:
        return [copy_question(question) for question in stored.questions]
    return [Question(position=position, **spec)
            for position, spec in enumerate(DEFAULT_QUESTIONS[kind])]


def copy_question(question):
    return Question(position=question.position, kind=question.kind, required=question.required,
                    text_it=question.text_it, text_en=question.text_en,
                    choices=list(question.choices) if question.choices else None,
                    indicator=question.indicator)


def ensure_questionnaire(event):
    """The event's own questionnaire, made from its kind's default the first time it is needed
    (edited, sent); it takes answers until the end of the day (Europe/Rome) FEEDBACK_OPEN_DAYS
    after the event ends."""
    if event.questionnaire is not None:
        return event.questionnaire
    # by its id, not through event.questionnaire: that would make the event itself changed (a
    # new revision of its calendar entry, and a write to its row)
    questionnaire = Questionnaire(event_id=event.id, closes_at=default_closing(event),
                                  questions=default_questions(event.kind))
    db.session.add(questionnaire)
    db.session.flush()
    db.session.expire(event, ["questionnaire"])
    return questionnaire


def default_closing(event):
    return closing_after(event.ends_at)


def closing_after(ends_at):
    """When the questionnaire of an event ending at `ends_at` closes by default: at the end of
    the day FEEDBACK_OPEN_DAYS after it."""
    days = current_app.config["FEEDBACK_OPEN_DAYS"]
    return closing_moment(ends_at.astimezone(ROME).date() + timedelta(days=days))


def closing_moment(last_day):
    """When a questionnaire open until `last_day` (included, Europe/Rome) closes: midnight
    after it, so "fino al 2 dicembre" means the whole of that day."""
    return datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=ROME)


def last_day(closes_at):
    """The last day (Europe/Rome) answers are taken, as pages and e-mails write it."""
    return (closes_at.astimezone(ROME) - timedelta(microseconds=1)).date()


def is_open(questionnaire, now=None):
    """Answers are taken: not closed, and its closing moment still ahead."""
    return (questionnaire.closed_at is None and questionnaire.closes_at is not None
            and questionnaire.closes_at > (now or utcnow()))


def forget_links(person_ids):
    """Erasure: the people's personal links stop working (each gets a new random token nobody
    has) and no longer lead to their answers. The invitations stay, so response rates do not
    change, and so do the answers, which never named anyone: the figures do not change either.
    Core statements, as the rest of the erasure (which expires the session after)."""
    invitations = db.session.scalars(
        db.select(FeedbackInvitation.id).join(Attendance)
        .where(Attendance.person_id.in_(person_ids))).all()
    for invitation_id in invitations:
        db.session.execute(
            db.update(FeedbackInvitation).where(FeedbackInvitation.id == invitation_id)
            .values(token=secrets.token_urlsafe(32), response_id=None),
            execution_options={"synchronize_session": False})
    return len(invitations)
