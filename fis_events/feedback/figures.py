"""Feedback figures: every page, export and API that shows what participants answered reads
them here, so that the threshold and the order of the texts hold everywhere.

- Below MIN_ANSWERS answers nothing is shown but the counts of people invited and answers given
  (with a sentence saying why): no average, no distribution, no text, so that no one can be
  recognised. A breakdown cell (a phase, a month, a kind of organisation...) with fewer answers
  shows its counts only.
- Free texts come sorted alphabetically: never by time or id, which would tell who wrote what.
- The response rate is answers over invitations (one invitation per attendance).
- Averages over a set of events read the questions by their indicator (satisfaction,
  usefulness), never by their wording, which organisers may change.

Every function issues a fixed number of grouped queries, whatever the number of events or
answers: the figures of a set of events are counted per event and kind of organisation in the
database, then added up here into each breakdown.
"""
from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import format_date, gettext as _
from sqlalchemy import case, func, literal

from ..events.models import Event, EventKind
from ..extensions import db
from ..i18n import to_rome
from ..participation.models import Attendance
from ..programme.models import Organisation, OrganisationKind, Phase, Programme
from .models import (SCALE, FeedbackAnswer, FeedbackInvitation, FeedbackResponse, Indicator,
                     Question, QuestionKind, Questionnaire)

#: fewer answers than this and nothing but counts is shown
MIN_ANSWERS = 5
#: the indicators averaged over sets of events (dashboard, exports, open data)
AVERAGED = (Indicator.SATISFACTION, Indicator.USEFULNESS)


def rate(part, whole):
    return part / whole if whole else None


def below_threshold_sentence():
    return _("I risultati si vedono solo con almeno %(n)s risposte, perché nessuno possa essere "
             "riconosciuto.", n=MIN_ANSWERS)


# ---- one event ----------------------------------------------------------------------------

@dataclass
class QuestionFigures:
    question: Question
    #: how many responses answered it
    answered: int = 0
    average: float = None
    #: SCALE: [(value, count)] for 1..5; choices: [(label, count)] in the options' order
    counts: list = field(default_factory=list)
    #: TEXT: the answers, alphabetically
    texts: list = field(default_factory=list)


@dataclass
class EventFigures:
    event: Event
    invited: int = 0
    answers: int = 0
    #: per question, in the questionnaire's order; empty below the threshold
    questions: list = field(default_factory=list)

    @property
    def response_rate(self):
        return rate(self.answers, self.invited)

    @property
    def shown(self):
        return self.answers >= MIN_ANSWERS


def event_figures(event):
    """Counts, and at MIN_ANSWERS answers or more the figures of every question: four queries."""
    questionnaire = event.questionnaire
    if questionnaire is None:
        return EventFigures(event)
    invited = db.session.scalar(db.select(func.count(FeedbackInvitation.id))
                                .where(FeedbackInvitation.questionnaire_id == questionnaire.id))
    answers = db.session.scalar(db.select(func.count(FeedbackResponse.id))
                                .where(FeedbackResponse.questionnaire_id == questionnaire.id))
    result = EventFigures(event, invited, answers)
    if not result.shown:
        return result
    of_questionnaire = (db.select().select_from(FeedbackAnswer)
                        .join(FeedbackResponse, FeedbackResponse.id == FeedbackAnswer.response_id)
                        .where(FeedbackResponse.questionnaire_id == questionnaire.id))
    numbers = defaultdict(dict)
    for question_id, number, count in db.session.execute(
            of_questionnaire.add_columns(FeedbackAnswer.question_id, FeedbackAnswer.number,
                                         func.count(FeedbackAnswer.id))
            .where(FeedbackAnswer.number.isnot(None))
            .group_by(FeedbackAnswer.question_id, FeedbackAnswer.number)):
        numbers[question_id][number] = count
    # multiple choices are JSON lists, counted here; texts are read to be shown anyway
    chosen, choosers, texts = defaultdict(lambda: defaultdict(int)), defaultdict(int), defaultdict(list)
    for question_id, choices, text in db.session.execute(
            of_questionnaire.add_columns(FeedbackAnswer.question_id, FeedbackAnswer.choices,
                                         FeedbackAnswer.text)
            .where(db.or_(FeedbackAnswer.choices.isnot(None), FeedbackAnswer.text.isnot(None)))):
        for index in choices or ():
            chosen[question_id][index] += 1
        choosers[question_id] += bool(choices)
        if text and text.strip():
            texts[question_id].append(text.strip())
    for question in questionnaire.questions:
        figures = QuestionFigures(question)
        by_number = numbers.get(question.id, {})
        if question.kind is QuestionKind.SCALE:
            figures.counts = [(value, by_number.get(value, 0)) for value in SCALE]
            figures.answered = sum(count for _value, count in figures.counts)
            if figures.answered:
                figures.average = sum(v * c for v, c in figures.counts) / figures.answered
        elif question.kind is QuestionKind.SINGLE_CHOICE:
            figures.counts = [(label, by_number.get(index, 0))
                              for index, label in enumerate(question.choice_labels())]
            figures.answered = sum(count for _label, count in figures.counts)
        elif question.kind is QuestionKind.MULTIPLE_CHOICE:
            figures.counts = [(label, chosen[question.id][index])
                              for index, label in enumerate(question.choice_labels())]
            figures.answered = choosers[question.id]
        else:
            figures.texts = sorted(texts.get(question.id, ()), key=str.casefold)
            figures.answered = len(figures.texts)
        result.questions.append(figures)
    return result


