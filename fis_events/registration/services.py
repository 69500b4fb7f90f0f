"""Registration rules: one function per change, each inside the caller's unit of work.

Capacity is never exceeded: every change that can take or free a seat writes to the event's
row before it counts (`lock_event`, a no-op UPDATE), which holds the row lock on PostgreSQL and
the database's write lock on SQLite until the boundary commits, then counts, then decides
(a registration writes its new person just before: a row of its own). The e-mail it causes is
queued in the same transaction, and composed later by the sender.
"""
import functools
import hmac
import re
import secrets

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import bindparam, func
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from .. import audit_record as audit
from ..db_types import utcnow
from ..errors import DomainError
from ..events.locks import lock_event
from ..events.services import capacity_raised, confirmed_seats, registration_state
from ..extensions import db
from ..programme.models import Organisation
from ..search import search_key
from ..sql import insert_row_unless_exists
from . import notices  # noqa: F401  (answers the events' participants_affected and who_is_told)
from ..text import one_line
from ..unit_of_work import created_here
from .emails import queue_invitation_email, queue_registration_email
from .models import (AttendanceMode, Invitation, Person, Registration, RegistrationStatus,
                     person_search_name)

TOKEN_BYTES = 24  # 192 random bits, URL-safe
#: what a secret of ours can look like: anything else (a NUL byte, a whole page) is looked up
#: nowhere, and PostgreSQL never sees it
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,64}")


def new_token():
    return secrets.token_urlsafe(TOKEN_BYTES)


def is_token(text):
    return isinstance(text, str) and TOKEN_SHAPE.fullmatch(text) is not None


def normalise_email(email):
    email = (email or "").strip()
    try:
        return validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise DomainError(_("Indirizzo e-mail non valido."), field="email") from None


def find_by_token(column, token):
    """The registration whose secret matches, compared in constant time; None otherwise."""
    if not is_token(token):
        return None
    registration = db.session.scalar(db.select(Registration).where(column == token))
    if registration is None or not hmac.compare_digest(getattr(registration, column.key), token):
        return None
    return registration


def by_manage_token(token):
    return find_by_token(Registration.manage_token, token)


def by_join_token(token):
    return find_by_token(Registration.join_token, token)


# ---- rules --------------------------------------------------------------------------------

def offered_modes(event):
    return [mode for mode, offered in ((AttendanceMode.IN_PERSON, event.offers_in_person),
                                       (AttendanceMode.REMOTE, event.offers_remote)) if offered]


def capacity(event, mode):
    return event.capacity_in_person if mode is AttendanceMode.IN_PERSON else event.capacity_remote


def seats_taken(event, mode):
    return db.session.scalar(
        db.select(func.count(Registration.id)).where(
            Registration.event_id == event.id, Registration.mode == mode,
            Registration.status == RegistrationStatus.CONFIRMED))


def has_free_seat(event, mode):
    limit = capacity(event, mode)
    return limit is None or seats_taken(event, mode) < limit


def waiting_position(registration):
    """1 for the first in line of the registration's mode; nobody is in line for a cancelled event."""
    if registration.status is not RegistrationStatus.WAITING or registration.event.is_cancelled:
        return None
    ahead = db.session.scalar(
        db.select(func.count(Registration.id)).where(
            Registration.event_id == registration.event_id,
            Registration.mode == registration.mode,
            Registration.status == RegistrationStatus.WAITING,
            db.or_(Registration.waiting_since < registration.waiting_since,
                   db.and_(Registration.waiting_since == registration.waiting_since,
                           Registration.id < registration.id))))
    return ahead + 1


def waiting_positions(event):
    """{registration id: position} for everyone waiting at an event, in one query."""
    waiting = db.session.execute(
        db.select(Registration.id, Registration.mode).filter_by(
            event_id=event.id, status=RegistrationStatus.WAITING)
        .order_by(Registration.waiting_since, Registration.id)).all()
    seen, positions = {}, {}
    for registration_id, mode in waiting:
        seen[mode] = seen.get(mode, 0) + 1
        positions[registration_id] = seen[mode]
    return positions


