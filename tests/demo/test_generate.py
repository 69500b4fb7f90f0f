"""`flask demo generate`: the programme's published figures, exactly, on synthetic data."""
import pytest
from sqlalchemy import func, select

from fis_events.db_types import utcnow
from fis_events.demo import generate
from fis_events.events.models import Event, EventKind, EventStatus, event_beneficiary
from fis_events.extensions import db
from fis_events.participation.models import Attendance, AttendanceEvidence, AttendanceSource
from fis_events.programme.models import Organisation, OrganisationStage, Phase, ProgrammeStage
from fis_events.registration.models import AttendanceMode, Person, Registration, RegistrationStatus

from demo.figures import (MUNICIPAL, held, held_meetings, no_shows, participants_by_phase,
                          persons_in_both_phases, stages)


def run(runner, *args):
    result = runner.invoke(args=["demo", "generate", *args])
    assert result.exit_code == 0, result.output
    return result


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def volumes():
    return {model.__tablename__: count(model) for model in (Person, Event, Registration, Attendance)}


@pytest.fixture
def generated(runner, app_ctx):
    return run(runner)


def test_the_published_figures_come_out_exactly(generated):
    now = utcnow()
    assert stages() == {ProgrammeStage.APPLIED: 34, ProgrammeStage.FEASIBILITY: 21,
                        ProgrammeStage.EXPERIMENTATION: 18}
    assert held_meetings(now) == 130
    by_phase = participants_by_phase()
    assert by_phase == {"feasibility": 200, "experimentation": 225}
    both = persons_in_both_phases()
    distinct = count(select(Attendance.person_id).distinct().subquery())
    assert 0 < both < 200 and distinct == 425 - both and 300 <= distinct <= 380
    assert "34 → 21 → 18" in generated.output and "200 + 225 = 425" in generated.output


def test_the_pipeline_is_a_dated_history_of_municipalities(generated):
    entries = db.session.execute(select(OrganisationStage.organisation_id, OrganisationStage.stage,
                                        OrganisationStage.reached_on)).all()
    history = {}
    for organisation_id, stage, reached_on in entries:
        history.setdefault(organisation_id, {})[stage] = reached_on
    for reached in history.values():
        ordered = [reached.get(stage) for stage in ProgrammeStage]
        present = [day for day in ordered if day is not None]
        assert ordered[:len(present)] == present and present == sorted(present)
    kinds = db.session.scalars(select(Organisation.kind).where(Organisation.id.in_(history))).all()
    assert set(kinds) <= set(MUNICIPAL)
    in_experimentation = db.session.scalars(
        select(Organisation.name).join(OrganisationStage)
        .where(OrganisationStage.stage == ProgrammeStage.EXPERIMENTATION)).all()
    assert {"Comune di Bergamo", "Comune di Catanzaro"} <= set(in_experimentation)


def test_meetings_cancelled_or_upcoming_are_there_but_not_held(generated):
    now = utcnow()
    meetings = Event.kind == EventKind.SUPPORT_MEETING
    assert count(Event, meetings, Event.status == EventStatus.CANCELLED) > 0
    assert count(Event, meetings, Event.starts_at > now, Event.status == EventStatus.PUBLISHED) > 0
    assert count(Event, meetings, held(now)) == 130
    assert count(Event, meetings, Event.held_at.is_not(None)) > 0  # some confirmed by an organiser
    not_held = select(Event.id).where(meetings, ~held(now))
    assert count(Attendance, Attendance.event_id.in_(not_held)) == 0
    without_beneficiary = select(Event.id).where(meetings, ~Event.id.in_(select(event_beneficiary.c.event_id)))
    assert count(Event, Event.id.in_(without_beneficiary)) == 0
    beneficiary_kinds = db.session.scalars(select(Organisation.kind).distinct().join(
        event_beneficiary, event_beneficiary.c.organisation_id == Organisation.id)).all()
    assert set(beneficiary_kinds) <= set(MUNICIPAL)


def test_every_event_and_phase_is_dated_and_placed(generated):
    assert count(Event, Event.phase_id.is_(None)) == 0
    for phase in db.session.scalars(select(Phase)):
        assert phase.starts_on < phase.ends_on
    assert db.session.scalar(select(func.count()).where(Phase.ends_on > Phase.starts_on)) == 2
    kinds = set(db.session.scalars(select(Event.kind).distinct()))
    assert {EventKind.SUPPORT_MEETING, EventKind.PUBLIC_EVENT, EventKind.WEBINAR, EventKind.WORKSHOP} <= kinds


