"""Personal data: erasure on request and the retention period.

Erasing anonymises a person in place. Their name becomes a placeholder; e-mail, organisation,
role, municipality and search key go, and so do the other traces of the address (invitations,
copies of e-mails in the outbox) and the free text of their registrations and of their
justifications for missing a support meeting; their questionnaire links stop working and no
longer lead to their answers, which stay, anonymous. What the totals count stays: registrations with
their modes and statuses, attendance rows with the organisation the person represented that day
(attendance.organisation_id, a snapshot), scans, and each meeting's outcomes (present, excused,
absent: an invitee keeps an absence of their own when their invitation goes). So every total is
the same before and after, and the person can never be found again.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import case, delete, func, select, union, update

from .. import audit_record as audit
from ..db_types import utcnow
from ..errors import DomainError
from ..events.models import Event
from ..extensions import db
from ..feedback.services import forget_links
from ..meetings.services import forget_on_erasure
from ..notify.models import OutboxMessage
from ..participation.models import Attendance
from ..programme.models import Organisation
from ..search import search_key
from ..registration.models import Invitation, Person, Registration
from ..registration.services import normalise_email

ERASED_FIRST_NAME = "Partecipante"
ERASED_LAST_NAME = "anonimizzato"
#: people per statement when anonymising many (well under SQLite's limit on parameters)
BATCH = 500


def find_person(email):
    """The person with this address, or None (also for an address that is not one)."""
    try:
        email = normalise_email(email)
    except DomainError:
        return None
    return db.session.scalar(select(Person).filter_by(email=email))


def search_people(text, limit=50):
    """People whose name, e-mail or organisation matches, ignoring case and accents, with how
    many registrations and attendances they have: (person, organisation name, registrations,
    attendances). Name matches come first, then e-mail, then organisation (the admin looks for
    a person: "rossi" is Mario Rossi before everyone at Cooperativa Rossi). Anonymised people
    match nothing: their search key and address are gone."""
    key = search_key(text)
    if not key:
        return []
    pattern = f"%{key}%"
    registrations = (select(func.count(Registration.id))
                     .where(Registration.person_id == Person.id).scalar_subquery())
    attendances = (select(func.count(Attendance.id))
                   .where(Attendance.person_id == Person.id).scalar_subquery())
    return db.session.execute(
        select(Person, Organisation.name, registrations, attendances)
        .outerjoin(Organisation, Person.organisation_id == Organisation.id)
        .where(Person.erased_at.is_(None),
               db.or_(Person.search_name.like(pattern), Person.email.like(pattern),
                      Organisation.search_name.like(pattern)))
        .order_by(case((Person.search_name.like(pattern), 0), (Person.email.like(pattern), 1),
                       else_=2),
                  Person.last_name, Person.first_name, Person.id).limit(limit)).all()


def erase(person, reason="request", by=None):
    """Anonymise one person now. Erasing again changes nothing."""
    if person.erased_at is None:
        audit.record("person.erased", target=person, user=by)
    anonymise([person.id], reason, by)
    db.session.refresh(person)


def anonymise(person_ids, reason, by=None, now=None):
    """Anonymise these people in bulk, inside the caller's transaction. Each one is logged by id
    only: the log must not keep what was erased."""
    now = now or utcnow()
    for start in range(0, len(person_ids), BATCH):
        ids = person_ids[start:start + BATCH]
        emails = db.session.scalars(select(Person.email).where(
            Person.id.in_(ids), Person.email.is_not(None))).all()
        registrations = select(Registration.id).where(Registration.person_id.in_(ids))
        forget_on_erasure(ids, emails)  # before their invitations go
        # Core statements: the ORM's before_update hook would rebuild the search key from the
        # placeholder name.
        for statement in (
                update(Person).where(Person.id.in_(ids)).values(
                    first_name=ERASED_FIRST_NAME, last_name=ERASED_LAST_NAME, email=None,
                    organisation_id=None, role=None, municipality=None, search_name="",
                    erased_at=func.coalesce(Person.erased_at, now), updated_at=now),
                update(Registration).where(Registration.person_id.in_(ids))
                .values(accessibility_needs=None),
                delete(OutboxMessage).where(db.or_(OutboxMessage.registration_id.in_(registrations),
                                                   OutboxMessage.to_address.in_(emails))),
                delete(Invitation).where(Invitation.email.in_(emails))):
            db.session.execute(statement, execution_options={"synchronize_session": False})
        forget_links(ids)
        for person_id in ids:
            current_app.logger.info("person %s anonymised (%s%s)", person_id, reason,
                                    f", by user {by.id}" if by is not None else "")
    db.session.expire_all()
    return len(person_ids)


@dataclass
class Purge:
    """What purge_expired anonymised and deleted (or would, on a dry run)."""

    people: int
    invitations: int
    messages: int
    #: events that ended before this are past the retention period
    cutoff: datetime


def purge_expired(now=None, retention_days=None, dry_run=False):
    """Anonymise everyone with nothing at an event that ended within the retention period (a
    person active recently keeps their data, all of it), and delete what else holds addresses
    from before then: invitations to events that ended, copies of e-mails already sent."""
    now = now or utcnow()
    days = current_app.config["RETENTION_DAYS"] if retention_days is None else retention_days
    cutoff = now - timedelta(days=days)
    recent = select(Event.id).where(Event.ends_at > cutoff)
    active = union(select(Registration.person_id).where(Registration.event_id.in_(recent)),
                   select(Attendance.person_id).where(Attendance.event_id.in_(recent)))
    people = db.session.scalars(select(Person.id).where(
        Person.erased_at.is_(None), Person.created_at < cutoff, Person.id.not_in(active))
        .order_by(Person.id)).all()
    invitations = Invitation.event_id.in_(select(Event.id).where(Event.ends_at <= cutoff))
    messages = db.and_(OutboxMessage.created_at < cutoff, OutboxMessage.status.in_(("sent", "failed")))
    result = Purge(len(people), db.session.scalar(select(func.count(Invitation.id)).where(invitations)),
                   db.session.scalar(select(func.count(OutboxMessage.id)).where(messages)), cutoff)
    if dry_run:
        return result
    anonymise(people, "retention", now=now)
    db.session.execute(delete(Invitation).where(invitations), execution_options={"synchronize_session": False})
    db.session.execute(delete(OutboxMessage).where(messages), execution_options={"synchronize_session": False})
    audit.record("people.purged", count=result.people, invitations=result.invitations,
                 messages=result.messages)
    return result