def _check_mode(event, mode):
    if mode not in offered_modes(event):
        raise DomainError(_("Questa modalità di partecipazione non è prevista per l'evento."),
                          field="mode")


def _seat(registration):
    """Confirm if the mode has a free seat, else put at the end of the waiting list; returns the
    place in line (None when confirmed). One query counts the seats taken and the line: under
    the event's lock the newcomer is the last in line, behind everyone put there before it."""
    event, mode = registration.event, registration.mode
    with db.session.no_autoflush:  # count the others, not this half-made registration
        taken, waiting = db.session.execute(_seats_and_line(), {"event_id": event.id,
                                                                "mode": mode}).one()
    limit = capacity(event, mode)
    if limit is None or taken < limit:
        registration.status, registration.waiting_since = RegistrationStatus.CONFIRMED, None
        return None
    registration.status, registration.waiting_since = RegistrationStatus.WAITING, utcnow()
    return waiting + 1


@functools.cache
def _seats_and_line():
    """Confirmed and waiting in one mode of one event; built once (it runs under the lock)."""
    return (db.select(func.count().filter(Registration.status == RegistrationStatus.CONFIRMED),
                      func.count().filter(Registration.status == RegistrationStatus.WAITING))
            .where(Registration.event_id == bindparam("event_id"),
                   Registration.mode == bindparam("mode", type_=Registration.mode.type)))


def find_or_create_person(first_name, last_name, email=None, organisation=None, role=None,
                          municipality=None):
    """The person of this e-mail (normalised), or, without one, the person of the same name and
    organisation who never gave one; created with what was typed when unknown. Safe when another
    request creates the same person at the same moment (two tabs, or another event: no lock of
    ours orders the two): the e-mail is unique, the INSERT does nothing when a twin has it (after
    waiting for the twin's transaction), and the twin's row is read instead; no savepoint.

    An existing person is never changed here: typing someone's address (in a form, at the door,
    in an import) proves nothing about them. Their details change only through their manage
    link or by staff (`update_person`). `organisation` may be a function that finds or creates
    one: it is called only when needed, so a known person's registration creates none.
    """
    return _find_or_create_person(first_name, last_name, email, organisation, role, municipality)[0]


def _find_or_create_person(first_name, last_name, email, organisation, role, municipality):
    """(person, whether this call created them)."""
    first_name, last_name = clean_name(first_name, "first_name"), clean_name(last_name, "last_name")
    email = normalise_email(email) if (email or "").strip() else None
    if email:
        query = db.select(Person).filter_by(email=email)
    else:
        organisation = _resolved(organisation)
        query = db.select(Person).where(
            Person.email.is_(None), Person.erased_at.is_(None),
            Person.search_name == person_search_name(first_name, last_name),
            Person.organisation_id == getattr(organisation, "id", None)).order_by(Person.id).limit(1)
    person = db.session.scalar(query)
    if person is not None:
        return person, False
    organisation = _resolved(organisation)
    values = dict(email=email, first_name=first_name, last_name=last_name,
                  role=one_line(role) or None, municipality=one_line(municipality) or None)
    if email is None:  # nothing unique to meet a twin on: an ordinary new row
        person = Person(**values, organisation=organisation)
        db.session.add(person)
        db.session.flush()
        return person, True
    person = insert_row_unless_exists(Person, dict(
        values, organisation_id=getattr(organisation, "id", None),
        search_name=person_search_name(first_name, last_name)), ["email"])
    if person is None:  # the same e-mail, created a moment ago by another request
        return db.session.scalar(query), False
    set_committed_value(person, "organisation", organisation)
    return person, True


def is_new_person(person):
    """Whether this unit of work created the person: otherwise the address was known, and a
    form's answer must then hand out neither their manage link nor their details (only the
    e-mail to that address does)."""
    return created_here(person)


def _resolved(organisation):
    return organisation() if callable(organisation) else organisation


#: what a person may correct (their e-mail is who they are: it stays), in the order shown
PERSON_FIELDS = ("first_name", "last_name", "organisation", "role", "municipality")


