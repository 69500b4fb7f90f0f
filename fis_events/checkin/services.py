"""Door check-in rules. One function decides every scan and returns a ScanResult (results.py).

Every attempt is a Scan row, written once and never changed: a repeated nonce returns the
first answer and writes nothing. Attendance stays one per person and event (unique
constraint); when offline doors upload out of order, the attendance moves to the earliest
scan, never the scans.
"""
import functools
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

from flask import current_app, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, exists, func, update
from sqlalchemy.orm import aliased, selectinload

from ..accounts.models import Role, User
from .. import audit_record as audit
from ..db_types import parse_id, utcnow
from ..errors import DomainError
from ..events.models import Event
from ..extensions import db
from ..i18n import to_rome
from ..notify.services import email_rendering, queue_email
from ..participation.models import Attendance, AttendanceEvidence, AttendanceSource
from ..participation.services import find_attendance, record_attendance
from ..programme.models import Organisation
from ..registration import services as registrations
from ..registration.models import (
    AttendanceMode,
    Person,
    Registration,
    RegistrationStatus,
)
from ..registration.qr import PAYLOAD_PREFIX
from ..search import search_key
from ..sql import insert_unless_exists
from .models import CheckinDevice, DevicePairing, Scan, StaffAssignment
from .results import ScanResult
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{32}")
PAIRING_MINUTES = 15
#: a paired phone works until this long after the event ends
DEVICE_GRACE = timedelta(hours=12)
#: a phone's "last used" moves on in steps this long: the organisers' list needs no more, and a
#: scan then writes no update of the device row
LAST_USE_STEP = timedelta(minutes=1)


@dataclass
class ScanOutcome:
    """The decision, with what the door shows as plain values."""

    reason: ScanResult
    replayed: bool = False
    #: scan_id; person (name, organisation, mode, registration_id), previous (at, door, by),
    #: other_event (id, title, starts_at)
    summary: dict = field(default_factory=dict)


class _PersonRef(NamedTuple):
    """What record_attendance reads of a person, taken from the badge row instead of a load."""

    id: int
    organisation_id: int | None


@functools.cache
def _door_event_query():
    return db.select(Event.id, Event.uid, Event.title, Event.status, Event.starts_at,
                     Event.ends_at).where(Event.id == bindparam("event_id"))


def door_event(event_id):
    """The event as the door endpoints use it (id, uid, title, status, start and end), read
    without building an ORM object: every scan asks for it. None when there is no such event."""
    return db.session.connection().execute(_door_event_query(), {"event_id": event_id}).first()


def parse_payload(payload):
    """The registration token in a door QR code, or None when the code is not one of ours."""
    payload = (payload or "").strip()
    if not payload.startswith(PAYLOAD_PREFIX):
        return None
    token = payload[len(PAYLOAD_PREFIX):]
    return token if TOKEN_PATTERN.fullmatch(token) else None


def is_event_day(event, moment):
    day = to_rome(moment).date()
    return to_rome(event.starts_at).date() <= day <= to_rome(event.ends_at).date()


@functools.cache
def _badge_query():
    """Everything the door needs about a badge in one statement: the registration, the person,
    their organisation, the registration's event, and the attendance at that event with who
    recorded it and whether a QR scan is already among its evidence."""
    recorder = aliased(User)
    scanned = exists().where(AttendanceEvidence.attendance_id == Attendance.id,
                             AttendanceEvidence.source == AttendanceSource.QR_SCAN).correlate(Attendance)
    return (
        db.select(Registration.id, Registration.event_id, Registration.person_id, Registration.mode,
                  Registration.status, Registration.qr_token, Person.first_name, Person.last_name,
                  Person.organisation_id, Organisation.name.label("organisation"),
                  Event.title.label("event_title"), Event.starts_at.label("event_starts_at"),
                  Attendance.id.label("attendance_id"), Attendance.source.label("attendance_source"),
                  Attendance.recorded_at, Attendance.device, Attendance.recorded_by_id,
                  recorder.name.label("recorded_by"),
                  scanned.label("scanned"))
        .join(Person, Person.id == Registration.person_id)
        .join(Event, Event.id == Registration.event_id)
        .outerjoin(Organisation, Organisation.id == Person.organisation_id)
        .outerjoin(Attendance, and_(Attendance.event_id == Registration.event_id,
                                    Attendance.person_id == Registration.person_id))
        .outerjoin(recorder, recorder.id == Attendance.recorded_by_id)
        .where(Registration.qr_token == bindparam("token")))


