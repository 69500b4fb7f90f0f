"""Feedback on the synthetic programme's held events, as `flask demo generate` writes it.

Every event whose questionnaire has already closed (FEEDBACK_OPEN_DAYS after it ended) gets the
questionnaire of its kind, one invitation per attendance, and answers from 40–70% of those
invited: satisfaction and usefulness mostly 4 or 5, now and then a sentence on what people will
apply, the kind of organisation each respondent represented at the event. Closed means what it
does for real questionnaires: the invitations stay, their links to the answers are gone.

Own random generator (seeded from the programme's seed), so the rest of the programme is the
same with or without feedback; bulk inserts like the rest of the generator.
"""
import random
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from ..events.models import Event
from ..feedback.defaults import DEFAULT_QUESTIONS
from ..feedback.services import closing_after
from ..feedback.models import (FeedbackAnswer, FeedbackInvitation, FeedbackResponse, Indicator,
                               Question, QuestionKind, Questionnaire)
from ..i18n import ROME

#: share of those invited who answer, drawn per event
RESPONSE_RATE = (0.4, 0.7)
#: weights of the values 1..5 of the scale questions
SCALE_WEIGHTS = {Indicator.SATISFACTION: (1, 2, 8, 38, 51), Indicator.USEFULNESS: (1, 3, 12, 40, 44),
                 Indicator.CLARITY: (1, 3, 10, 42, 44)}
#: how often an optional question is answered
OPTIONAL_ANSWERED = {QuestionKind.SCALE: 0.85, QuestionKind.SINGLE_CHOICE: 0.9,
                     QuestionKind.MULTIPLE_CHOICE: 0.7, QuestionKind.TEXT: 0.15}
SEED_OFFSET = 15


