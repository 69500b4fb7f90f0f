"""Each invited or registered person's outcome: present (an attendance, from any source),
absent, or excused (stored apart, never an attendance)."""
import pytest
from sqlalchemy import select

from fis_events.audit_record import AuditEntry
from fis_events.checkin import services as checkin
from fis_events.db_types import utcnow
from fis_events.extensions import db
from fis_events.meetings import services
from fis_events.meetings.models import MeetingAbsence, Outcome
from fis_events.participation.models import Attendance, AttendanceSource
from fis_events.privacy.services import erase
from fis_events.registration.models import AttendanceMode
from fis_events.results.services import Scope, compute_totals


def lines_of(s):
    db.session.expire_all()
    return services.meeting_lines(db.session.get(type(s.event), s.event.id))


def outcomes_of(s):
    return {line.name: line.outcome for line in lines_of(s)}


def save(s, **chosen):
    """Post the page's outcome form with some lines changed: {key: outcome or (outcome, why)}."""
    data = {}
    for line in lines_of(s):
        data[f"shown-{line.key}"] = line.outcome.value
        data[f"outcome-{line.key}"] = line.outcome.value
        data[f"justification-{line.key}"] = line.justification
    for key, value in chosen.items():
        outcome, why = value if isinstance(value, tuple) else (value, "")
        data[f"outcome-{key}"], data[f"justification-{key}"] = outcome, why
    return s.post(f"{s.url}/esiti", **data)


def key(person):
    return f"p{person.id}"


def figures(event):
    totals = compute_totals(Scope(event=event), utcnow())
    return (totals.attendance, totals.registrations, totals.no_shows, totals.groups)


def test_one_line_per_invited_or_registered_person(meeting):
    lines = lines_of(meeting)
    assert [line.name for line in lines] == ["Carla Neri", "Anna Rossi", "Bruno Verdi",
                                             "nuovo.invitato@example.org"]
    carla = lines[0]
    assert carla.invitation is not None and carla.registration is None
    assert carla.organisation.name == "Formez"
    assert {line.outcome for line in lines} == {Outcome.ABSENT}
    page = meeting.client.get(meeting.url).get_data(as_text=True)
    assert "Presenti: 0 · Assenti giustificati: 0 · Assenti: 4" in page
    # the address nobody has yet cannot be marked present from here
    assert f'id="outcome-i{meeting.unknown.id}-present"' not in page
    assert f'id="outcome-{key(meeting.anna.person)}-present"' in page


def test_present_is_an_attendance_recorded_as_the_register_does(meeting):
    assert save(meeting, **{key(meeting.anna.person): "present"}).status_code == 302
    [attendance] = db.session.scalars(select(Attendance)).all()
    assert attendance.person_id == meeting.anna.person.id
    assert attendance.sources == [AttendanceSource.MANUAL]
    assert attendance.registration_id == meeting.anna.id
    assert attendance.mode is AttendanceMode.IN_PERSON
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.action, entry.target_id) == ("attendance.marked", meeting.anna.person.id)
    # an invitee who is a known person: present through the same service, in the first mode
    assert save(meeting, **{key(meeting.carla): "present"}).status_code == 302
    assert outcomes_of(meeting)["Carla Neri"] is Outcome.PRESENT


def test_present_from_any_source(meeting):
    checkin.manual_checkin(meeting.event, meeting.bruno, "door-1")
    db.session.commit()
    assert outcomes_of(meeting)["Bruno Verdi"] is Outcome.PRESENT
    response = save(meeting, **{key(meeting.bruno.person): ("excused", "Influenza")})
    assert response.status_code == 302
    follow = meeting.client.get(meeting.url).get_data(as_text=True)
    assert "Bruno Verdi resta presente" in follow
    assert outcomes_of(meeting)["Bruno Verdi"] is Outcome.PRESENT
    assert db.session.scalars(select(MeetingAbsence)).all() == []


def test_excused_is_counted_apart_and_never_an_attendance(meeting):
    before = figures(meeting.event)
    response = save(meeting, **{key(meeting.anna.person): "present",
                                key(meeting.bruno.person): ("excused", "Consiglio comunale in corso"),
                                f"i{meeting.unknown.id}": ("excused", "")})
    assert response.status_code == 302
    outcomes = outcomes_of(meeting)
    assert outcomes == {"Carla Neri": Outcome.ABSENT, "Anna Rossi": Outcome.PRESENT,
                        "Bruno Verdi": Outcome.EXCUSED,
                        "nuovo.invitato@example.org": Outcome.EXCUSED}
    assert services.outcome_counts(lines_of(meeting)) == {
        Outcome.PRESENT: 1, Outcome.EXCUSED: 2, Outcome.ABSENT: 1}
    assert db.session.scalar(select(db.func.count(Attendance.id))) == 1
    after_present = figures(meeting.event)
    # only the one attendance changed the totals: excusing two more changes nothing
    save(meeting, **{key(meeting.carla): ("excused", "In ferie")})
    assert figures(meeting.event) == after_present
    assert after_present != before
    bruno = next(line for line in lines_of(meeting) if line.name == "Bruno Verdi")
    assert bruno.justification == "Consiglio comunale in corso"
    page = meeting.client.get(meeting.url).get_data(as_text=True)
    assert "Presenti: 1 · Assenti giustificati: 3 · Assenti: 0" in page
    actions = [e.action for e in db.session.scalars(select(AuditEntry)) if e.action.startswith("meeting.")]
    assert actions.count("meeting.excused") == 3


