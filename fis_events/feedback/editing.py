"""Organisers change the questions: of one event, or of an event kind's default.

The same functions serve both (an `Owner` says which). What an event asks is its own
questionnaire, or its kind's default until it is changed: the first change makes the event's
own copy (`ensure_questionnaire`) and is then applied to it, so questions are named by their
number in the list shown (the copy keeps the order). A kind's stored default is made from the
standard questions the first time it is changed. Once an event's questionnaire has been sent its
questions are frozen, because the answers given refer to them; only its closing date moves.
"""
from dataclasses import dataclass

from flask_babel import gettext as _

from .. import audit_record as audit
from ..db_types import utcnow
from ..errors import DomainError
from ..events.models import Event, EventKind
from ..extensions import db
from ..i18n import to_rome
from ..text import check_text, one_line, required_line
from .defaults import DEFAULT_QUESTIONS
from .models import Question, QuestionKind, Questionnaire
from .services import closing_moment, default_questions, ensure_questionnaire, kind_default

MAX_TEXT = 500
MAX_CHOICE = 200
MAX_CHOICES = 20


@dataclass(frozen=True)
class Owner:
    """What a questionnaire is edited for: one event, or (without an event) a kind's default."""

    event: Event | None = None
    kind: EventKind | None = None

    @property
    def event_kind(self):
        return self.event.kind if self.event is not None else self.kind


def for_event(event):
    return Owner(event=event)


def for_kind(kind):
    return Owner(kind=kind)


def stored(owner):
    """The owner's own stored questionnaire, or None while it asks the default questions."""
    if owner.event is not None:
        return owner.event.questionnaire
    return kind_default(owner.kind)


def shown_questions(owner):
    """The questions the owner asks now, in order (not stored ones are not in the session)."""
    questionnaire = stored(owner)
    if questionnaire is not None:
        return list(questionnaire.questions)
    return default_questions(owner.event_kind)


def is_frozen(owner):
    questionnaire = stored(owner)
    return questionnaire is not None and questionnaire.sent_at is not None


def _editable(owner):
    """The owner's own questionnaire, made now if needed; refused once sent."""
    if is_frozen(owner):
        raise DomainError(_("Il questionario è già stato inviato: le domande non si possono più "
                            "cambiare, perché le risposte già date si riferiscono a esse. Si può "
                            "ancora spostare la data di chiusura."))
    if owner.event is not None:
        return ensure_questionnaire(owner.event)
    questionnaire = kind_default(owner.kind)
    if questionnaire is None:
        questionnaire = Questionnaire(event_kind=owner.kind, questions=[
            Question(position=position, **spec)
            for position, spec in enumerate(DEFAULT_QUESTIONS[owner.kind])])
        db.session.add(questionnaire)
        db.session.flush()
    return questionnaire


def _question(questionnaire, number):
    """The question numbered `number` (from 1) as the list shows it."""
    if not 1 <= number <= len(questionnaire.questions):
        raise DomainError(_("Questa domanda non c'è più: ricarica la pagina."))
    return questionnaire.questions[number - 1]


def _record(owner, questionnaire, change):
    questionnaire.updated_at = utcnow()
    if owner.event is not None:
        audit.record(f"feedback.question_{change}", event=owner.event, target=questionnaire)
    else:
        audit.record(f"feedback.default_question_{change}", target=questionnaire,
                     event_kind=owner.kind)


def _texts(text_it, text_en):
    text_it = required_line(
        check_text(text_it or "", "text_it"), field="text_it", limit=MAX_TEXT,
        missing=_("Scrivi il testo della domanda in italiano."),
        too_long=_("Il testo può avere al massimo %(n)s caratteri.", n=MAX_TEXT))
    text_en = one_line(check_text(text_en or "", "text_en")) or None
    if text_en is not None and len(text_en) > MAX_TEXT:
        raise DomainError(_("Il testo può avere al massimo %(n)s caratteri.", n=MAX_TEXT),
                          field="text_en")
    return text_it, text_en