def update_person(person, registration, user=None, **values):
    """Change a person's details, from their own manage link (`registration` is the one it
    opened) or by staff (`user`, audited). The person is told by e-mail what changed, from
    what to what; returns the changes as [field, before, after] (empty: nothing changed).
    `values["organisation"]` may be a function that finds or creates one."""
    values = dict(first_name=clean_name(values["first_name"], "first_name"),
                  last_name=clean_name(values["last_name"], "last_name"),
                  role=one_line(values.get("role")) or None,
                  municipality=one_line(values.get("municipality")) or None,
                  organisation=_resolved(values.get("organisation")))
    changes = [[name, _shown(getattr(person, name)), _shown(values[name])]
               for name in PERSON_FIELDS if getattr(person, name) != values[name]]
    if not changes:
        return changes
    for name in PERSON_FIELDS:
        setattr(person, name, values[name])
    db.session.flush()
    queue_registration_email("details_changed", registration, changes=changes,
                             by_staff=user is not None)
    if user is not None:
        audit.record("person.corrected", event=registration.event_id, target=person, user=user,
                     fields=[name for name, _before, _after in changes])
    return changes


def _shown(value):
    """A value as the e-mail and the page show it: an organisation by its name."""
    return getattr(value, "name", value)


def register(event, *, email, first_name, last_name, mode, organisation=None, role=None,
             municipality=None, accessibility_needs=None, photo_consent=False,
             newsletter_consent=False, source="online", invitation_token=None):
    """Register a person; returns (registration, outcome) with outcome 'confirmed', 'waiting'
    or 'already_registered' (then nothing changes but the person gets their link again).

    `organisation` is an Organisation, None, or a function that finds or creates one: it is
    called only for a new person. The person (and a new organisation) are written before the
    event's lock; under it, only the seat: the registration, counted and decided in one query,
    and its outbox row (composed later by the sender).
    Sources 'organiser' and 'walk_in' skip the window and the invitation check (organisers and
    door staff register people directly).
    """
    if source != "walk_in" or (email or "").strip():
        email = normalise_email(email)  # a walk-in may give none, as at the register
    first_name, last_name = clean_name(first_name, "first_name"), clean_name(last_name, "last_name")
    _check_mode(event, mode)
    if source not in ("organiser", "walk_in"):
        state = registration_state(event)
        if state != "open":
            raise DomainError(REGISTRATION_CLOSED[state]())
        if event.invitation_only and not valid_invitation(event, invitation_token, email):
            raise DomainError(_("Questo evento è su invito: usa il collegamento ricevuto per e-mail, "
                                "con l'indirizzo a cui è stato inviato."), field="email")
    # the person (and a new organisation) first: their rows are nobody else's to wait for
    person, created = _find_or_create_person(first_name, last_name, email, organisation, role,
                                             municipality)
    event = lock_event(event.id, keep=(person,))
    registration = None if created else db.session.scalar(
        db.select(Registration).filter_by(event_id=event.id, person_id=person.id))
    if registration is not None and registration.status is not RegistrationStatus.CANCELLED:
        queue_registration_email("already_registered", registration)
        return registration, "already_registered"
    if registration is None:
        registration = Registration(event=event, person=person, qr_token=new_token(),
                                    manage_token=new_token(), join_token=new_token())
        db.session.add(registration)
    registration.mode, registration.source = mode, source
    registration.accessibility_needs = (accessibility_needs or "").strip() or None
    registration.photo_consent, registration.newsletter_consent = photo_consent, newsletter_consent
    if registration.cancelled_at is not None:
        registration.calendar_revision += 1  # back in their calendar after the CANCEL
    registration.privacy_notice_read_at, registration.cancelled_at = utcnow(), None
    position = _seat(registration)
    outcome = "confirmed" if position is None else "waiting"
    queue_registration_email(outcome, registration, position=position)
    if source in STAFF_SOURCES:
        audit.record(STAFF_SOURCES[source], event=event.id, target=registration, outcome=outcome)
    db.session.flush()  # the caller may answer with the registration's id
    return registration, outcome


#: registrations made by staff, and how the audit log names them (a participant registering
#: online is not staff at work)
STAFF_SOURCES = {"organiser": "registration.added", "walk_in": "checkin.walk_in"}


def clean_name(value, field):
    value = " ".join((value or "").split())
    if not value:
        raise DomainError(_("Campo obbligatorio."), field=field)
    return value


