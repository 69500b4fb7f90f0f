"""Recording attendance: at most one per person and event, whatever the source; the
organisers' register (ticks, people who came without registering) and meetings marked held."""
from dataclasses import dataclass, field
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, make_transient_to_detached, selectinload

from ..accounts.models import Role
from .. import audit_record as audit
from ..db_types import utcnow
from ..errors import DomainError
from ..events.models import Event
from ..extensions import db
from ..i18n import long_datetime
from ..registration.models import Person, Registration, RegistrationStatus, person_search_name
from ..registration.services import find_or_create_person, offered_modes
from ..sql import insert_unless_exists
from .models import Attendance, AttendanceEvidence, AttendanceSource, RemoteJoinClick

#: the personal join link counts from this long before the start until the end
JOIN_OPENS_BEFORE = timedelta(minutes=30)


def find_attendance(event_id, person_id):
    return db.session.scalar(db.select(Attendance).filter_by(event_id=event_id, person_id=person_id))


def record_attendance(event, person, mode, source, registration=None, recorded_by=None,
                      device=None, at=None, minutes=None):
    """Returns (attendance, created). A second source for the same person and event adds its
    evidence and nothing else: the unique constraint decides, so concurrent requests cannot
    make two attendances. `minutes`: the time in the meeting a platform report measured."""
    at, source = at or utcnow(), AttendanceSource(source)
    values = dict(event_id=event.id, person_id=person.id, organisation_id=person.organisation_id,
                  mode=mode, source=source, registration_id=getattr(registration, "id", None),
                  recorded_by_id=getattr(recorded_by, "id", None), device=device, recorded_at=at)
    attendance_id = insert_unless_exists(Attendance, values, ("event_id", "person_id"))
    if attendance_id is None:
        attendance = find_attendance(event.id, person.id)
    else:
        # The row just inserted, made persistent in the session without reading it back.
        attendance = Attendance(id=attendance_id, **values)
        make_transient_to_detached(attendance)
        db.session.add(attendance)
    insert_unless_exists(AttendanceEvidence, dict(attendance_id=attendance.id, source=source,
                                                  recorded_at=at, minutes=minutes),
                         ("attendance_id", "source"))
    return attendance, attendance_id is not None


def remote_join(registration, now=None):
    """A click on a personal join link: 'redirect' (and, the first time in the event's window,
    an attendance), or why not: 'cancelled' (the event), 'not_entitled', 'not_yet', 'ended'.
    Every click is logged."""
    event, now = registration.event, now or utcnow()
    if event.is_cancelled:
        return "cancelled"
    if not registration.is_remote_confirmed or not event.remote_url:
        return "not_entitled"
    click = RemoteJoinClick(registration_id=registration.id, clicked_at=now)
    db.session.add(click)
    if now < event.starts_at - JOIN_OPENS_BEFORE:
        outcome = "not_yet"
    elif now > event.ends_at:
        outcome = "ended"
    else:
        _, click.counted = record_attendance(event, registration.person, registration.mode,
                                             AttendanceSource.REMOTE_JOIN, registration=registration,
                                             at=now)
        outcome = "redirect"
    return outcome


# ---- the organisers' attendance register ----------------------------------------------------

@dataclass
class RegisterRow:
    """One line of the register: a registered person, or someone present without registering."""

    person: Person
    registration: Registration | None = None
    attendance: Attendance | None = None

    @property
    def mode(self):
        return (self.attendance or self.registration).mode


@dataclass
class RegisterChanges:
    """What saving the register did, for the organiser's message."""

    marked: list = field(default_factory=list)
    unmarked: list = field(default_factory=list)
    #: (person, sources) unticked but still shown present by a scan, a report or a join click
    kept: list = field(default_factory=list)


def _check_organiser(user):
    """Pages check roles too; this holds for every other caller (API, CLI)."""
    if user is None or not user.has_role(Role.ADMIN, Role.ORGANISER):
        raise DomainError(_("Solo gli organizzatori registrano presenze e incontri svolti."))


def check_register_open(event, now=None):
    """Attendance is marked by hand once the event has started, never for a cancelled one."""
    if event.is_cancelled:
        raise DomainError(_("L'evento è annullato: non si registrano presenze."))
    if (now or utcnow()) < event.starts_at:
        raise DomainError(_("L'evento non è ancora iniziato: le presenze si registrano dall'inizio, "
                            "%(start)s.", start=long_datetime(event.starts_at)))


def attendance_register(event):
    """(registered, unregistered): every registration not cancelled, with its attendance if any,
    then everyone present without one. A fixed number of queries, however many rows."""
    registrations = db.session.scalars(
        db.select(Registration).join(Registration.person)
        .where(Registration.event_id == event.id, Registration.status != RegistrationStatus.CANCELLED)
        .options(contains_eager(Registration.person).selectinload(Person.organisation))
        .order_by(Person.last_name, Person.first_name, Person.id)).all()
    attendances = {a.person_id: a for a in db.session.scalars(
        db.select(Attendance).where(Attendance.event_id == event.id)
        .options(selectinload(Attendance.evidence),
                 selectinload(Attendance.person).selectinload(Person.organisation)))}
    registered = [RegisterRow(r.person, r, attendances.pop(r.person_id, None)) for r in registrations]
    unregistered = sorted((RegisterRow(a.person, attendance=a) for a in attendances.values()),
                          key=lambda row: (row.person.last_name, row.person.first_name, row.person.id))
    return registered, unregistered