def test_attendance_is_consistent_with_registrations_and_evidence(generated):
    now = utcnow()
    attendances = db.session.execute(
        select(Attendance, Registration, Person, Event).join(Registration, Registration.id == Attendance.registration_id)
        .join(Person, Person.id == Attendance.person_id).join(Event, Event.id == Attendance.event_id)).all()
    assert len(attendances) == count(Attendance) > 1000
    for attendance, registration, person, event in attendances:
        assert (registration.event_id, registration.person_id) == (attendance.event_id, attendance.person_id)
        assert registration.status is RegistrationStatus.CONFIRMED and registration.mode is attendance.mode
        assert attendance.organisation_id == person.organisation_id is not None
        assert event.status is not EventStatus.CANCELLED and event.starts_at <= now
    own_evidence = (select(AttendanceEvidence.id).where(AttendanceEvidence.attendance_id == Attendance.id,
                                                        AttendanceEvidence.source == Attendance.source))
    assert count(Attendance, ~own_evidence.exists()) == 0
    sources = dict(db.session.execute(
        select(Attendance.source, func.count()).join(Event, Event.id == Attendance.event_id)
        .where(Event.kind == EventKind.SUPPORT_MEETING).group_by(Attendance.source)).all())
    assert sources[AttendanceSource.MANUAL] > sources[AttendanceSource.REMOTE_JOIN] > 0
    assert sources[AttendanceSource.PLATFORM_REPORT] > 0 and AttendanceSource.QR_SCAN not in sources
    public = dict(db.session.execute(
        select(Attendance.source, func.count()).join(Event, Event.id == Attendance.event_id)
        .where(Event.kind == EventKind.PUBLIC_EVENT).group_by(Attendance.source)).all())
    assert max(public, key=public.get) is AttendanceSource.QR_SCAN


def test_registrations_have_no_shows_cancellations_and_waiting_lists(generated):
    now = utcnow()
    assert no_shows(now) > 50
    assert count(Registration, Registration.status == RegistrationStatus.CANCELLED) > 0
    assert count(Registration, Registration.status == RegistrationStatus.WAITING) > 0
    assert count(Registration, Registration.source == "walk_in") > 0
    for event in db.session.scalars(select(Event).where(Event.capacity_in_person.is_not(None))):
        confirmed = count(Registration, Registration.event_id == event.id,
                          Registration.mode == AttendanceMode.IN_PERSON,
                          Registration.status == RegistrationStatus.CONFIRMED)
        assert confirmed <= event.capacity_in_person, event.title
        if count(Registration, Registration.event_id == event.id,
                 Registration.status == RegistrationStatus.WAITING):
            assert confirmed == event.capacity_in_person


def test_running_again_changes_nothing_and_reset_rebuilds(runner, generated):
    before = volumes()
    again = run(runner)
    assert "already generated" in again.output
    assert volumes() == before
    run(runner, "--reset")
    assert volumes() == before
    assert held_meetings(utcnow()) == 130 and participants_by_phase()["feasibility"] == 200
    assert count(OrganisationStage) == 34 + 21 + 18


def test_the_seed_decides_the_people(runner, generated):
    people = db.session.scalars(select(Person.email).order_by(Person.id)).all()
    run(runner, "--reset")
    assert db.session.scalars(select(Person.email).order_by(Person.id)).all() == people
    run(runner, "--reset", "--seed", "7")
    assert db.session.scalars(select(Person.email).order_by(Person.id)).all() != people
    assert participants_by_phase() == {"feasibility": 200, "experimentation": 225}


def test_scale_multiplies_the_volumes(runner, generated):
    single = volumes()
    run(runner, "--reset", "--scale", "2")
    double = volumes()
    assert double["person"] == 2 * single["person"]
    for table in ("event", "registration", "attendance"):
        assert 1.8 <= double[table] / single[table] <= 2.2, table
    assert participants_by_phase() == {"feasibility": 400, "experimentation": 450}
    assert held_meetings(utcnow()) == 260
    assert stages()[ProgrammeStage.APPLIED] == 34


def test_generated_people_have_reserved_addresses(generated):
    emails = db.session.scalars(select(Person.email)).all()
    assert emails and all(email.endswith("." + generate.EMAIL_DOMAIN) for email in emails)
