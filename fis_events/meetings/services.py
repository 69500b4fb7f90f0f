"""Rules of a support meeting's record: minutes, decisions, next steps with the organisation
responsible and a due date, and each invited or registered person's outcome.

Present means an attendance exists, from any source (door scan, the organisers' register,
join link, platform report); marking someone present here records it through the register's
own service (`participation.services.mark_present`). Excused is stored apart
(`MeetingAbsence`) and counted apart: it is never an attendance, so no total changes with it.
Absent is what is left.
"""
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from .. import audit_record as audit
from ..db_types import utcnow
from ..errors import DomainError
from ..events.models import Event, EventKind
from ..extensions import db
from ..i18n import long_date, to_rome
from ..participation.models import Attendance
from ..participation.services import check_register_open, mark_present, unmark_present
from ..programme.models import Organisation
from ..programme.services import today
from ..registration.models import Invitation, Person, Registration, RegistrationStatus
from ..registration.services import offered_modes
from ..sql import insert_unless_exists, upsert
from ..text import check_text, required_line
from .models import MeetingAbsence, MeetingDecision, MeetingRecord, NextStep, Outcome

MINUTES_LIMIT = 20_000
DECISION_LIMIT = 1000
STEP_LIMIT = NextStep.text.type.length
JUSTIFICATION_LIMIT = MeetingAbsence.justification.type.length


def has_record(event):
    """Only support meetings have a record."""
    return event.kind is EventKind.SUPPORT_MEETING


def meeting_day(event):
    """The meeting's date in Rome: next steps fall due on or after it."""
    return to_rome(event.starts_at).date()


def record_of(event):
    """The meeting's record, or None while nothing is written in it."""
    return db.session.scalar(db.select(MeetingRecord).filter_by(event_id=event.id).options(
        selectinload(MeetingRecord.decisions),
        selectinload(MeetingRecord.next_steps).selectinload(NextStep.organisation)))


def _record(event, user):
    """The record, made by the first change (a concurrent first change makes the same one)."""
    if not has_record(event):
        raise DomainError(_("Il verbale si scrive solo per gli incontri di supporto."))
    insert_unless_exists(MeetingRecord, dict(event_id=event.id, minutes=""), ("event_id",))
    return _touched(db.session.scalar(db.select(MeetingRecord).filter_by(event_id=event.id)), user)


def _touched(record, user):
    """The record as last changed now, by `user`."""
    record.updated_at, record.updated_by_id = utcnow(), getattr(user, "id", None)
    return record


# ---- minutes and decisions -------------------------------------------------------------------

def save_minutes(event, minutes, user=None):
    """The minutes as typed (paragraphs kept): required, at most MINUTES_LIMIT characters."""
    minutes = check_text((minutes or "").replace("\r\n", "\n").strip(), field="minutes")
    if not minutes:
        raise DomainError(_("Scrivi il verbale dell'incontro."), field="minutes")
    if len(minutes) > MINUTES_LIMIT:
        raise DomainError(_("Il verbale può avere al massimo %(limit)s caratteri.",
                            limit=f"{MINUTES_LIMIT:,}".replace(",", ".")), field="minutes")
    record = _record(event, user)
    record.minutes = minutes
    audit.record("meeting.minutes_saved", event=event, user=user)
    return record


def _decision_text(text):
    return required_line(check_text(text or "", field="text"), field="text", limit=DECISION_LIMIT,
                         missing=_("Scrivi la decisione."),
                         too_long=_("La decisione può avere al massimo %(limit)s caratteri.",
                                    limit=DECISION_LIMIT))


def add_decision(event, text, user=None):
    text = _decision_text(text)
    record = _record(event, user)
    position = db.session.scalar(db.select(func.coalesce(func.max(MeetingDecision.position), 0))
                                 .where(MeetingDecision.record_id == record.id)) + 1
    decision = MeetingDecision(record=record, text=text, position=position)
    db.session.add(decision)
    audit.record("meeting.decision_added", event=event, user=user)
    return decision


def update_decision(decision, text, user=None):
    decision.text = _decision_text(text)
    _touched(decision.record, user)
    audit.record("meeting.decision_updated", event=decision.record.event_id, user=user)
    return decision


def remove_decision(decision, user=None):
    audit.record("meeting.decision_removed", event=decision.record.event_id, user=user)
    _touched(decision.record, user)
    decision.record.decisions.remove(decision)
    db.session.delete(decision)


# ---- next steps ------------------------------------------------------------------------------