REGISTRATION_CLOSED = {
    "cancelled": lambda: _("Evento annullato: non ci si può più iscrivere."),
    "not_published": lambda: _("Le iscrizioni a questo evento non sono aperte."),
    "not_yet": lambda: _("Le iscrizioni non sono ancora aperte."),
    "closed": lambda: _("Le iscrizioni sono chiuse."),
}


def cancel(registration):
    """Cancel; a freed seat goes to the first person waiting for that mode."""
    lock_event(registration.event_id)
    if registration.status is RegistrationStatus.CANCELLED:
        return registration
    was_confirmed = registration.is_confirmed
    registration.status, registration.cancelled_at = RegistrationStatus.CANCELLED, utcnow()
    registration.waiting_since, registration.calendar_revision = None, registration.calendar_revision + 1
    queue_registration_email("cancelled", registration)
    audit.record("registration.cancelled", event=registration.event_id, target=registration)
    db.session.flush()
    if was_confirmed:
        _promote(registration.event, registration.mode)
    return registration


def switch_mode(registration, mode):
    """Move to the other attendance mode, only if it has a free seat."""
    _check_mode(registration.event, mode)
    lock_event(registration.event_id)
    if registration.status is RegistrationStatus.CANCELLED:
        raise DomainError(_("L'iscrizione è annullata."))
    if registration.mode is mode:
        return registration
    if not has_free_seat(registration.event, mode):
        raise DomainError(_("Non ci sono più posti liberi %(mode)s.", mode=mode.label), field="mode")
    old_mode, was_confirmed = registration.mode, registration.is_confirmed
    registration.mode = mode
    registration.status, registration.waiting_since = RegistrationStatus.CONFIRMED, None
    queue_registration_email("changed", registration)
    audit.record("registration.mode_switched", event=registration.event_id, target=registration,
                 mode=mode)
    db.session.flush()
    if was_confirmed:
        _promote(registration.event, old_mode)
    return registration


def _promote(event, mode):
    """Give free seats of a mode to the people waiting, first come first served."""
    while has_free_seat(event, mode):
        first = db.session.scalar(
            db.select(Registration).filter_by(event_id=event.id, mode=mode,
                                              status=RegistrationStatus.WAITING)
            .order_by(Registration.waiting_since, Registration.id).limit(1))
        if first is None:
            return
        first.status, first.waiting_since = RegistrationStatus.CONFIRMED, None
        queue_registration_email("promoted", first)
        db.session.flush()


@capacity_raised.connect
def fill_free_seats(event):
    """After capacity was raised, in the same transaction and under the event's lock (taken by
    save_event before the change): promote from the waiting lists as far as the seats go."""
    for mode in AttendanceMode:
        _promote(event, mode)


@confirmed_seats.connect
def confirmed_per_capacity(event):
    """How many are confirmed in each mode, for save_event's rule on lowering a capacity."""
    return {"capacity_in_person": seats_taken(event, AttendanceMode.IN_PERSON),
            "capacity_remote": seats_taken(event, AttendanceMode.REMOTE)}


# ---- invitations --------------------------------------------------------------------------

def valid_invitation(event, token, email):
    if not is_token(token):
        return False
    invitation = db.session.scalar(db.select(Invitation).filter_by(event_id=event.id, token=token))
    return (invitation is not None and hmac.compare_digest(invitation.token, token)
            and invitation.email == email)


def invitation_by_token(event, token):
    if not is_token(token):
        return None
    invitation = db.session.scalar(db.select(Invitation).filter_by(event_id=event.id, token=token))
    return invitation if invitation and hmac.compare_digest(invitation.token, token) else None