def _badge(token):
    """The badge row for a registration token, or None when no registration has it."""
    db.session.flush()  # a Core read past the session: what this unit of work changed counts
    badge = db.session.connection().execute(_badge_query(), {"token": token}).first()
    if badge is None or not hmac.compare_digest(badge.qr_token, token):
        return None
    return badge


class _Previous(NamedTuple):
    """An attendance found by record_attendance, named as the badge row names it."""

    attendance_id: int
    attendance_source: AttendanceSource
    recorded_at: datetime
    device: str | None
    recorded_by_id: int | None
    recorded_by: str | None


def _previous(found):
    """When, where and by whom the person came in, for the door's "already in at…" answer."""
    return {"at": found.recorded_at, "door": found.device, "by_id": found.recorded_by_id,
            "by": found.recorded_by}


def _describe(outcome, badge):
    """Who the badge belongs to, and the other event it is for."""
    if badge is None:
        return
    outcome.summary["person"] = {
        "registration_id": badge.id, "name": f"{badge.first_name} {badge.last_name}",
        "organisation": badge.organisation, "mode": badge.mode.value}
    if outcome.reason is ScanResult.OTHER_EVENT:
        outcome.summary["other_event"] = {"id": badge.event_id, "title": badge.event_title,
                                          "starts_at": badge.event_starts_at}


class _NonceTaken(Exception):
    """The scan's nonce is in the log already: undo this attempt's writes, replay the first."""


def decide_scan(event, payload, nonce, client_time=None, device=None, user=None, door=None,
                offline=False, now=None, manual=False):
    """Decide one scan at the door of `event` and log it. Safe to call again with the same nonce:
    the attempt runs in a savepoint with the scan row written last, and when its nonce is taken
    (a retried request, or its concurrent twin) the savepoint is undone and the first answer
    replayed; the caller's unit of work goes on (a sync decides many scans in one).
    `manual`: a tap on a search result, which the audit log records when it lets someone in."""
    now = now or utcnow()
    if not nonce or len(nonce) > 64:
        raise DomainError(_("Manca l'identificativo della scansione."), field="nonce")
    token = parse_payload(payload)
    # Read before the savepoint: on SQLite the savepoint takes the write lock
    # (fis_events/sqlite.py), and every other door waits while it is held.
    badge = _badge(token) if token else None
    try:
        with db.session.begin_nested():
            return _decide(event, token, badge, nonce, client_time, device, user, door, offline,
                           now, manual)
    except _NonceTaken:
        return _replay(nonce)


def _decide(event, token, badge, nonce, client_time, device, user, door, offline, now, manual):
    when = client_time if (offline and client_time) else now
    door = (door or "")[:50] or None
    outcome = ScanOutcome(_refusal(event, token, badge, when))
    if outcome.reason is None:
        outcome.reason = _admit(outcome, event, badge, when, user,
                                door or getattr(device, "name", None), offline)
    if device is not None and (device.last_used_at is None or now - device.last_used_at >= LAST_USE_STEP):
        device.last_used_at = now
    previous = outcome.summary.get("previous", {})
    scan_id = insert_unless_exists(Scan, dict(
        event_id=event.id, registration_id=getattr(badge, "id", None), result=outcome.reason,
        nonce=nonce, client_time=client_time or now, server_time=now, offline=offline,
        device_id=getattr(device, "id", None), user_id=getattr(user, "id", None), door=door,
        previous_at=previous.get("at"), previous_door=previous.get("door"),
        previous_by_id=previous.get("by_id")), ("nonce",))
    if scan_id is None:
        raise _NonceTaken
    if manual and outcome.reason is ScanResult.OK:
        audit.record("checkin.manual", event=event, target=db.session.get(Registration, badge.id),
                     user=user, device=device)
    _describe(outcome, badge)
    outcome.summary["scan_id"] = scan_id
    return outcome


