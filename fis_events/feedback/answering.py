"""Answering through the personal link: one anonymous response per invitation, changed (never
doubled) by answering again while the questionnaire is open.

The token is the credential. Answers are checked before anything is written; then the event's
lock is taken (the transaction's first write) and, under it, the invitation is read again and
the decision made: two submissions with the same link at once are one after the other, the
second changes the response the first made. The unique `response_id` of the invitation backs
it. Answers are never recorded in the activity log, and never logged with the token.
"""
from flask_babel import gettext as _

from ..db_types import utcnow
from ..errors import DomainError
from ..events.locks import lock_event
from ..extensions import db
from ..i18n import ROME
from ..text import MESSAGE as UNCLEAN
from ..text import is_clean
from .models import SCALE, FeedbackAnswer, FeedbackInvitation, FeedbackResponse, QuestionKind
from .services import is_open

MAX_ANSWER = 2000


class AnswersRefused(DomainError):
    """Some answers are wrong: {question id: message}."""

    def __init__(self, errors):
        super().__init__(_("Controlla le risposte evidenziate."))
        self.errors = errors


def field_name(question):
    return f"q{question.id}"


def invitation_by_token(token):
    if not isinstance(token, str) or len(token) > 64:
        return None
    return db.session.scalar(db.select(FeedbackInvitation).where(FeedbackInvitation.token == token))


def typed(questionnaire, formdata):
    """What the form holds for each question, as typed: {question id: text or [texts]}."""
    return {question.id: (formdata.getlist(field_name(question))
                          if question.kind is QuestionKind.MULTIPLE_CHOICE
                          else formdata.get(field_name(question), ""))
            for question in questionnaire.questions}


def current_answers(invitation):
    """The response given through this link, in the form's terms; empty without one."""
    if invitation.response is None:
        return {}
    values = {}
    for answer in invitation.response.answers:
        if answer.question.kind is QuestionKind.MULTIPLE_CHOICE:
            values[answer.question_id] = [str(index) for index in answer.choices or ()]
        elif answer.question.kind is QuestionKind.TEXT:
            values[answer.question_id] = answer.text or ""
        else:
            values[answer.question_id] = str(answer.number)
    return values


def _index(value, count):
    return int(value) if value.isdigit() and int(value) < count else None


def checked(questionnaire, values):
    """{question id: (number, choices, text)} of the answers given, or AnswersRefused naming
    each question at fault: scale values 1–5 only, existing options only, required answers
    present, free text without control characters and not too long."""
    found, errors = {}, {}
    for question in questionnaire.questions:
        value = values.get(question.id)
        if question.kind is QuestionKind.MULTIPLE_CHOICE:
            picked = [_index(v, len(question.choices or ())) for v in value or ()]
            if None in picked:
                errors[question.id] = _("Scegli tra le risposte proposte.")
            elif picked:
                found[question.id] = (None, sorted(set(picked)), None)
        elif question.kind is QuestionKind.TEXT:
            text = (value or "").strip()
            if not is_clean(text):
                errors[question.id] = str(UNCLEAN)
            elif len(text) > MAX_ANSWER:
                errors[question.id] = _("La risposta può avere al massimo %(n)s caratteri.",
                                        n=MAX_ANSWER)
            elif text:
                found[question.id] = (None, None, text)
        elif value:
            if question.kind is QuestionKind.SCALE:
                number = int(value) if value.isdigit() and int(value) in SCALE else None
                message = _("Scegli un valore da 1 a 5.")
            else:
                number = _index(value, len(question.choices or ()))
                message = _("Scegli tra le risposte proposte.")
            if number is None:
                errors[question.id] = message
            else:
                found[question.id] = (number, None, None)
        if question.required and question.id not in found and question.id not in errors:
            errors[question.id] = _("Questa risposta è obbligatoria.")
    if errors:
        raise AnswersRefused(errors)
    return found


def closed_message():
    return _("Il questionario è chiuso: non si accettano più risposte.")


def submit(invitation, values, now=None):
    """Store the answers as the link's one response (made now, or changed: answers replaced,
    day updated). Checked first, then decided under the event's lock."""
    now = now or utcnow()
    questionnaire = invitation.questionnaire
    answers = checked(questionnaire, values)
    lock_event(questionnaire.event_id)
    if not is_open(questionnaire, now):
        raise DomainError(closed_message())
    attendance = invitation.attendance
    response = invitation.response
    if response is None:
        response = FeedbackResponse(questionnaire=questionnaire)
        db.session.add(response)
        invitation.response = response
    else:
        response.answers.clear()
        db.session.flush()  # the old answers go before the new ones (one per question)
    response.submitted_on = now.astimezone(ROME).date()
    response.organisation_kind = attendance.organisation.kind if attendance.organisation else None
    response.answers.extend(
        FeedbackAnswer(question_id=question_id, number=number, choices=choices, text=text)
        for question_id, (number, choices, text) in answers.items())
    db.session.flush()
    return response
