"""The rules of feedback questionnaires: which questions an event asks, and until when."""
from datetime import timedelta

from flask import current_app

from ..extensions import db
from .defaults import DEFAULT_QUESTIONS
from .models import Question, Questionnaire


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
    (edited, sent); it closes FEEDBACK_OPEN_DAYS after the event ends."""
    if event.questionnaire is not None:
        return event.questionnaire
    days = current_app.config["FEEDBACK_OPEN_DAYS"]
    questionnaire = Questionnaire(event=event, closes_at=event.ends_at + timedelta(days=days),
                                  questions=default_questions(event.kind))
    db.session.add(questionnaire)
    db.session.flush()
    return questionnaire