def invite(event, emails, organisation=None, invited_by=None):
    """Invite addresses (one per e-mail, never twice), all or none: a refusal names every bad
    address. People already registered for the event are not invited. Returns the new
    invitations and the addresses skipped as already registered."""
    addresses, bad = [], []
    for raw in emails:
        try:
            addresses.append(normalise_email(raw))
        except DomainError:
            bad.append(raw)
    if bad:
        raise DomainError(ngettext("Indirizzo e-mail non valido: %(addresses)s.",
                                   "Indirizzi e-mail non validi: %(addresses)s.", len(bad),
                                   addresses=", ".join(bad)), field="emails")
    addresses = list(dict.fromkeys(addresses))
    registered = set(db.session.scalars(
        db.select(Person.email).join(Registration, Registration.person_id == Person.id)
        .where(Registration.event_id == event.id, Person.email.in_(addresses),
               Registration.status != RegistrationStatus.CANCELLED)))
    created = []
    for email in addresses:
        if email in registered or db.session.scalar(
                db.select(Invitation.id).filter_by(event_id=event.id, email=email)):
            continue
        invitation = Invitation(event=event, email=email, organisation=organisation,
                                token=new_token(), created_by_id=getattr(invited_by, "id", None))
        db.session.add(invitation)
        db.session.flush()
        queue_invitation_email(invitation)
        created.append(invitation)
    if created:
        audit.record("registrations.invited", event=event, target=organisation, user=invited_by,
                     count=len(created))
    return created, sorted(registered)


def organisation_emails(organisation):
    """The addresses of everyone known at an organisation, to invite it as a whole."""
    return db.session.scalars(
        db.select(Person.email).where(Person.organisation_id == organisation.id,
                                      Person.email.is_not(None)).order_by(Person.email)).all()


def registrations_of(event, search=None, mode=None, status=None, organisation_kind=None):
    """The event's registrations for the organisers' list, filtered; waiting ones in line order."""
    query = (db.select(Registration).join(Registration.person)
             .outerjoin(Organisation, Person.organisation_id == Organisation.id)
             .where(Registration.event_id == event.id)
             .options(selectinload(Registration.person).selectinload(Person.organisation)))
    if search and search_key(search):
        pattern = f"%{search_key(search)}%"
        query = query.where(db.or_(Person.search_name.like(pattern), Person.email.like(pattern),
                                   Organisation.search_name.like(pattern)))
    if mode is not None:
        query = query.where(Registration.mode == mode)
    if status is not None:
        query = query.where(Registration.status == status)
    if organisation_kind is not None:
        query = query.where(Organisation.kind == organisation_kind)
    return db.session.scalars(query.order_by(
        Registration.status, Registration.waiting_since, Person.last_name, Person.first_name)).all()


def resend(registration):
    """Send the participant their current confirmation (or waiting-list notice) again."""
    kind = {RegistrationStatus.CONFIRMED: "confirmed", RegistrationStatus.WAITING: "waiting",
            RegistrationStatus.CANCELLED: "cancelled"}[registration.status]
    queue_registration_email(kind, registration, position=waiting_position(registration))
    audit.record("registration.resent", event=registration.event_id, target=registration)


def promote(registration):
    """An organiser confirms this waiting person now: the mode gets one more seat for them, so
    the capacity still holds and nobody else's place changes."""
    lock_event(registration.event_id)
    if registration.status is not RegistrationStatus.WAITING:
        raise DomainError(_("Solo chi è in lista d'attesa può essere promosso."))
    event = registration.event
    if not has_free_seat(event, registration.mode):
        if registration.mode is AttendanceMode.IN_PERSON:
            event.capacity_in_person += 1
        else:
            event.capacity_remote += 1
    registration.status, registration.waiting_since = RegistrationStatus.CONFIRMED, None
    queue_registration_email("promoted", registration)
    audit.record("registration.promoted", event=registration.event_id, target=registration)
    return registration


def counts(event):
    """Confirmed and waiting per mode, with the capacity: the organisers' summary."""
    rows = db.session.execute(
        db.select(Registration.mode, Registration.status, func.count(Registration.id))
        .where(Registration.event_id == event.id).group_by(Registration.mode, Registration.status)).all()
    tally = {(mode, status): n for mode, status, n in rows}
    return {mode: {"confirmed": tally.get((mode, RegistrationStatus.CONFIRMED), 0),
                   "waiting": tally.get((mode, RegistrationStatus.WAITING), 0),
                   "cancelled": tally.get((mode, RegistrationStatus.CANCELLED), 0),
                   "capacity": capacity(event, mode)}
            for mode in offered_modes(event)}