def _step_values(event, text, organisation, due_on):
    """The checked values of a next step; the organisation (a function that finds or creates
    it, or a row) is resolved last, so a refused step creates no organisation."""
    text = required_line(check_text(text or "", field="text"), field="text", limit=STEP_LIMIT,
                         missing=_("Scrivi il prossimo passo."),
                         too_long=_("Il prossimo passo può avere al massimo %(limit)s caratteri.",
                                    limit=STEP_LIMIT))
    if due_on is None:
        raise DomainError(_("Indica la scadenza (gg/mm/aaaa)."), field="due_on")
    if due_on < meeting_day(event):
        raise DomainError(_("La scadenza non può precedere l'incontro (%(date)s).",
                            date=long_date(meeting_day(event))), field="due_on")
    organisation = organisation() if callable(organisation) else organisation
    if organisation is None:
        raise DomainError(_("Indica l'ente responsabile."), field="organisation")
    return dict(text=text, organisation=organisation, due_on=due_on)


def add_next_step(event, *, text, organisation, due_on, user=None):
    values = _step_values(event, text, organisation, due_on)
    step = NextStep(record=_record(event, user), **values)
    db.session.add(step)
    audit.record("meeting.step_added", event=event, target=values["organisation"], user=user,
                 due_on=due_on)
    return step


def update_next_step(step, *, text, organisation, due_on, user=None):
    event = step.record.event
    values = _step_values(event, text, organisation, due_on)
    for name, value in values.items():
        setattr(step, name, value)
    _touched(step.record, user)
    audit.record("meeting.step_updated", event=event, target=step.organisation, user=user,
                 due_on=due_on)
    return step


def remove_next_step(step, user=None):
    audit.record("meeting.step_removed", event=step.record.event_id, target=step.organisation,
                 user=user)
    _touched(step.record, user)
    step.record.next_steps.remove(step)
    db.session.delete(step)


def set_done(step, done, user=None, on=None):
    """Mark a next step done (today, Rome, unless told) or open again."""
    step.done_on = (on or today()) if done else None
    _touched(step.record, user)
    audit.record("meeting.step_done" if done else "meeting.step_reopened",
                 event=step.record.event_id, target=step.organisation, user=user)
    return step


def due_before_meeting(record):
    """Next steps falling due before the meeting (it was moved after they were written)."""
    if record is None:
        return []
    day = meeting_day(record.event)
    return [step for step in record.next_steps if step.due_on < day]


def _open_steps():
    return (db.select(NextStep, Event).join(MeetingRecord, NextStep.record_id == MeetingRecord.id)
            .join(Event, Event.id == MeetingRecord.event_id).where(NextStep.done_on.is_(None)))


def open_steps_of(organisation):
    """[(step, meeting)] the organisation still has to do, soonest first; one query."""
    return db.session.execute(_open_steps().where(NextStep.organisation_id == organisation.id)
                              .order_by(NextStep.due_on, NextStep.id)).all()


def overdue_steps(limit, on=None):
    """([(step, meeting, organisation name)] of the first `limit` overdue next steps (due
    before `on`, today in Rome, and not done), oldest first, and how many there are; one
    query."""
    rows = db.session.execute(
        _open_steps().add_columns(Organisation.name, func.count().over())
        .join(Organisation, Organisation.id == NextStep.organisation_id)
        .where(NextStep.due_on < (on or today()))
        .order_by(NextStep.due_on, NextStep.id).limit(limit)).all()
    return [row[:3] for row in rows], rows[0][3] if rows else 0


# ---- who was there ---------------------------------------------------------------------------

@dataclass
class Line:
    """One invited or registered person (or someone present without either) at the meeting."""

    key: str
    person: Person | None = None
    invitation: Invitation | None = None
    registration: Registration | None = None
    attendance: Attendance | None = None
    absence: MeetingAbsence | None = None

    @property
    def name(self):
        return self.person.full_name if self.person is not None else self.invitation.email

    @property
    def organisation(self):
        if self.person is not None and self.person.organisation is not None:
            return self.person.organisation
        return self.invitation.organisation if self.invitation is not None else None

    @property
    def outcome(self):
        if self.attendance is not None:
            return Outcome.PRESENT
        if self.absence is not None and self.absence.excused:
            return Outcome.EXCUSED
        return Outcome.ABSENT

    @property
    def justification(self):
        return (self.absence.justification or "") if self.outcome is Outcome.EXCUSED else ""


