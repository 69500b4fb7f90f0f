"""The organisers' register: manual ticks, people without a registration, meetings held."""
import threading
from datetime import timedelta

import pytest

from fis_events.db_types import utcnow
from fis_events.errors import DomainError
from fis_events.events import services as events
from fis_events.programme.services import find_or_create_organisation
from fis_events.extensions import db
from fis_events.unit_of_work import unit_of_work
from fis_events.participation import services
from fis_events.participation.models import Attendance, AttendanceEvidence, AttendanceSource
from fis_events.programme.models import OrganisationKind
from fis_events.registration import services as registrations
from fis_events.registration.models import AttendanceMode, Person

IN_PERSON, REMOTE = AttendanceMode.IN_PERSON, AttendanceMode.REMOTE


def attendances(event):
    db.session.expire_all()
    return db.session.scalars(db.select(Attendance).filter_by(event_id=event.id)
                              .order_by(Attendance.id)).all()


def evidence_count():
    return db.session.scalar(db.select(db.func.count(AttendanceEvidence.id)))


def comune(name="Comune di Bergamo"):
    return find_or_create_organisation(name, OrganisationKind.COMUNE_CAPOLUOGO)


# ---- ticks ----------------------------------------------------------------------------------

def test_a_tick_records_one_manual_attendance_by_the_organiser(today_event, enrol, staff):
    event, organiser = today_event(), staff()
    registration = enrol(event, "Niccolò", "D'Angelo", REMOTE, organisation="Comune di Catanzaro")
    changes = services.save_register(event, {registration.person_id}, set(), {}, organiser)
    assert [p.full_name for p in changes.marked] == ["Niccolò D'Angelo"]
    [attendance] = attendances(event)
    assert attendance.source is AttendanceSource.MANUAL and attendance.sources == [AttendanceSource.MANUAL]
    assert attendance.mode is REMOTE  # the registration's, when no other mode was chosen
    assert attendance.recorded_by_id == organiser.id
    assert attendance.registration_id == registration.id
    assert attendance.organisation.name == "Comune di Catanzaro"


def test_the_chosen_mode_wins_and_saving_again_changes_nothing(today_event, enrol, staff):
    event, organiser = today_event(), staff()
    person_id = enrol(event, "Anna", "Rossi", IN_PERSON).person_id
    services.save_register(event, {person_id}, set(), {person_id: REMOTE}, organiser)
    again = services.save_register(event, {person_id}, {person_id}, {person_id: IN_PERSON}, organiser)
    assert not (again.marked or again.unmarked or again.kept)
    [attendance] = attendances(event)
    assert attendance.mode is REMOTE and evidence_count() == 1


def test_several_sources_stay_one_attendance(today_event, enrol, staff):
    event, organiser = today_event(), staff()
    registration = enrol(event, "Anna", "Rossi", REMOTE)
    for source in (AttendanceSource.QR_SCAN, AttendanceSource.PLATFORM_REPORT):
        services.record_attendance(event, registration.person, REMOTE, source, registration=registration)
    _, created = services.mark_present(event, registration.person, REMOTE, organiser, registration)
    db.session.commit()
    assert not created
    [attendance] = attendances(event)
    assert attendance.source is AttendanceSource.QR_SCAN  # the first source stands for it
    assert attendance.sources == [AttendanceSource.QR_SCAN, AttendanceSource.PLATFORM_REPORT,
                                  AttendanceSource.MANUAL]


def test_untick_removes_a_manual_only_attendance(today_event, enrol, staff):
    event, organiser = today_event(), staff()
    person_id = enrol(event, "Anna", "Rossi").person_id
    services.save_register(event, {person_id}, set(), {}, organiser)
    changes = services.save_register(event, set(), {person_id}, {}, organiser)
    assert [p.full_name for p in changes.unmarked] == ["Anna Rossi"]
    assert attendances(event) == [] and evidence_count() == 0


def test_untick_keeps_an_attendance_another_source_shows(today_event, enrol, staff):
    event, organiser = today_event(), staff()
    registration = enrol(event, "Anna", "Rossi")
    services.save_register(event, {registration.person_id}, set(), {}, organiser)
    scanned = utcnow()
    services.record_attendance(event, registration.person, IN_PERSON, AttendanceSource.QR_SCAN,
                               registration=registration, at=scanned)
    db.session.commit()
    changes = services.save_register(event, set(), {registration.person_id}, {}, organiser)
    assert changes.unmarked == []
    [(person, sources)] = changes.kept
    assert person.full_name == "Anna Rossi" and sources == [AttendanceSource.QR_SCAN]
    db.session.commit()
    [attendance] = attendances(event)
    # The scan now stands for the attendance: the organiser's tick is gone.
    assert attendance.sources == [AttendanceSource.QR_SCAN]
    assert attendance.source is AttendanceSource.QR_SCAN and attendance.recorded_by_id is None
    assert attendance.recorded_at == scanned


