"""The feedback figures: the 5-answer threshold, distributions and texts of an event, the
breakdowns over a set of events, and query counts that do not grow with the data."""
from datetime import date

import pytest

from fis_events.events.models import Event, EventKind
from fis_events.extensions import db
from fis_events.feedback import figures
from fis_events.programme.models import OrganisationKind, Programme

from feedback.answered import answer, held_event, programme, standard

UNI = OrganisationKind.UNIVERSITA


def test_below_five_answers_only_the_counts(app_ctx):
    event = held_event()
    answer(event, standard(4, will_apply="Il metodo"), invited=10)
    result = figures.event_figures(event)
    assert (result.invited, result.answers, result.response_rate) == (10, 4, 0.4)
    assert not result.shown and result.questions == []


def test_an_event_without_questionnaire_has_no_figures(app_ctx):
    result = figures.event_figures(held_event())
    assert (result.invited, result.answers, result.response_rate, result.shown) == (0, 0, None, False)


def test_at_five_answers_averages_distributions_choices_and_texts(app_ctx):
    event = held_event()
    answer(event, [
        dict(satisfaction=5, usefulness=4, clarity=3, will_apply="userò il metodo", recommend=0),
        dict(satisfaction=5, usefulness=4, will_apply="Avviso pubblico", recommend=0),
        dict(satisfaction=4, usefulness=3, will_apply="  ", recommend=1),
        dict(satisfaction=4, usefulness=5, will_apply="Co-progettazione"),
        dict(satisfaction=2, usefulness=4),
    ], invited=8)
    result = figures.event_figures(event)
    assert result.shown and result.response_rate == 5 / 8
    by = {q.question.indicator.value: q for q in result.questions}
    assert by["satisfaction"].average == 4.0
    assert by["satisfaction"].counts == [(1, 0), (2, 1), (3, 0), (4, 2), (5, 2)]
    assert by["usefulness"].average == 4.0 and by["usefulness"].answered == 5
    assert by["clarity"].answered == 1 and by["clarity"].average == 3.0
    assert by["recommend"].counts == [("Sì", 2), ("No", 1)]
    # alphabetically, whatever the order they came in: the order tells nothing about who
    assert by["will_apply"].texts == ["Avviso pubblico", "Co-progettazione", "userò il metodo"]


def test_multiple_choice_counts_each_option(app_ctx):
    from fis_events.feedback.models import QuestionKind
    from fis_events.feedback.services import ensure_questionnaire
    event = held_event()
    questionnaire = ensure_questionnaire(event)
    recommend = next(q for q in questionnaire.questions if q.indicator.value == "recommend")
    recommend.kind = QuestionKind.MULTIPLE_CHOICE
    recommend.choices = [{"it": "A"}, {"it": "B"}, {"it": "C"}]
    db.session.flush()
    answer(event, [dict(satisfaction=4, recommend=[0, 2]), dict(satisfaction=4, recommend=[2]),
                   *standard(3)])
    by = {q.question.indicator.value: q for q in figures.event_figures(event).questions}
    assert by["recommend"].counts == [("A", 1), ("B", 0), ("C", 2)] and by["recommend"].answered == 2


def build_programme(copies=1):
    """Three events per copy: FIS first phase (10 invited, 4 Comune + 2 università answers),
    FIS second phase (5 of 5), another programme's without phase (3 of 6)."""
    fis = db.session.scalar(db.select(Programme).filter_by(code="FIS")) or programme()
    other = db.session.scalar(db.select(Programme).filter_by(code="ALT")) or programme("ALT", phases=())
    first, second = fis.phases
    done = db.session.scalar(db.select(db.func.count(Event.id))) // 3
    for copy in range(done, done + copies):
        answer(held_event(programme=fis, phase=first, on=date(2023, 3, 10 + copy)),
               standard(4, 5, 4) + standard(2, 3, 2, kind=UNI), invited=10)
        answer(held_event(programme=fis, phase=second, kind=EventKind.WEBINAR,
                          on=date(2023, 10, 3 + copy)), standard(5, 4, 4), invited=5)
        answer(held_event(programme=other, kind=EventKind.WORKSHOP, on=date(2023, 10, 20 + copy)),
               standard(3, 2, 2), invited=6)
    db.session.flush()
    return fis


def test_breakdowns_by_phase_programme_kind_organisation_and_month(app_ctx):
    fis = build_programme()
    result = figures.overview([])
    total = result.total
    assert (total.invited, total.answers) == (21, 14)
    assert total.satisfaction == pytest.approx((4 * 5 + 2 * 3 + 5 * 4 + 3 * 2) / 14)
    phases = {cell.label: cell for cell in result.by_phase}
    assert phases["Fase feasibility"].answers == 6 and phases["Fase feasibility"].invited == 10
    assert phases["Fase feasibility"].satisfaction == pytest.approx(26 / 6)
    assert phases["Fase experimentation"].usefulness == 4.0
    # the other programme's event has no phase, and only 3 answers: counts, no average
    without = phases["Senza fase"]
    assert (without.answers, without.invited, without.shown, without.satisfaction) == (3, 6, False, None)
    assert [c.label for c in result.by_programme] == ["Programma ALT", "Programma FIS"]
    kinds = {cell.key: cell for cell in result.by_organisation_kind}
    assert kinds[UNI].answers == 2 and kinds[UNI].invited == 2 and kinds[UNI].satisfaction is None
    assert kinds[OrganisationKind.COMUNE_CAPOLUOGO].answers == 12
    assert kinds[OrganisationKind.COMUNE_CAPOLUOGO].invited == 19
    assert [(c.key, c.answers) for c in result.by_month] == [("2023-03", 6), ("2023-10", 8)]
    assert result.by_month[1].satisfaction == pytest.approx((5 * 4 + 3 * 2) / 8)
    event_kinds = {cell.key: cell for cell in result.by_event_kind}
    assert event_kinds[EventKind.WEBINAR].satisfaction == 4.0
    assert [c.answers for c in result.by_event] == [3, 5, 6]  # newest first

    only_fis = figures.overview([Event.programme_id == fis.id],
                                organisation_kind=OrganisationKind.COMUNE_CAPOLUOGO)
    assert (only_fis.total.answers, only_fis.total.invited) == (9, 13)
    assert only_fis.total.satisfaction == pytest.approx(40 / 9)


def test_headline_in_one_statement(app_ctx, count_queries):
    build_programme()
    with count_queries() as counter:
        cell = figures.headline()
    assert counter.count == 1
    assert (cell.invited, cell.answers) == (21, 14)
    assert cell.satisfaction == pytest.approx(52 / 14)


def first_event():
    return db.session.scalars(db.select(Event).order_by(Event.id)).first()


@pytest.mark.parametrize("call", [lambda: figures.overview([]),
                                  lambda: figures.event_figures(first_event())])
def test_query_count_does_not_grow_with_the_data(app_ctx, count_queries, call):
    counts = []
    for copies in (1, 3):
        build_programme(copies)
        answer(first_event(), standard(copies * 4), invited=copies * 5)
        db.session.flush()
        db.session.expire_all()
        with count_queries() as counter:
            call()
        counts.append(counter.count)
    assert counts[0] == counts[1]