def meeting_lines(event):
    """One line per person: the event's non-cancelled registrations and its invitations (an
    invited address that is a known person is that person's line), everyone present without
    either, and the absences kept for erased invitees. By surname, then the addresses of
    invitees not yet known. A fixed number of queries."""
    registrations = db.session.scalars(db.select(Registration).where(
        Registration.event_id == event.id, Registration.status != RegistrationStatus.CANCELLED)).all()
    invitations = db.session.scalars(db.select(Invitation).where(Invitation.event_id == event.id)).all()
    attendances = db.session.scalars(db.select(Attendance).where(Attendance.event_id == event.id)
                                     .options(selectinload(Attendance.evidence))).all()
    absences = db.session.scalars(db.select(MeetingAbsence)
                                  .where(MeetingAbsence.event_id == event.id)).all()
    # the people and organisations they name, each in one query whatever the rows already in
    # the session, and set on the rows, so the page reads no more
    person_ids = {row.person_id for row in (*registrations, *attendances, *absences) if row.person_id}
    emails = [invitation.email for invitation in invitations]
    people = db.session.scalars(db.select(Person).where(
        Person.id.in_(person_ids) | Person.email.in_(emails))).all() if person_ids or emails else []
    organisation_ids = {row.organisation_id for row in (*people, *invitations) if row.organisation_id}
    organisations = {o.id: o for o in db.session.scalars(db.select(Organisation).where(
        Organisation.id.in_(organisation_ids)))} if organisation_ids else {}
    for row in (*people, *invitations):
        set_committed_value(row, "organisation", organisations.get(row.organisation_id))
    people = {person.id: person for person in people}
    for row in (*registrations, *attendances, *absences):
        if row.person_id is not None:
            set_committed_value(row, "person", people[row.person_id])
    invited = {person.email: person for person in people.values() if person.email}
    by_person, by_invitation = {}, {}

    def line_of(person):
        if person.id not in by_person:
            by_person[person.id] = Line(f"p{person.id}", person=person)
        return by_person[person.id]

    for registration in registrations:
        line_of(people[registration.person_id]).registration = registration
    for invitation in invitations:
        person = invited.get(invitation.email)
        if person is not None:
            line_of(person).invitation = invitation
        else:
            by_invitation[invitation.id] = Line(f"i{invitation.id}", invitation=invitation)
    for attendance in attendances:
        line_of(people[attendance.person_id]).attendance = attendance
    for absence in absences:
        if absence.person_id is not None:
            line_of(people[absence.person_id]).absence = absence
        elif absence.invitation_id in by_invitation:
            by_invitation[absence.invitation_id].absence = absence
    known = sorted(by_person.values(), key=lambda line: (
        line.person.last_name.casefold(), line.person.first_name.casefold(), line.person.id))
    return known + sorted(by_invitation.values(), key=lambda line: line.invitation.email)


def outcome_counts(lines):
    """{outcome: how many lines}: excused counted apart from present and absent."""
    counts = dict.fromkeys(Outcome, 0)
    for line in lines:
        counts[line.outcome] += 1
    return counts


@dataclass
class OutcomeChanges:
    """What saving the outcomes did, for the organiser's message."""

    changed: list = field(default_factory=list)
    #: (line, sources) marked absent or excused but still shown present by a scan, a join
    #: click or a report
    kept: list = field(default_factory=list)


def _justification(text):
    text = check_text(" ".join((text or "").split()), field="outcomes")
    if len(text) > JUSTIFICATION_LIMIT:
        raise DomainError(_("La giustificazione può avere al massimo %(limit)s caratteri.",
                            limit=JUSTIFICATION_LIMIT), field="outcomes")
    return text or None


def save_outcomes(event, chosen, shown, user, now=None):
    """Apply the organiser's outcomes. `chosen`: {line key: (outcome, justification)};
    `shown`: {line key: outcome as the page showed it}. Only lines whose outcome or
    justification changed are touched, so a page opened before a colleague's change does not
    undo it. An unknown key refuses the whole form. One transaction."""
    if not has_record(event):
        raise DomainError(_("Il verbale si scrive solo per gli incontri di supporto."))
    lines = {line.key: line for line in meeting_lines(event)}
    if set(chosen) - set(lines) or any(outcome is None for outcome, _text in chosen.values()):
        raise DomainError(_("Persona sconosciuta in questo incontro: ricarica la pagina e riprova."),
                          field="outcomes")
    wanted = {key: (outcome, _justification(text)) for key, (outcome, text) in chosen.items()}
    todo = [(lines[key], outcome, text) for key, (outcome, text) in wanted.items()
            if outcome is not shown.get(key, lines[key].outcome)
            or (outcome is Outcome.EXCUSED and text != (lines[key].justification or None))]
    if todo:  # every refusal before the first change, so a refused form changes nothing
        check_register_open(event, now)
    for line, outcome, _text in todo:
        if outcome is Outcome.PRESENT and line.attendance is None and line.person is None:
            raise DomainError(_("%(address)s non ha ancora i dati di una persona: aggiungila dal "
                                "registro delle presenze («Aggiungi un partecipante non iscritto»).",
                                address=line.invitation.email), field="outcomes")
    changes = OutcomeChanges()
    for line, outcome, text in todo:
        if outcome is Outcome.PRESENT:
            _mark_present(event, line, user, now)
        elif line.attendance is not None:
            remaining = unmark_present(line.attendance)
            audit.record("attendance.unmarked", event=event, target=line.person, user=user,
                         kept=bool(remaining))
            if remaining:
                changes.kept.append((line, remaining))
                continue
        if outcome is not Outcome.PRESENT:
            _store_absence(event, line, outcome, text, user)
        changes.changed.append(line)
    return changes