def _refusal(event, token, badge, when):
    """Why this code does not let anyone in at this event now, or None."""
    if token is None:
        return ScanResult.INVALID_FORMAT
    if badge is None:
        return ScanResult.UNKNOWN
    if badge.event_id != event.id:
        return ScanResult.OTHER_EVENT
    if badge.status is RegistrationStatus.CANCELLED:
        return ScanResult.CANCELLED
    if badge.status is RegistrationStatus.WAITING:
        return ScanResult.WAITING_LIST
    if not is_event_day(event, when):
        return ScanResult.NOT_TODAY
    return None


def _admit(outcome, event, badge, when, user, label, offline):
    """ok, or already_checked_in with when, where and by whom the person came in. An attendance
    that a QR scan already shows needs no write; anything else goes through record_attendance,
    which adds this scan's evidence or loses the race to a twin. An offline scan made before the
    admission already recorded is the real entry: entered_earlier, and the attendance moves."""
    found = badge
    if badge.attendance_id is None or not badge.scanned:
        attendance, created = record_attendance(
            event, _PersonRef(badge.person_id, badge.organisation_id), badge.mode,
            AttendanceSource.QR_SCAN, registration=badge, recorded_by=user, device=label, at=when)
        if created:
            return ScanResult.OK
        recorder = db.session.get(User, attendance.recorded_by_id) if attendance.recorded_by_id else None
        found = _Previous(attendance.id, attendance.source, attendance.recorded_at, attendance.device,
                          attendance.recorded_by_id, getattr(recorder, "name", None))
    outcome.summary["previous"] = _previous(found)
    if (offline and when < found.recorded_at and found.attendance_source is AttendanceSource.QR_SCAN
            and _move_attendance_earlier(found.attendance_id, when, label, user)):
        return ScanResult.ENTERED_EARLIER
    return ScanResult.ALREADY_CHECKED_IN


def _move_attendance_earlier(attendance_id, when, label, user):
    """Two doors offline: the earliest scan is the attendance's time, door and evidence; the
    scans stay as they were answered. The condition is in the UPDATE, so two late syncs racing
    each other cannot undo it."""
    moved = db.session.execute(
        update(Attendance).where(Attendance.id == attendance_id, Attendance.recorded_at > when)
        .values(recorded_at=when, device=label, recorded_by_id=getattr(user, "id", None))
        .execution_options(synchronize_session=False)).rowcount
    if moved:
        db.session.execute(
            update(AttendanceEvidence).where(AttendanceEvidence.attendance_id == attendance_id,
                                             AttendanceEvidence.source == AttendanceSource.QR_SCAN)
            .values(recorded_at=when).execution_options(synchronize_session=False))
    return bool(moved)


def _replay(nonce):
    """The answer first given to this nonce: its result and the earlier entry it named, as they
    were then; the person and the other event as the door sees them now."""
    scan = db.session.scalar(db.select(Scan).filter_by(nonce=nonce))
    badge = _badge(scan.registration.qr_token) if scan.registration else None
    outcome = ScanOutcome(scan.result, replayed=True)
    _describe(outcome, badge)
    if scan.previous_at is not None:
        outcome.summary["previous"] = {"at": scan.previous_at, "door": scan.previous_door,
                                       "by_id": scan.previous_by_id,
                                       "by": getattr(scan.previous_by, "name", None)}
    outcome.summary["scan_id"] = scan.id
    return outcome


# ---- search, manual check-in, undo, walk-in ------------------------------------------------

def search(event, text, limit=20):
    """Prefix search on names, e-mail and organisation, ignoring case, accents and apostrophes."""
    key = search_key(text)
    if len(key) < 2:
        return []
    words = db.or_(*[Person.search_name.like(f"{key}%"), Person.search_name.like(f"% {key}%"),
                     Person.email.like(f"{key}%"), Organisation.search_name.like(f"{key}%"),
                     Organisation.search_name.like(f"% {key}%")])
    return db.session.scalars(
        db.select(Registration).join(Registration.person)
        .outerjoin(Organisation, Person.organisation_id == Organisation.id)
        .where(Registration.event_id == event.id, words)
        .options(selectinload(Registration.person).selectinload(Person.organisation))
        .order_by(Person.last_name, Person.first_name).limit(limit)).all()


def attendances_by_registration(event, registration_ids):
    if not registration_ids:
        return {}
    rows = db.session.scalars(db.select(Attendance).where(
        Attendance.event_id == event.id, Attendance.registration_id.in_(registration_ids))).all()
    return {a.registration_id: a for a in rows}