# ---- a set of events ----------------------------------------------------------------------

@dataclass
class Cell:
    """The figures of one slice of a set of events (a phase, a month, a kind of organisation)."""

    key: object = None
    label: str = ""
    invited: int = 0
    answers: int = 0
    #: {indicator: (sum of the values, how many)}, behind the averages
    sums: dict = field(default_factory=lambda: {indicator: (0, 0) for indicator in AVERAGED})

    def add(self, invited=0, answers=0, sums=None):
        self.invited += invited
        self.answers += answers
        for indicator, (total, count) in (sums or {}).items():
            old_total, old_count = self.sums[indicator]
            self.sums[indicator] = (old_total + total, old_count + count)

    @property
    def shown(self):
        return self.answers >= MIN_ANSWERS

    @property
    def response_rate(self):
        return rate(self.answers, self.invited)

    def average(self, indicator):
        """None below the threshold, or when too few answered this question."""
        total, count = self.sums[indicator]
        return total / count if self.shown and count >= MIN_ANSWERS else None

    @property
    def satisfaction(self):
        return self.average(Indicator.SATISFACTION)

    @property
    def usefulness(self):
        return self.average(Indicator.USEFULNESS)


@dataclass
class Overview:
    total: Cell
    by_phase: list
    by_programme: list
    by_event_kind: list
    by_organisation_kind: list
    #: by the month of the event (Europe/Rome), oldest first: [Cell(key="2023-10", ...)]
    by_month: list
    #: per event, newest first
    by_event: list


def _averaged(indicator):
    """SUM and COUNT of the answers to the scale question measuring `indicator`."""
    value = case((db.and_(Question.indicator == indicator, Question.kind == QuestionKind.SCALE),
                  FeedbackAnswer.number))
    return func.coalesce(func.sum(value), 0), func.count(value)


def _unclassified(column):
    """A respondent or attendance without a kind of organisation counts as "da classificare"."""
    return func.coalesce(column, literal(OrganisationKind.UNCLASSIFIED.value))


def overview(event_conditions, organisation_kind=None):
    """The figures of the events matching `event_conditions` (SQL conditions on Event, e.g.
    results.Scope.event_conditions()), in total and by phase, programme, event kind, kind of
    organisation, month and event; `organisation_kind` keeps only the answers and invitations
    of people representing that kind. Three queries."""
    events = {row.id: row for row in db.session.execute(
        db.select(Event.id, Event.title, Event.kind, Event.starts_at, Event.phase_id,
                  Event.programme_id, Phase.name.label("phase_name"),
                  Phase.position.label("phase_position"), Programme.name.label("programme_name"))
        .join(Questionnaire, Questionnaire.event_id == Event.id)
        .outerjoin(Phase, Phase.id == Event.phase_id)
        .outerjoin(Programme, Programme.id == Event.programme_id)
        .where(*event_conditions))}
    respondent_kind = _unclassified(FeedbackResponse.organisation_kind)
    sums = [column for indicator in AVERAGED for column in _averaged(indicator)]
    per_response = (
        db.select(FeedbackResponse.id, Questionnaire.event_id, respondent_kind.label("kind"),
                  *(column.label(f"c{i}") for i, column in enumerate(sums)))
        .join(Questionnaire, Questionnaire.id == FeedbackResponse.questionnaire_id)
        .join(Event, Event.id == Questionnaire.event_id)
        .outerjoin(FeedbackAnswer, FeedbackAnswer.response_id == FeedbackResponse.id)
        .outerjoin(Question, Question.id == FeedbackAnswer.question_id)
        .where(*event_conditions)
        .group_by(FeedbackResponse.id, Questionnaire.event_id, respondent_kind))
    invited_kind = _unclassified(Organisation.kind)
    invitations = (
        db.select(Questionnaire.event_id, invited_kind.label("kind"), func.count(FeedbackInvitation.id))
        .select_from(FeedbackInvitation)
        .join(Questionnaire, Questionnaire.id == FeedbackInvitation.questionnaire_id)
        .join(Event, Event.id == Questionnaire.event_id)
        .join(Attendance, Attendance.id == FeedbackInvitation.attendance_id)
        .outerjoin(Organisation, Organisation.id == Attendance.organisation_id)
        .where(*event_conditions).group_by(Questionnaire.event_id, invited_kind))
    if organisation_kind is not None:
        per_response = per_response.where(respondent_kind == organisation_kind.value)
        invitations = invitations.where(invited_kind == organisation_kind.value)
    responses = per_response.subquery()
    totals = (db.select(responses.c.event_id, responses.c.kind, func.count(responses.c.id),
                        *(func.sum(responses.c[f"c{i}"]) for i in range(len(sums))))
              .group_by(responses.c.event_id, responses.c.kind))

    # (event id, kind of organisation) -> [invited, answers, {indicator: (sum, count)}]
    slices = defaultdict(lambda: [0, 0, {}])
    for event_id, kind, count in db.session.execute(invitations):
        slices[(event_id, kind)][0] += count
    for event_id, kind, count, *values in db.session.execute(totals):
        entry = slices[(event_id, kind)]
        entry[1] += count
        entry[2] = {indicator: (int(values[2 * i] or 0), int(values[2 * i + 1] or 0))
                    for i, indicator in enumerate(AVERAGED)}
    return _roll_up(events, slices)


