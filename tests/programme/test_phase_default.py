"""An event of a programme without a chosen phase gets the phase its date falls in."""
from datetime import date, timedelta, timezone

import pytest

from fis_events.events import services as events
from fis_events.extensions import db
from fis_events.programme.models import Phase, Programme
from fis_events.programme.services import phase_on
from support import rome


@pytest.fixture
def fis(app_ctx):
    programme = Programme(code="FIS", name="FIS - Fondo Innovazione Sociale")
    programme.phases.extend([
        Phase(code="feasibility", name="Fase di studio di fattibilità", position=0,
              starts_on=date(2022, 9, 1), ends_on=date(2023, 4, 30)),
        Phase(code="experimentation", name="Fase di sperimentazione", position=1,
              starts_on=date(2023, 5, 1), ends_on=date(2024, 6, 30)),
    ])
    db.session.add(programme)
    db.session.commit()
    return programme


def event_on(make_event, start, **fields):
    return make_event(starts_at=start, ends_at=start + timedelta(hours=2), **fields)


def test_the_phase_follows_the_date(fis, make_event):
    feasibility, experimentation = fis.phases
    assert event_on(make_event, rome(2022, 11, 15, 10), programme=fis).phase is feasibility
    assert event_on(make_event, rome(2023, 10, 24, 15), programme=fis).phase is experimentation
    assert event_on(make_event, rome(2023, 4, 30, 18), programme=fis).phase is feasibility  # last day
    assert event_on(make_event, rome(2024, 7, 1, 10), programme=fis).phase is None  # after them all
    assert event_on(make_event, rome(2023, 10, 24, 15)).phase is None  # no programme, no phase


def test_the_date_is_taken_in_rome(fis, make_event):
    """00.30 on 1 May in Rome is still 30 April in UTC: the experimentation has begun."""
    start = rome(2023, 5, 1, 0, 30)
    assert start.astimezone(timezone.utc).date() == date(2023, 4, 30)
    event = event_on(make_event, start, programme=fis)
    assert event.phase.code == "experimentation"


def test_a_chosen_phase_wins(fis, make_event):
    feasibility, experimentation = fis.phases
    event = event_on(make_event, rome(2023, 10, 24, 15), phase=feasibility)
    assert event.phase is feasibility and event.programme is fis
    # Cleared later: the date decides again; moved: a chosen phase stays.
    events.save_event(event, phase=None)
    assert event.phase is experimentation
    events.save_event(event, starts_at=rome(2022, 11, 15, 10), ends_at=rome(2022, 11, 15, 12))
    assert event.phase is experimentation


def test_open_ended_and_undated_phases(app_ctx):
    programme = Programme(code="P", name="Programma")
    undated = Phase(code="a", name="Senza date", position=0)
    running = Phase(code="b", name="In corso", position=1, starts_on=date(2023, 5, 1))
    programme.phases.extend([undated, running])
    assert phase_on(programme, rome(2030, 1, 1, 10)) is running
    assert phase_on(programme, rome(2023, 4, 30, 10)) is None
    overlapping = Phase(code="c", name="Sovrapposta", position=2, starts_on=date(2023, 6, 1),
                        ends_on=date(2023, 6, 30))
    programme.phases.append(overlapping)
    assert phase_on(programme, rome(2023, 6, 15, 10)) is overlapping  # the later phase wins
