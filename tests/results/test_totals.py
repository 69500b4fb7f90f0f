"""Every figure of every scope of the hand-built programme (see conftest.small's docstring)."""
from datetime import timedelta

import pytest

from fis_events.events.models import EventKind
from fis_events.programme.models import OrganisationKind, ProgrammeStage
from fis_events.results import services
from fis_events.results.services import Scope


def figures(totals):
    """Everything a page can show, as plain values, to compare scopes and before/after."""
    return {
        "events": totals.events, "registrations": totals.registrations,
        "participations": totals.attendance.participations,
        "participants": totals.attendance.participants,
        "in_person": totals.attendance.in_person, "remote": totals.attendance.remote,
        "groups": {g: (f.participations, f.participants) for g, f in totals.groups.items()},
        "phases": [(p.phase.code, p.participations, p.participants, p.meetings_held)
                   for p in totals.phases],
        "phase_sum": totals.phase_sum, "meetings_held": totals.meetings_held,
        "no_shows": (totals.no_shows, totals.expected_past),
        "pipeline": {stage.value: n for stage, n in (totals.pipeline or {}).items()},
    }


def test_programme(small):
    assert figures(services.totals(Scope(programme=small.programme))) == {
        "events": 4,  # e1, e3, e4, e6: published and not cancelled
        "registrations": {"confirmed": 7, "waiting": 1, "cancelled": 1},
        "participations": 6, "participants": 3, "in_person": 4, "remote": 2,
        "groups": {"comuni": (3, 1), "partenariato": (2, 1), "non_indicata": (1, 1)},
        "phases": [("feasibility", 2, 2, 1), ("experimentation", 4, 3, 1)],
        "phase_sum": 5, "meetings_held": 2,
        "no_shows": (1, 5),  # bruno at e1, of e1's three and e4's two confirmed
        "pipeline": {"applied": 3, "feasibility": 2, "experimentation": 1},
    }


def test_people_in_both_phases_count_once_per_phase_and_once_overall(small):
    totals = services.totals(Scope(programme=small.programme))
    # anna and chiara took part in both phases: 2 + 3 per phase, 3 distinct persons
    assert [p.participants for p in totals.phases] == [2, 3]
    assert totals.phase_sum == 5 and totals.attendance.participants == 3


def test_first_phase(small):
    got = figures(services.totals(Scope(programme=small.programme, phase=small.first)))
    assert got["phases"] == [("feasibility", 2, 2, 1)]
    assert (got["participations"], got["participants"], got["meetings_held"]) == (2, 2, 1)
    assert got["registrations"] == {"confirmed": 3, "waiting": 0, "cancelled": 0}
    assert got["no_shows"] == (1, 3)
    assert got["groups"] == {"comuni": (1, 1), "partenariato": (1, 1), "non_indicata": (0, 0)}


def test_second_phase(small):
    got = figures(services.totals(Scope(programme=small.programme, phase=small.second)))
    assert got["phases"] == [("experimentation", 4, 3, 1)]
    assert got["meetings_held"] == 1  # e3 (marked held); e5 cancelled, e6 future
    assert got["registrations"] == {"confirmed": 4, "waiting": 1, "cancelled": 1}
    assert got["no_shows"] == (0, 2)  # e4: both confirmed came; e3 is not over, e6 is future


def test_one_event(small):
    totals = services.totals(Scope(event=small.events["e1"]))
    assert (totals.attendance.participations, totals.attendance.in_person, totals.no_shows,
            totals.expected_past) == (2, 2, 1, 3)
    assert totals.no_show_rate == pytest.approx(1 / 3)


def test_several_sources_are_one_attendance(small):
    totals = services.totals(Scope(event=small.events["e1"]))
    assert totals.groups["partenariato"].participations == 1  # chiara: QR and report, once
    person = small.people["chiara"]
    attendance, = services.attendances_of(person, Scope(event=small.events["e1"]))
    assert [s.value for s in attendance.sources] == ["qr_scan", "platform_report"]


def test_date_range_and_kinds(small):
    e4_day = small.today - timedelta(days=100)
    got = services.totals(Scope(date_from=e4_day, date_to=e4_day))
    assert (got.attendance.participations, got.attendance.remote, got.meetings_held) == (2, 1, 0)
    meetings = services.totals(Scope(programme=small.programme, event_kind=EventKind.SUPPORT_MEETING))
    assert (meetings.attendance.participations, meetings.meetings_held, meetings.events) == (4, 2, 3)
    comuni = services.totals(Scope(programme=small.programme,
                                   organisation_kind=OrganisationKind.COMUNE_CAPOLUOGO))
    assert (comuni.attendance.participations, comuni.attendance.participants) == (3, 1)
    # the organisation filter is about participants: registrations and meetings are unchanged
    assert comuni.registrations["confirmed"] == 7 and comuni.meetings_held == 2


def test_pipeline_as_of_a_date(small):
    earlier = services.totals(Scope(programme=small.programme,
                                    date_to=small.today - timedelta(days=200)))
    assert earlier.pipeline == {ProgrammeStage.APPLIED: 3, ProgrammeStage.FEASIBILITY: 2,
                                ProgrammeStage.EXPERIMENTATION: 0}


def test_event_rows(small):
    rows, total = services.event_rows(Scope(programme=small.programme))
    assert total == 5  # every event but the draft e2, cancelled e5 included (marked as such)
    by_title = {row.event.title: row for row in rows}
    e1 = by_title["Incontro Bergamo"]
    assert (e1.confirmed, e1.in_person, e1.remote, e1.no_shows, e1.held) == (3, 2, 0, 1, True)
    assert by_title["Incontro futuro"].held is False
    assert by_title["Incontro annullato"].held is False
    held, total_held = services.event_rows(Scope(programme=small.programme), held_meetings_only=True)
    assert total_held == 2 and {r.event.title for r in held} == {"Incontro Bergamo", "Incontro Genova"}
    page_two, _total = services.event_rows(Scope(programme=small.programme), page=2, per_page=3)
    assert len(page_two) == 2


def test_organisation_rows(small):
    rows, total = services.organisation_rows(Scope(programme=small.programme))
    got = {r.organisation.name: (r.participations, r.participants, r.meetings_held, r.stage)
           for r in rows}
    assert got == {
        "Comune di Bergamo": (3, 1, 1, ProgrammeStage.EXPERIMENTATION),
        "Cooperativa Alfa": (2, 1, 0, None),
        "Città metropolitana di Genova": (0, 0, 1, ProgrammeStage.FEASIBILITY),
    }
    assert total == 3 and rows[0].organisation.name == "Comune di Bergamo"


def test_participant_rows(small):
    rows, total = services.participant_rows(Scope(programme=small.programme))
    assert total == 3
    assert [(r.person.first_name, r.participations) for r in rows] == [
        ("Elena", 1), ("Anna", 3), ("Chiara", 2)]
    comuni, _total = services.participant_rows(Scope(programme=small.programme), group="comuni")
    assert [r.person.first_name for r in comuni] == ["Anna"]


def test_totals_use_the_organisation_at_the_time(small):
    """A person who moves to another organisation keeps their past participations where they
    were: the attendance remembers whom they represented."""
    from fis_events.extensions import db

    before = figures(services.totals(Scope(programme=small.programme)))
    small.people["anna"].organisation = small.coop
    db.session.commit()
    assert figures(services.totals(Scope(programme=small.programme))) == before