def test_untick_of_a_scan_only_attendance_keeps_it(today_event, enrol, staff):
    event, organiser = today_event(), staff()
    registration = enrol(event, "Anna", "Rossi")
    services.record_attendance(event, registration.person, IN_PERSON, AttendanceSource.QR_SCAN,
                               registration=registration)
    db.session.commit()
    changes = services.save_register(event, set(), {registration.person_id}, {}, organiser)
    assert [sources for _, sources in changes.kept] == [[AttendanceSource.QR_SCAN]]
    assert len(attendances(event)) == 1


def test_a_tick_made_after_the_page_was_shown_is_not_undone(today_event, enrol, staff):
    """A colleague ticked Anna after this organiser opened the page: saving it leaves her."""
    event, organiser = today_event(), staff()
    anna, bruno = enrol(event, "Anna", "Rossi").person_id, enrol(event, "Bruno", "Verdi").person_id
    services.save_register(event, {anna}, set(), {}, organiser)
    changes = services.save_register(event, {bruno}, set(), {}, organiser)  # shown before the tick
    assert [p.first_name for p in changes.marked] == ["Bruno"] and changes.unmarked == []
    assert len(attendances(event)) == 2


def test_ids_outside_the_register_are_ignored(today_event, enrol, staff):
    event, other, organiser = today_event(), today_event(title="Altro"), staff()
    stranger = enrol(other, "Carla", "Bianchi").person_id
    cancelled = enrol(event, "Dario", "Neri")
    registrations.cancel(cancelled)
    changes = services.save_register(event, {stranger, cancelled.person_id, 999999}, set(), {}, organiser)
    assert changes.marked == [] and attendances(event) == []


def test_the_register_lists_registrations_and_people_without_one(today_event, enrol, staff):
    event, organiser = today_event(capacity_in_person=1), staff()
    enrol(event, "Anna", "Rossi")
    waiting = enrol(event, "Bruno", "Verdi")
    registrations.cancel(enrol(event, "Carla", "Bianchi"))
    services.add_unregistered(event, first_name="Elena", last_name="Gialli", mode=IN_PERSON,
                              user=organiser, organisation=comune())
    registered, unregistered = services.attendance_register(event)
    assert [(r.person.first_name, r.registration.status.value) for r in registered] == [
        ("Anna", "confirmed"), ("Bruno", "waiting")]
    assert [(r.person.first_name, r.registration, r.attendance.sources) for r in unregistered] == [
        ("Elena", None, [AttendanceSource.MANUAL])]
    assert waiting.person_id in {r.person.id for r in registered}


@pytest.mark.parametrize("change", ["tick", "add", "held"])
def test_nothing_is_marked_before_the_start_or_for_a_cancelled_event(make_event, staff, change):
    organiser = staff()
    future = make_event()  # tomorrow
    person = services.find_or_create_person("Anna", "Rossi")
    cancelled = make_event(starts_at=utcnow() - timedelta(hours=1), ends_at=utcnow() + timedelta(hours=1))
    events.cancel_event(cancelled)
    actions = {
        "tick": lambda event: services.mark_present(event, person, IN_PERSON, organiser),
        "add": lambda event: services.add_unregistered(event, first_name="Anna", last_name="Rossi",
                                                       mode=IN_PERSON, user=organiser),
        "held": lambda event: services.mark_held(event, organiser),
    }
    with pytest.raises(DomainError, match="non è ancora iniziato"):
        actions[change](future)
    with pytest.raises(DomainError, match="annullato"):
        actions[change](cancelled)
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(Attendance.id))) == 0


def test_only_organisers_mark_and_only_offered_modes(today_event, enrol, staff):
    event = today_event(offers_remote=False)
    person = enrol(event, "Anna", "Rossi").person
    with pytest.raises(DomainError, match="Solo gli organizzatori"):
        services.mark_present(event, person, IN_PERSON, staff("door_staff"))
    with pytest.raises(DomainError, match="Solo gli organizzatori"):
        services.mark_held(event, None)
    with pytest.raises(DomainError) as error:
        services.mark_present(event, person, REMOTE, staff())
    assert error.value.field == "mode"


# ---- people without a registration ----------------------------------------------------------