def _choices(kind, choices):
    """The options of a choice question ([{"it": …, "en": …}]), None for the other kinds."""
    if not kind.has_choices:
        return None
    cleaned = []
    for choice in choices or ():
        italian = one_line(check_text(choice.get("it") or "", "choices"))
        english = one_line(check_text(choice.get("en") or "", "choices"))
        if not italian and not english:
            continue
        if not italian:
            raise DomainError(_("Ogni scelta ha bisogno del testo in italiano (prima della barra "
                                "verticale)."), field="choices")
        if len(italian) > MAX_CHOICE or len(english) > MAX_CHOICE:
            raise DomainError(_("Una scelta può avere al massimo %(n)s caratteri.", n=MAX_CHOICE),
                              field="choices")
        cleaned.append({"it": italian, "en": english} if english else {"it": italian})
    if len(cleaned) < 2:
        raise DomainError(_("Una domanda a scelta ha bisogno di almeno due scelte, una per riga."),
                          field="choices")
    if len(cleaned) > MAX_CHOICES:
        raise DomainError(_("Al massimo %(n)s scelte.", n=MAX_CHOICES), field="choices")
    return cleaned


def add_question(owner, *, kind, required, text_it, text_en=None, choices=None):
    """A new question at the end (never an indicator: those are the standard ones)."""
    kind = QuestionKind(kind)
    text_it, text_en = _texts(text_it, text_en)
    choices = _choices(kind, choices)
    questionnaire = _editable(owner)
    position = max((q.position for q in questionnaire.questions), default=-1) + 1
    questionnaire.questions.append(Question(
        position=position, kind=kind, required=bool(required), text_it=text_it, text_en=text_en,
        choices=choices))
    _record(owner, questionnaire, "added")
    return questionnaire


def update_question(owner, number, *, kind, required, text_it, text_en=None, choices=None):
    """Reword a question, change its kind, whether it is required, its choices. A question of
    an indicator keeps its kind (the figures read its answers as such) and the number of its
    choices (they count each option by its place)."""
    kind = QuestionKind(kind)
    text_it, text_en = _texts(text_it, text_en)
    choices = _choices(kind, choices)
    questionnaire = _editable(owner)
    question = _question(questionnaire, number)
    if question.indicator is not None:
        if kind is not question.kind:
            raise DomainError(_("Questa domanda misura un indicatore del programma (%(indicator)s): "
                                "si può riformulare, ma resta di tipo «%(kind)s».",
                                indicator=question.indicator.label, kind=question.kind.label),
                              field="kind")
        if kind.has_choices and len(choices) != len(question.choices or ()):
            raise DomainError(_("Questa domanda misura un indicatore del programma: le sue scelte "
                                "si possono riformulare, ma restano %(n)s.",
                                n=len(question.choices or ())), field="choices")
    question.kind, question.required = kind, bool(required)
    question.text_it, question.text_en, question.choices = text_it, text_en, choices
    _record(owner, questionnaire, "updated")
    return question


def delete_question(owner, number):
    questionnaire = _editable(owner)
    questionnaire.questions.remove(_question(questionnaire, number))
    _renumber(questionnaire.questions)
    _record(owner, questionnaire, "deleted")


def move_question(owner, number, direction):
    """One place up or down; the first cannot go up nor the last down (nothing changes)."""
    questionnaire = _editable(owner)
    questions = list(questionnaire.questions)
    question = _question(questionnaire, number)
    other = number - 2 if direction == "up" else number
    if not 0 <= other < len(questions):
        raise DomainError(_("La domanda è già la prima.") if direction == "up"
                          else _("La domanda è già l'ultima."))
    questions[number - 1], questions[other] = questions[other], question
    _renumber(questions)
    _record(owner, questionnaire, "moved")


def _renumber(questions):
    for position, question in enumerate(questions):
        question.position = position


def set_closing(event, last_day):
    """Take answers until `last_day` included (Europe/Rome); allowed after sending too, but
    never before the event ends, and not once it is closed (the links are gone)."""
    questionnaire = event.questionnaire
    if questionnaire is not None and questionnaire.closed_at is not None:
        raise DomainError(_("Il questionario è già chiuso: i collegamenti alle risposte sono stati "
                            "rimossi e non si può riaprire."), field="closes_on")
    if last_day is None:
        raise DomainError(_("Indica una data."), field="closes_on")
    if last_day < to_rome(event.ends_at).date():
        raise DomainError(_("Il questionario non può chiudere prima della fine dell'evento."),
                          field="closes_on")
    questionnaire = ensure_questionnaire(event)
    questionnaire.closes_at = closing_moment(last_day)
    questionnaire.updated_at = utcnow()
    audit.record("feedback.closing_changed", event=event, target=questionnaire,
                 closes_on=last_day)
    return questionnaire