def manual_checkin(event, registration, nonce, user=None, device=None, door=None):
    """One tap on a search result: the same rules as a scan, without the QR code. The audit log
    gets an entry when it lets the person in (the scan row logs every attempt): in the scan's
    savepoint, so a replayed nonce writes neither."""
    if registration.event_id != event.id:
        raise DomainError(_("Questa iscrizione è di un altro evento."))
    payload = PAYLOAD_PREFIX + registration.qr_token
    return decide_scan(event, payload, nonce, device=device, user=user, door=door, manual=True)


def undo_checkin(event, registration, user=None, device=None, door=None):
    """Take back a mistaken check-in; the undo itself is logged as a scan."""
    attendance = find_attendance(event.id, registration.person_id)
    if attendance is None:
        raise DomainError(_("Questa persona non risulta entrata."))
    db.session.delete(attendance)
    db.session.add(Scan(event_id=event.id, registration=registration, result=ScanResult.UNDO,
                        nonce=secrets.token_urlsafe(24), device=device, user=user,
                        door=(door or "")[:50] or None))
    audit.record("checkin.undone", event=event, target=registration, user=user, device=device)


def walk_in(event, *, email, first_name, last_name, mode, organisation=None, role=None,
            user=None, device=None, door=None, override=False):
    """Register at the door and check in at once. Capacity holds unless an organiser overrides
    (then the mode gets one more seat, as when promoting by hand)."""
    registration, outcome = registrations.register(
        event, email=email, first_name=first_name, last_name=last_name, mode=mode,
        organisation=organisation, role=role, source="walk_in")
    if registration.status is RegistrationStatus.WAITING:
        if not override:
            raise DomainError(_("Posti esauriti: la persona è in lista d'attesa. Un organizzatore "
                                "può farla entrare comunque."))
        registrations.promote(registration)
    elif registration.status is RegistrationStatus.CANCELLED:
        raise DomainError(_("L'iscrizione di questa persona è annullata."))
    result = manual_checkin(event, registration, secrets.token_urlsafe(24), user=user,
                            device=device, door=door)
    return registration, result


def counts(event_id):
    """Checked in / expected, per mode: what the scanner and the organisers watch."""
    expected = dict(db.session.execute(
        db.select(Registration.mode, func.count(Registration.id))
        .where(Registration.event_id == event_id, Registration.status == RegistrationStatus.CONFIRMED)
        .group_by(Registration.mode)).all())
    present = dict(db.session.execute(
        db.select(Attendance.mode, func.count(Attendance.id))
        .where(Attendance.event_id == event_id).group_by(Attendance.mode)).all())
    return {mode.value: {"checked_in": present.get(mode, 0), "expected": expected.get(mode, 0)}
            for mode in AttendanceMode}


# ---- who may check in ----------------------------------------------------------------------

def user_may_check_in(user, event):
    if user is None or not user.is_authenticated:
        return False
    if user.has_role(Role.ADMIN, Role.ORGANISER):
        return True
    return user.has_role(Role.DOOR_STAFF) and db.session.scalar(
        db.select(StaffAssignment.id).filter_by(event_id=event.id, user_id=user.id)) is not None


def assign_staff(event, user):
    if not user.has_role(Role.DOOR_STAFF):
        raise DomainError(_("Solo il personale all'ingresso può essere assegnato a un evento."))
    if not db.session.scalar(db.select(StaffAssignment.id).filter_by(event_id=event.id, user_id=user.id)):
        db.session.add(StaffAssignment(event_id=event.id, user_id=user.id))
        audit.record("checkin.staff_assigned", event=event, target=user)
        _tell_staff(event, user)


def _tell_staff(event, user):
    """The door staff's e-mail: which event, when and where, and the scanner's link."""
    with email_rendering():
        context = dict(event=event, user=user,
                       scanner_url=url_for("checkin.scanner", event_id=event.id, _external=True))
        subject = _("Sei all'ingresso di: %(title)s", title=event.title)
        queue_email("door_staff_assigned", user.email, subject,
                    render_template("checkin/emails/assigned.txt", **context),
                    render_template("checkin/emails/assigned.html", **context))