def _mark_present(event, line, user, now):
    if line.attendance is not None:
        return
    mode = line.registration.mode if line.registration is not None else offered_modes(event)[0]
    mark_present(event, line.person, mode, user, registration=line.registration, now=now)
    audit.record("attendance.marked", event=event, target=line.person, user=user, mode=mode)
    if line.absence is not None:
        db.session.delete(line.absence)


def _store_absence(event, line, outcome, text, user):
    """Excused: the absence with its justification; absent: no absence kept (an erased
    invitee's kept absence stays, so the counts do)."""
    target = line.person if line.person is not None else line.invitation
    if outcome is Outcome.EXCUSED:
        keys = ("event_id", "person_id") if line.person is not None else ("event_id", "invitation_id")
        values = dict(event_id=event.id, excused=True, justification=text,
                      recorded_by_id=getattr(user, "id", None),
                      **({"person_id": line.person.id} if line.person is not None
                         else {"invitation_id": line.invitation.id}))
        upsert(MeetingAbsence, values, keys)
    elif line.absence is not None and line.absence.excused:
        db.session.delete(line.absence)
    audit.record("meeting.excused" if outcome is Outcome.EXCUSED else "meeting.absent",
                 event=event, target=target, user=user)


def forget_on_erasure(person_ids, emails):
    """Before an erasure deletes these people's invitations: their justifications are cleared
    (personal data), their kept absences move from the invitation to the person, and an invitee
    who had only an invitation to a support meeting keeps an absence of their own, so the
    meeting's counts do not change. Part of the erasure's statements (privacy)."""
    invitations = db.select(Invitation.id, Invitation.event_id, Person.id).join(
        Person, Person.email == Invitation.email).join(Event, Event.id == Invitation.event_id).where(
        Person.id.in_(person_ids), Invitation.email.in_(emails),
        Event.kind == EventKind.SUPPORT_MEETING)
    for invitation_id, event_id, person_id in db.session.execute(invitations).all():
        db.session.execute(db.update(MeetingAbsence).where(
            MeetingAbsence.invitation_id == invitation_id).values(person_id=person_id))
        insert_unless_exists(MeetingAbsence, dict(event_id=event_id, person_id=person_id,
                                                  excused=False), ("event_id", "person_id"))
    db.session.execute(db.update(MeetingAbsence).where(MeetingAbsence.person_id.in_(person_ids))
                       .values(justification=None), execution_options={"synchronize_session": False})


# ---- the minutes as a document ---------------------------------------------------------------

@dataclass
class MinutesFacts:
    """What the PDF of the minutes says, already in words."""

    title: str
    date: str
    place: str
    minutes: str
    decisions: list
    #: (text, organisation, due date in words, done)
    next_steps: list
    #: (name, organisation name)
    present: list
    #: (name, organisation name, justification)
    excused: list
    absent: list


def minutes_facts(event):
    record = record_of(event)
    lines = meeting_lines(event)

    def who(line):
        return line.name, line.organisation.name if line.organisation is not None else ""

    by_outcome = {outcome: [line for line in lines if line.outcome is outcome] for outcome in Outcome}
    place = ", ".join(part for part in (event.venue, event.address, event.city) if part)
    if event.offers_remote:
        place = ", ".join(filter(None, (place, _("da remoto") + (f" ({event.remote_platform})"
                                                               if event.remote_platform else ""))))
    return MinutesFacts(
        title=event.title, date=long_date(event.starts_at), place=place,
        minutes=record.minutes if record else "",
        decisions=[d.text for d in record.decisions] if record else [],
        next_steps=[(s.text, s.organisation.name, long_date(s.due_on), s.done_on is not None)
                    for s in record.next_steps] if record else [],
        present=[who(line) for line in by_outcome[Outcome.PRESENT]],
        excused=[(*who(line), line.justification) for line in by_outcome[Outcome.EXCUSED]],
        absent=[who(line) for line in by_outcome[Outcome.ABSENT]])


def overdue(step, on=None):
    """Not done and due before today (Rome)."""
    return step.done_on is None and step.due_on < (on or today())