def _check_mode(event, mode):
    if mode not in offered_modes(event):
        raise DomainError(_("Questa modalità di partecipazione non è prevista per l'evento."),
                          field="mode")


def mark_present(event, person, mode, user, registration=None, now=None):
    """An organiser ticks a person as present: one MANUAL source on their one attendance."""
    _check_organiser(user)
    check_register_open(event, now)
    _check_mode(event, mode)
    return record_attendance(event, person, mode, AttendanceSource.MANUAL,
                             registration=registration, recorded_by=user, at=now)


def unmark_present(attendance):
    """Take back an organiser's tick. The attendance goes only when no other source shows it,
    decided in the DELETE itself, so a scan arriving meanwhile is never lost. Returns the
    sources still showing it (empty when it is gone)."""
    db.session.execute(db.delete(AttendanceEvidence).where(
        AttendanceEvidence.attendance_id == attendance.id,
        AttendanceEvidence.source == AttendanceSource.MANUAL))
    orphan = ~db.select(AttendanceEvidence.id).where(
        AttendanceEvidence.attendance_id == attendance.id).exists()
    gone = db.session.execute(db.delete(Attendance).where(Attendance.id == attendance.id, orphan),
                              execution_options={"synchronize_session": False}).rowcount
    if gone:
        db.session.expunge(attendance)
        return []
    db.session.expire(attendance, ["evidence"])
    remaining = attendance.evidence
    if attendance.source is AttendanceSource.MANUAL:
        # The earliest remaining source now stands for the attendance.
        attendance.source, attendance.recorded_at = remaining[0].source, remaining[0].recorded_at
        attendance.recorded_by_id = None
    return [item.source for item in remaining]


def save_register(event, present, shown_present, modes, user, now=None):
    """Apply the organiser's register. `present`: person ids ticked; `shown_present`: those that
    were ticked when the page was shown (only they can be unticked, so a page opened before a
    colleague's tick does not undo it); `modes`: {person id: mode} for new ticks. Ids not in
    the register are ignored. One transaction."""
    _check_organiser(user)
    check_register_open(event, now)
    changes = RegisterChanges()
    registered, unregistered = attendance_register(event)
    for row in registered + unregistered:
        person_id = row.person.id
        if person_id in present and row.attendance is None:
            mode = modes.get(person_id) or row.registration.mode
            mark_present(event, row.person, mode, user, registration=row.registration, now=now)
            audit.record("attendance.marked", event=event, target=row.person, user=user, mode=mode)
            changes.marked.append(row.person)
        elif person_id in shown_present and person_id not in present and row.attendance is not None:
            remaining = unmark_present(row.attendance)
            audit.record("attendance.unmarked", event=event, target=row.person, user=user,
                         kept=bool(remaining))
            if remaining:
                changes.kept.append((row.person, remaining))
            else:
                changes.unmarked.append(row.person)
    return changes


def add_unregistered(event, *, first_name, last_name, mode, user, email=None, organisation=None,
                     role=None, now=None):
    """Someone came without registering (a support meeting around a table): the person, found
    or created, and a MANUAL attendance. Returns (attendance, created)."""
    _check_organiser(user)
    check_register_open(event, now)
    _check_mode(event, mode)
    person = find_or_create_person(first_name, last_name, email, organisation, role)
    registration = db.session.scalar(db.select(Registration).where(
        Registration.event_id == event.id, Registration.person_id == person.id,
        Registration.status != RegistrationStatus.CANCELLED))
    attendance, created = mark_present(event, person, mode, user, registration=registration, now=now)
    if created:
        audit.record("attendance.added", event=event, target=person, user=user, mode=mode)
    return attendance, created


# ---- meetings held --------------------------------------------------------------------------

def _check_may_be_held(event, user, now):
    _check_organiser(user)
    if event.is_cancelled:
        raise DomainError(_("L'evento è annullato: non può risultare svolto."))
    if now < event.starts_at:
        raise DomainError(_("L'evento non è ancora iniziato: potrai segnarlo come svolto da %(start)s.",
                            start=long_datetime(event.starts_at)))


def mark_held(event, user, now=None):
    """An organiser confirms the meeting took place: it counts among the meetings held (see
    Event.is_held). Written with an UPDATE of its own, so the calendar entry's SEQUENCE does
    not change: nothing the calendar shows did. Marking twice keeps the first time."""
    now = now or utcnow()
    _check_may_be_held(event, user, now)
    audit.record("event.held", event=event, user=user)
    _set_held_at(event, event.held_at or now)


def unmark_held(event, user, now=None):
    """Take back "held" (marked by mistake)."""
    _check_may_be_held(event, user, now or utcnow())
    audit.record("event.held_undone", event=event, user=user)
    _set_held_at(event, None)


def _set_held_at(event, value):
    db.session.execute(db.update(Event).where(Event.id == event.id).values(held_at=value),
                       execution_options={"synchronize_session": False})
    db.session.refresh(event)
