"""Totals kept as snapshots for RESULTS_MAX_AGE seconds, recounted on demand."""
from datetime import timedelta

import pytest

from fis_events.extensions import db
from fis_events.participation.models import AttendanceSource
from fis_events.participation.services import record_attendance
from fis_events.registration.models import AttendanceMode
from fis_events.results import services
from fis_events.results.models import ResultsSnapshot
from fis_events.results.services import Scope
from support import csrf_from


@pytest.fixture
def snapshots(app):
    app.config["RESULTS_MAX_AGE"] = 600
    yield
    app.config["RESULTS_MAX_AGE"] = 0


def test_a_snapshot_gives_the_same_figures_until_it_ages(small, snapshots, count_queries):
    from results.test_totals import figures

    scope = Scope(programme=small.programme)
    counted = services.totals(scope)
    with count_queries() as counter:
        kept = services.totals(scope)
    assert figures(kept) == figures(counted) and kept.computed_at == counted.computed_at
    assert counter.count <= 3  # the snapshot, its phases (and the scope reloaded): no counting
    record_attendance(small.events["e4"], small.people["bruno"], AttendanceMode.IN_PERSON,
                      AttendanceSource.MANUAL)
    db.session.commit()
    assert services.totals(scope).attendance.participations == 6  # still the snapshot
    later = services.totals(scope, now=counted.computed_at + timedelta(seconds=601))
    assert later.attendance.participations == 7


def test_recount_now_from_the_dashboard(client, auth, small, snapshots):
    auth.login("organiser")
    page = client.get("/gestione/risultati/?programma=FIS")
    assert "Ultimo conteggio:" in page.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(ResultsSnapshot)) == 1
    record_attendance(small.events["e4"], small.people["bruno"], AttendanceMode.IN_PERSON,
                      AttendanceSource.MANUAL)
    db.session.commit()
    assert "in presenza: 4 ·" in " ".join(client.get("/gestione/risultati/?programma=FIS").get_data(as_text=True).split())
    assert client.post("/gestione/risultati/ricalcola?programma=FIS").status_code == 400  # no CSRF
    response = client.post("/gestione/risultati/ricalcola?programma=FIS",
                           data={"csrf_token": csrf_from(page)}, follow_redirects=True)
    assert "in presenza: 5 ·" in " ".join(response.get_data(as_text=True).split())


def test_refresh_command(runner, small, snapshots):
    result = runner.invoke(args=["results", "refresh"])
    assert result.exit_code == 0, result.output
    assert "FIS (tutto): 5 partecipanti per fase, 3 distinti, 2 incontri svolti" in result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(ResultsSnapshot)) == 3