def test_someone_without_an_email_becomes_a_person_with_a_manual_attendance(today_event, staff):
    event, organiser = today_event(), staff()
    attendance, created = services.add_unregistered(
        event, first_name="  Niccolò ", last_name="D'Angelo", mode=IN_PERSON, user=organiser,
        organisation=comune("Comune di Catanzaro"), role="Assistente sociale")
    assert created and attendance.registration_id is None
    person = attendance.person
    assert (person.full_name, person.email, person.role) == ("Niccolò D'Angelo", None, "Assistente sociale")
    assert attendance.organisation.name == "Comune di Catanzaro"
    assert attendance.sources == [AttendanceSource.MANUAL] and attendance.recorded_by_id == organiser.id
    # The same name at the same organisation, still without an e-mail: the same person.
    other = today_event(title="Secondo incontro")
    again, _ = services.add_unregistered(other, first_name="Niccolo", last_name="D’Angelo",
                                         mode=IN_PERSON, user=organiser,
                                         organisation=comune("Comune di Catanzaro"))
    assert again.person_id == person.id
    # The same name elsewhere is someone else.
    elsewhere, _ = services.add_unregistered(other, first_name="Niccolò", last_name="D'Angelo",
                                             mode=IN_PERSON, user=organiser, organisation=comune())
    assert elsewhere.person_id != person.id


def test_an_email_finds_the_known_person_and_their_registration(today_event, enrol, staff):
    event, organiser = today_event(), staff()
    registration = enrol(event, "Niccolò", "D'Angelo", REMOTE, email="niccolo.dangelo@comune.catanzaro.it",
                         organisation="Comune di Catanzaro")
    attendance, created = services.add_unregistered(
        event, first_name="Niccolò", last_name="D'Angelo", email=" Niccolo.DAngelo@Comune.Catanzaro.IT ",
        mode=REMOTE, user=organiser)
    assert created and attendance.person_id == registration.person_id
    assert attendance.registration_id == registration.id
    assert attendance.person.organisation.name == "Comune di Catanzaro"  # kept: none was typed
    _, created = services.add_unregistered(event, first_name="Niccolò", last_name="D'Angelo",
                                           email="niccolo.dangelo@comune.catanzaro.it", mode=REMOTE,
                                           user=organiser)
    assert not created and len(attendances(event)) == 1
    assert db.session.scalar(db.select(db.func.count(Person.id))) == 1


@pytest.mark.parametrize("fields, field", [
    (dict(first_name=" ", last_name="Rossi"), "first_name"),
    (dict(first_name="Anna", last_name=""), "last_name"),
    (dict(first_name="Anna", last_name="Rossi", email="anna@"), "email"),
])
def test_bad_input_is_refused_and_nothing_written(today_event, staff, fields, field):
    event = today_event()
    with pytest.raises(DomainError) as error:
        services.add_unregistered(event, mode=IN_PERSON, user=staff(), **fields)
    assert error.value.field == field
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(Person.id))) == 0


# ---- meetings held --------------------------------------------------------------------------

def test_mark_and_unmark_held(make_event, staff):
    organiser = staff()
    start = utcnow() - timedelta(hours=2)
    meeting = make_event(starts_at=start, ends_at=start + timedelta(hours=4), invitation_only=True)
    sequence = meeting.sequence
    assert not meeting.is_held()  # a draft that is not over counts only once confirmed
    with pytest.raises(DomainError, match="non è ancora iniziato"):
        services.mark_held(meeting, organiser, now=start - timedelta(minutes=1))
    services.mark_held(meeting, organiser, now=start + timedelta(minutes=90))
    assert meeting.held_at == start + timedelta(minutes=90) and meeting.is_held()
    services.mark_held(meeting, organiser)
    assert meeting.held_at == start + timedelta(minutes=90)  # the first confirmation stays
    assert db.session.scalar(db.select(db.func.count()).where(
        type(meeting).held_condition(utcnow()), type(meeting).id == meeting.id)) == 1
    services.unmark_held(meeting, organiser)
    assert meeting.held_at is None and not meeting.is_held()
    assert meeting.sequence == sequence  # nothing the calendar shows has changed
    with pytest.raises(DomainError, match="Solo gli organizzatori"):
        services.mark_held(meeting, staff("door_staff"))


# ---- concurrency ----------------------------------------------------------------------------

def test_two_organisers_ticking_the_same_person_at_once_give_one_attendance(app, today_event, enrol,
                                                                           staff):
    event, organiser = today_event(), staff()
    person_id = enrol(event, "Anna", "Rossi").person_id
    event_id, user_id = event.id, organiser.id
    barrier, errors = threading.Barrier(2), []

    def tick():
        with app.app_context():
            try:
                from fis_events.accounts.models import User
                from fis_events.events.models import Event

                user, ev = db.session.get(User, user_id), db.session.get(Event, event_id)
                barrier.wait()
                with unit_of_work():
                    services.save_register(ev, {person_id}, set(), {}, user)
            except Exception as error:  # reported below, with the other thread's result
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=tick) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    [attendance] = attendances(event)
    assert attendance.sources == [AttendanceSource.MANUAL] and evidence_count() == 1