class FeedbackWriter:
    """Collects the held events' attendances as the generator writes them, then answers."""

    def __init__(self, generator, seed, chunk, tokens):
        """`chunk`: rows per bulk insert; `tokens(n)`: n new secrets."""
        self.g, self.rng = generator, random.Random(seed + SEED_OFFSET)
        self.chunk, self.tokens = chunk, tokens
        self.texts = generator.data["feedback_texts"]
        #: event id -> (plan, [(attendance id, organisation id)])
        self.attended = {}

    def add(self, plan, attendance_id, organisation_id):
        self.attended.setdefault(plan.event_id, (plan, []))[1].append((attendance_id, organisation_id))

    def write(self):
        g, days = self.g, current_app.config["FEEDBACK_OPEN_DAYS"]
        closed = [(plan, people) for plan, people in self.attended.values()
                  if closing_after(plan.ends_at) <= g.now]
        ids = [plan.event_id for plan, _people in closed]
        asked = set(g.conn.execute(select(Questionnaire.event_id).where(
            Questionnaire.event_id.in_(ids))).scalars()) if ids else set()
        closed = [(plan, people) for plan, people in closed if plan.event_id not in asked]
        event_kinds = dict(g.conn.execute(select(Event.id, Event.kind).where(
            Event.id.in_([plan.event_id for plan, _people in closed]))).all()) if closed else {}
        batch, size = [], 0
        for plan, people in closed:
            batch.append((plan, event_kinds[plan.event_id], people))
            size += len(people)
            if size >= self.chunk:
                self.write_batch(batch, days)
                batch, size = [], 0
        self.write_batch(batch, days)

    def write_batch(self, batch, days):
        if not batch:
            return
        g, rng = self.g, self.rng
        questionnaires = []
        for plan, _kind, _people in batch:
            sent = plan.ends_at + timedelta(hours=1)
            closes = closing_after(plan.ends_at)
            questionnaires.append(dict(event_id=plan.event_id, closes_at=closes, sent_at=sent,
                                       closed_at=closes + timedelta(minutes=rng.uniform(5, 55)),
                                       updated_at=sent))
        ids = g.insert(Questionnaire.__table__, questionnaires, key="event_id")
        self.insert_sparse(Question.__table__, [
            dict(questionnaire_id=questionnaire_id, position=position, kind=spec["kind"],
                 required=spec["required"], text_it=spec["text_it"], text_en=spec["text_en"],
                 choices=spec.get("choices"), indicator=spec["indicator"])
            for questionnaire_id, (_plan, kind, _people) in zip(ids, batch)
            for position, spec in enumerate(DEFAULT_QUESTIONS[kind])])
        questions = {}
        for questionnaire_id, question_id, kind, required, indicator, choices in g.conn.execute(
                select(Question.questionnaire_id, Question.id, Question.kind, Question.required,
                       Question.indicator, Question.choices)
                .where(Question.questionnaire_id.in_(ids)).order_by(Question.position)):
            questions.setdefault(questionnaire_id, []).append(
                (question_id, kind, required, indicator, len(choices or ())))
        tokens = iter(self.tokens(sum(len(people) for _plan, _kind, people in batch)))
        invitations, responses, answers = [], [], []
        reminder_days = current_app.config["FEEDBACK_REMINDER_DAYS"]
        for questionnaire, questionnaire_id, (plan, _kind, people) in zip(questionnaires, ids, batch):
            share = rng.uniform(*RESPONSE_RATE)
            for attendance_id, organisation_id in people:
                answered = rng.random() < share
                invitations.append(dict(
                    questionnaire_id=questionnaire_id, attendance_id=attendance_id,
                    token=next(tokens), created_at=questionnaire["sent_at"], response_id=None,
                    reminded_at=None if answered or rng.random() < 0.1
                    else questionnaire["sent_at"] + timedelta(days=reminder_days)))
                if not answered:
                    continue
                day = (plan.ends_at + timedelta(days=min(rng.expovariate(1 / 3), days - 1)))
                responses.append(dict(questionnaire_id=questionnaire_id,
                                      submitted_on=day.astimezone(ROME).date(),
                                      organisation_kind=g.org_kind[organisation_id]))
                answers.append(self.answers(questions[questionnaire_id]))
        g.insert(FeedbackInvitation.__table__, invitations)
        g.insert(FeedbackResponse.__table__, responses)
        # No unique key to read the new responses back by: in this transaction they are the
        # only ones of these questionnaires, and their ids follow the order they went in.
        response_ids = g.conn.execute(
            select(FeedbackResponse.id).where(FeedbackResponse.questionnaire_id.in_(ids))
            .order_by(FeedbackResponse.id)).scalars().all()
        self.insert_sparse(FeedbackAnswer.__table__, [
            dict(row, response_id=response_id)
            for response_id, rows in zip(response_ids, answers) for row in rows])

    def insert_sparse(self, table, rows):
        """Rows whose empty columns stay NULL (a JSON column would store None as 'null'): one
        bulk insert per set of filled columns."""
        groups = {}
        for row in rows:
            filled = {name: value for name, value in row.items() if value is not None}
            groups.setdefault(tuple(filled), []).append(filled)
        for group in groups.values():
            self.g.insert(table, group)

    def answers(self, questions):
        rng, rows = self.rng, []
        for question_id, kind, required, indicator, options in questions:
            if not required and rng.random() >= OPTIONAL_ANSWERED[kind]:
                continue
            row = dict(question_id=question_id)
            if kind is QuestionKind.SCALE:
                row["number"] = rng.choices(range(1, 6), SCALE_WEIGHTS.get(indicator, SCALE_WEIGHTS[
                    Indicator.SATISFACTION]))[0]
            elif kind is QuestionKind.SINGLE_CHOICE:
                row["number"] = 0 if rng.random() < 0.9 else rng.randrange(options)  # mostly "Sì"
            elif kind is QuestionKind.MULTIPLE_CHOICE:
                row["choices"] = sorted(rng.sample(range(options), rng.randint(1, options)))
            else:
                row["text"] = rng.choice(self.texts)
            rows.append(row)
        return rows