def test_back_to_absent_and_present_again(meeting):
    save(meeting, **{key(meeting.anna.person): ("excused", "Malattia")})
    save(meeting, **{key(meeting.anna.person): "absent"})
    assert outcomes_of(meeting)["Anna Rossi"] is Outcome.ABSENT
    assert db.session.scalars(select(MeetingAbsence)).all() == []
    save(meeting, **{key(meeting.anna.person): ("excused", "Malattia")})
    save(meeting, **{key(meeting.anna.person): "present"})
    assert outcomes_of(meeting)["Anna Rossi"] is Outcome.PRESENT
    assert db.session.scalars(select(MeetingAbsence)).all() == []
    save(meeting, **{key(meeting.anna.person): "absent"})  # the organiser's own tick goes
    assert outcomes_of(meeting)["Anna Rossi"] is Outcome.ABSENT
    assert db.session.scalars(select(Attendance)).all() == []


def test_a_page_opened_earlier_does_not_undo_a_colleagues_change(meeting):
    stale = {line.key: line.outcome.value for line in lines_of(meeting)}
    save(meeting, **{key(meeting.anna.person): "present"})
    data = {f"shown-{k}": v for k, v in stale.items()}
    data.update({f"outcome-{k}": v for k, v in stale.items()})
    data[f"outcome-{key(meeting.bruno.person)}"] = "excused"
    assert meeting.post(f"{meeting.url}/esiti", **data).status_code == 302
    outcomes = outcomes_of(meeting)
    assert outcomes["Anna Rossi"] is Outcome.PRESENT and outcomes["Bruno Verdi"] is Outcome.EXCUSED


@pytest.mark.parametrize("bad", [
    {"outcome-p999999": "excused"},
    {"outcome-zzz": "excused"},
    {"outcome-{anna}": "forse"},
    {"outcome-{anna}": "excused", "justification-{anna}": "g" * 501},
    {"outcome-{anna}": "excused", "justification-{anna}": "Assente\u200b"},
    {"outcome-i{unknown}": "present"},
])
def test_bad_outcomes_change_nothing(meeting, bad):
    names = {"anna": key(meeting.anna.person), "unknown": meeting.unknown.id}
    data = {name.format(**names): value for name, value in bad.items()}
    data[f"outcome-{key(meeting.bruno.person)}"] = "present"  # a good change, refused with the rest
    before = db.session.scalar(select(db.func.count(AuditEntry.id)))
    response = meeting.post(f"{meeting.url}/esiti", **data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'class="alert alert-danger outcome-error" role="alert"' in page
    assert db.session.scalars(select(Attendance)).all() == []
    assert db.session.scalars(select(MeetingAbsence)).all() == []
    assert db.session.scalar(select(db.func.count(AuditEntry.id))) == before
    # what was typed is still there
    assert f'id="outcome-{key(meeting.bruno.person)}-present" value="present" checked' in page


def test_outcomes_wait_for_the_meeting_to_start(meeting, make_event, auth):
    from fis_events.events.models import EventKind
    later = make_event(title="Incontro futuro", kind=EventKind.SUPPORT_MEETING)
    page = meeting.client.get(f"/gestione/eventi/{later.id}/verbale").get_data(as_text=True)
    assert "non è ancora iniziato" in page and "outcomes-form" not in page


def test_erasure_clears_the_justification_and_keeps_the_counts(meeting):
    save(meeting, **{key(meeting.anna.person): ("excused", "Visita medica dal dottor Zefiro"),
                     key(meeting.carla): ("excused", "Trasloco in via Argomira"),
                     key(meeting.bruno.person): "present"})
    before = services.outcome_counts(lines_of(meeting))
    erase(meeting.anna.person)
    erase(meeting.carla)
    # Carla had only an invitation, which the erasure deletes: her line stays as an absence
    db.session.commit()
    after = services.outcome_counts(lines_of(meeting))
    assert after == before
    absences = db.session.scalars(select(MeetingAbsence)).all()
    assert [a.justification for a in absences] == [None, None]
    texts = " ".join(str(v) for v in db.session.scalars(select(MeetingAbsence.justification)))
    assert "Zefiro" not in texts and "Argomira" not in texts


def test_an_erased_invitee_who_was_absent_keeps_the_absent_count(meeting):
    before = services.outcome_counts(lines_of(meeting))
    erase(meeting.carla)
    db.session.commit()
    assert services.outcome_counts(lines_of(meeting)) == before
    assert "Partecipante anonimizzato" in [line.name for line in lines_of(meeting)]


def test_the_record_page_queries_do_not_grow_with_the_people(meeting, enrol, count_queries):
    def queries():
        with count_queries() as counter:
            assert meeting.client.get(meeting.url).status_code == 200
        return counter.count

    save(meeting, **{key(meeting.anna.person): "present", key(meeting.bruno.person): ("excused", "")})
    few = queries()
    for n in range(5):
        registration = enrol(meeting.event, "Persona", f"Nuova {n}", organisation=f"Ente {n}")
        save(meeting, **{key(registration.person): "present" if n % 2 else ("excused", "Ferie")})
    assert queries() == few