def unassign_staff(event, user):
    removed = db.session.execute(db.delete(StaffAssignment).filter_by(event_id=event.id, user_id=user.id))
    if removed.rowcount:
        audit.record("checkin.staff_removed", event=event, target=user)


def _digest(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def create_pairing(event, user=None, now=None):
    """A pairing code for the organiser to show as a QR; returns the code (only shown once)."""
    code = secrets.token_urlsafe(24)
    db.session.add(DevicePairing(event_id=event.id, code_hash=_digest(code), created_by_id=getattr(user, "id", None),
                                 expires_at=(now or utcnow()) + timedelta(minutes=PAIRING_MINUTES)))
    audit.record("checkin.pairing_created", event=event, user=user)
    return code


def pairing_for(code, now=None):
    if not code or len(code) > 64:
        return None
    pairing = db.session.scalar(db.select(DevicePairing).filter_by(code_hash=_digest(code)))
    if pairing is None or (now or utcnow()) >= pairing.expires_at:
        return None
    return pairing


def pair_device(code, name, now=None):
    """Turn a phone into a check-in device for the pairing's event; returns (device, secret)."""
    pairing = pairing_for(code, now)
    if pairing is None:
        raise DomainError(_("Il codice di abbinamento non è valido o è scaduto: chiedine uno nuovo."))
    event = db.session.get(Event, pairing.event_id)
    name = " ".join((name or "").split())[:50]
    if not name:
        raise DomainError(_("Dai un nome a questo dispositivo, ad esempio «Porta 2»."), field="name")
    secret = secrets.token_urlsafe(32)
    device = CheckinDevice(event_id=event.id, name=name, secret_hash=_digest(secret),
                           expires_at=event.ends_at + DEVICE_GRACE, created_by_id=pairing.created_by_id)
    db.session.add(device)
    audit.record("checkin.device_paired", event=event, target=device, device=device)
    return device, secret


def device_for(event, cookie_value, now=None):
    """The paired device behind a cookie "<id>.<secret>", if valid for this event."""
    device_id, _sep, secret = (cookie_value or "").partition(".")
    device_id = parse_id(device_id)
    if device_id is None or not secret:
        return None
    device = db.session.get(CheckinDevice, device_id)
    if (device is None or device.event_id != event.id or not device.is_valid(now)
            or not hmac.compare_digest(device.secret_hash, _digest(secret))):
        return None
    return device


def revoke_device(device):
    device.revoked_at = utcnow()
    audit.record("checkin.device_revoked", event=device.event_id, target=device)


def devices_of(event):
    """Paired devices with their scan counts, for the organisers' list."""
    rows = db.session.execute(
        db.select(CheckinDevice, func.count(Scan.id)).outerjoin(Scan, Scan.device_id == CheckinDevice.id)
        .where(CheckinDevice.event_id == event.id).group_by(CheckinDevice.id)
        .order_by(CheckinDevice.created_at)).all()
    return rows


# ---- offline data --------------------------------------------------------------------------

def offline_key(event):
    """The key of the event's offline token hashes: tokens travel only as HMACs under it."""
    return hmac.new(current_app.config["SECRET_KEY"].encode(), f"offline:{event.uid}".encode(),
                    hashlib.sha256).hexdigest()


def token_hash(key, token):
    return hmac.new(bytes.fromhex(key), token.encode(), hashlib.sha256).hexdigest()


def offline_data(event):
    """What a door phone keeps to decide scans without network: keyed token hashes, the name,
    organisation, mode and status, and who is already in."""
    key = offline_key(event)
    rows = db.session.scalars(
        db.select(Registration).where(Registration.event_id == event.id)
        .options(selectinload(Registration.person).selectinload(Person.organisation))).all()
    present = attendances_by_registration(event, [r.id for r in rows])
    return {
        "event": {"id": event.id, "title": event.title, "starts_at": event.starts_at.isoformat(),
                  "ends_at": event.ends_at.isoformat()},
        "key": key,
        "generated_at": utcnow().isoformat(),
        "entries": [{
            "h": token_hash(key, r.qr_token),
            "id": r.id,
            "name": r.person.full_name,
            "organisation": r.person.organisation.name if r.person.organisation else None,
            "mode": r.mode.value,
            "status": r.status.value,
            "checked_in_at": present[r.id].recorded_at.isoformat() if r.id in present else None,
        } for r in rows],
    }
