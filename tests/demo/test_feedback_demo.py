"""The synthetic programme's feedback: plausible answers, and dashboard figures by phase that
equal a count done by hand over the rows."""
import re
from collections import defaultdict

import pytest
from sqlalchemy import select

from fis_events.events.models import Event
from fis_events.extensions import db
from fis_events.feedback import figures
from fis_events.feedback.services import closing_after
from fis_events.feedback.models import (FeedbackAnswer, FeedbackInvitation, FeedbackResponse,
                                        Indicator, Question, QuestionKind, Questionnaire)
from fis_events.participation.models import Attendance
from fis_events.programme.models import Organisation, Phase


@pytest.fixture
def generated(runner, app_ctx):
    result = runner.invoke(args=["demo", "generate"])
    assert result.exit_code == 0, result.output
    assert "feedback_response" in result.output


def test_held_events_have_plausible_anonymous_answers(generated, app):
    invitations = db.session.execute(
        select(FeedbackInvitation.response_id, Attendance.event_id, Organisation.kind)
        .join(Attendance, Attendance.id == FeedbackInvitation.attendance_id)
        .join(Organisation, Organisation.id == Attendance.organisation_id)).all()
    responses = db.session.execute(select(FeedbackResponse.organisation_kind)).scalars().all()
    assert len(invitations) > 1000 and all(response_id is None for response_id, *_ in invitations)
    assert 0.4 <= len(responses) / len(invitations) <= 0.7
    assert set(responses) <= {kind for *_rest, kind in invitations} and len(set(responses)) >= 4
    # every questionnaire is of an event over and closed; every attendance there is invited
    for closes_at, closed_at, ends_at in db.session.execute(
            select(Questionnaire.closes_at, Questionnaire.closed_at, Event.ends_at)
            .join(Event, Event.id == Questionnaire.event_id)):
        assert closes_at == closing_after(ends_at) and closed_at >= closes_at
    asked = select(Questionnaire.event_id)
    attendances = db.session.scalar(select(db.func.count(Attendance.id)).where(Attendance.event_id.in_(asked)))
    assert attendances == len(invitations)
    satisfaction = db.session.scalars(
        select(FeedbackAnswer.number).join(Question, Question.id == FeedbackAnswer.question_id)
        .where(Question.indicator == Indicator.SATISFACTION)).all()
    assert len(satisfaction) == len(responses)  # a required question
    assert sum(value >= 4 for value in satisfaction) / len(satisfaction) > 0.75
    texts = db.session.scalars(select(FeedbackAnswer.text).where(FeedbackAnswer.text.isnot(None))).all()
    assert 0 < len(texts) < len(responses) / 3 and all(text.endswith(".") for text in texts)
    assert db.session.scalar(select(db.func.count()).select_from(FeedbackAnswer).join(Question).where(
        Question.kind == QuestionKind.TEXT, FeedbackAnswer.number.isnot(None))) == 0


def by_hand():
    """Per phase: invited, answers, satisfaction and usefulness averages, counted over the rows
    with plain Python."""
    phase_of_event = dict(db.session.execute(select(Event.id, Phase.name).join(Phase, Phase.id == Event.phase_id)).all())
    event_of_questionnaire = dict(db.session.execute(select(Questionnaire.id, Questionnaire.event_id)).all())
    counts = defaultdict(lambda: {"invited": 0, "answers": 0, Indicator.SATISFACTION: [],
                                  Indicator.USEFULNESS: []})
    for (questionnaire_id,) in db.session.execute(select(FeedbackInvitation.questionnaire_id)):
        counts[phase_of_event[event_of_questionnaire[questionnaire_id]]]["invited"] += 1
    phase_of_response = {}
    for response_id, questionnaire_id in db.session.execute(select(FeedbackResponse.id, FeedbackResponse.questionnaire_id)):
        phase = phase_of_event[event_of_questionnaire[questionnaire_id]]
        phase_of_response[response_id] = phase
        counts[phase]["answers"] += 1
    indicator_of = dict(db.session.execute(select(Question.id, Question.indicator)).all())
    for response_id, question_id, number in db.session.execute(
            select(FeedbackAnswer.response_id, FeedbackAnswer.question_id, FeedbackAnswer.number)):
        indicator = indicator_of[question_id]
        if indicator in (Indicator.SATISFACTION, Indicator.USEFULNESS):
            counts[phase_of_response[response_id]][indicator].append(number)
    return {phase: (c["invited"], c["answers"],
                    sum(c[Indicator.SATISFACTION]) / len(c[Indicator.SATISFACTION]),
                    sum(c[Indicator.USEFULNESS]) / len(c[Indicator.USEFULNESS]))
            for phase, c in counts.items()}


def test_dashboard_figures_by_phase_equal_a_count_by_hand(generated, client, auth):
    expected = by_hand()
    assert len(expected) == 2
    computed = {cell.label: (cell.invited, cell.answers, cell.satisfaction, cell.usefulness)
                for cell in figures.overview([]).by_phase}
    assert set(computed) == set(expected)
    for phase, values in expected.items():
        assert computed[phase] == pytest.approx(values)
    auth.login()
    html = client.get("/gestione/risultati/gradimento?programma=FIS").get_data(as_text=True)
    table = html[html.index('id="gradimento_fasi"'):]
    table = table[:table.index("</table>")]
    for phase, (invited, answers, satisfaction, usefulness) in expected.items():
        row = re.search(r"<th scope=\"row\">%s</th>(.*?)</tr>" % re.escape(phase), table, re.S).group(1)
        cells = re.findall(r'<td class="text-end">([^<]*)</td>', row)
        assert cells[0] == f"{invited:,}".replace(",", ".") and cells[1] == f"{answers:,}".replace(",", ".")
        assert cells[3] == f"{satisfaction:.1f}".replace(".", ",")
        assert cells[4] == f"{usefulness:.1f}".replace(".", ",")
