"""Erasing people (on request or at the end of retention) leaves every figure as it was."""
from fis_events.privacy import services as privacy
from fis_events.results import services
from fis_events.results.services import Scope
from results.test_totals import figures


def every_figure(small):
    """All figures of every scope the pages offer, with the drill-down rows' numbers."""
    scopes = [Scope(), Scope(programme=small.programme),
              Scope(programme=small.programme, phase=small.first),
              Scope(programme=small.programme, phase=small.second),
              *(Scope(event=event) for event in small.events.values())]
    result = []
    for scope in scopes:
        organisations, _total = services.organisation_rows(scope, per_page=None)
        participants, _total = services.participant_rows(scope, per_page=None)
        events, _total = services.event_rows(scope, per_page=None)
        result.append((figures(services.totals(scope)),
                       [(r.organisation.id, r.participations, r.participants, r.meetings_held)
                        for r in organisations],
                       sorted((r.person.id, r.participations) for r in participants),
                       [(r.event.id, r.confirmed, r.in_person, r.remote, r.no_shows) for r in events]))
    return result


def test_erasing_a_person_changes_no_figure(small):
    before = every_figure(small)
    for who in ("anna", "chiara", "elena"):
        privacy.erase(small.people[who])
    assert small.people["anna"].email is None and small.people["anna"].organisation_id is None
    assert every_figure(small) == before


def test_purging_expired_people_changes_no_figure(small):
    before = every_figure(small)
    outcome = privacy.purge_expired(retention_days=0)
    assert outcome.people > 0
    assert every_figure(small) == before