def _roll_up(events, slices):
    """Each slice added into the total and into its cell of every breakdown."""
    total = Cell()
    breakdowns = {name: {} for name in ("phase", "programme", "event_kind", "organisation_kind",
                                        "month", "event")}

    def cell(name, key, label, order):
        found = breakdowns[name].get(key)
        if found is None:
            found = breakdowns[name][key] = (order, Cell(key, label))
        return found[1]

    for (event_id, kind), (invited, answers, sums) in slices.items():
        event = events.get(event_id)
        if event is None:
            continue
        day = to_rome(event.starts_at).date()
        month = day.strftime("%Y-%m")
        kind = OrganisationKind(kind)
        for target in (
                total,
                cell("phase", event.phase_id, event.phase_name or _("Senza fase"),
                     (event.programme_name or "", event.phase_position or 0)),
                cell("programme", event.programme_id, event.programme_name or _("Senza programma"),
                     event.programme_name or ""),
                cell("event_kind", event.kind, event.kind.label, list(EventKind).index(event.kind)),
                cell("organisation_kind", kind, kind.label, list(OrganisationKind).index(kind)),
                cell("month", month, format_date(day, "LLLL y"), month),
                cell("event", event_id, event.title, (-event.starts_at.timestamp(), -event_id))):
            target.add(invited, answers, sums)

    def ordered(name):
        return [c for _order, c in sorted(breakdowns[name].values(), key=lambda pair: pair[0])]

    return Overview(total, ordered("phase"), ordered("programme"), ordered("event_kind"),
                    ordered("organisation_kind"), ordered("month"), ordered("event"))


def headline(event_conditions=()):
    """Invitations, answers and the average satisfaction (None below the threshold) of a set
    of events, in one statement: for panels that show one line."""
    of_events = db.select(Event.id).where(*event_conditions)
    invited = (db.select(func.count(FeedbackInvitation.id))
               .join(Questionnaire, Questionnaire.id == FeedbackInvitation.questionnaire_id)
               .where(Questionnaire.event_id.in_(of_events)).scalar_subquery())
    answers = (db.select(func.count(FeedbackResponse.id))
               .join(Questionnaire, Questionnaire.id == FeedbackResponse.questionnaire_id)
               .where(Questionnaire.event_id.in_(of_events)).scalar_subquery())
    total, count = _averaged(Indicator.SATISFACTION)
    satisfaction = (db.select(total.label("total"), count.label("count")).select_from(FeedbackAnswer)
                    .join(Question, Question.id == FeedbackAnswer.question_id)
                    .join(Questionnaire, Questionnaire.id == Question.questionnaire_id)
                    .where(Questionnaire.event_id.in_(of_events)).subquery())
    row = db.session.execute(db.select(invited, answers, satisfaction.c.total, satisfaction.c.count)).one()
    cell = Cell(invited=row[0], answers=row[1])
    cell.sums[Indicator.SATISFACTION] = (int(row[2] or 0), int(row[3] or 0))
    return cell
