"""Door check-in rules. One function decides every scan and returns a reason code.

Reason codes: ok, already_checked_in, unknown, other_event, cancelled, waiting_list,
not_today, invalid_format. Every attempt is a Scan row; a repeated nonce returns the first
answer and writes nothing. Attendance stays one per person and event (unique constraint).
"""
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy.orm import joinedload, selectinload

from ..db_types import utcnow
from ..errors import DomainError
from ..extensions import db
from ..i18n import to_rome
from ..participation.models import Attendance, AttendanceSource
from ..participation.services import find_attendance, record_attendance
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

REASONS = ("ok", "already_checked_in", "unknown", "other_event", "cancelled", "waiting_list",
           "not_today", "invalid_format")
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{32}")
PAIRING_MINUTES = 15
#: a paired phone works until this long after the event ends
DEVICE_GRACE = timedelta(hours=12)


@dataclass
class ScanOutcome:
    """The decision, with what the door shows copied out as plain values before the commit."""

    reason: str
    scan: Scan
    registration: Registration = None
    attendance: Attendance = None
    replayed: bool = False
    #: person (name, organisation, mode, registration_id), previous (at, door, by),
    #: other_event (id, title, starts_at)
    summary: dict = field(default_factory=dict)


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


def _registration_for(token):
    registration = db.session.scalar(
        db.select(Registration).where(Registration.qr_token == token)
        .options(joinedload(Registration.person).joinedload(Person.organisation)))
    if registration is None or not hmac.compare_digest(registration.qr_token, token):
        return None
    return registration


def first_scan_of(attendance):
    """The scan that let the person in, for the door's "already in at…" answer."""
    if attendance is None or attendance.registration_id is None:
        return None
    return db.session.scalar(
        db.select(Scan).filter_by(registration_id=attendance.registration_id, result="ok")
        .order_by(Scan.client_time, Scan.id).limit(1))


def _summarise(outcome):
    registration = outcome.registration
    if registration is None or outcome.reason in ("unknown", "invalid_format"):
        return
    person = registration.person
    outcome.summary["person"] = {
        "registration_id": registration.id, "name": person.full_name,
        "organisation": person.organisation.name if person.organisation else None,
        "mode": registration.mode.value}
    if outcome.reason == "already_checked_in" and outcome.attendance is not None:
        first = first_scan_of(outcome.attendance)
        outcome.summary["previous"] = {
            "at": outcome.attendance.recorded_at, "door": outcome.attendance.device,
            "by": first.user.name if first is not None and first.user is not None else None}
    if outcome.reason == "other_event":
        event = registration.event
        outcome.summary["other_event"] = {"id": event.id, "title": event.title,
                                          "starts_at": event.starts_at}


def _replay(scan):
    registration = scan.registration
    attendance = find_attendance(scan.event_id, registration.person_id) if registration else None
    outcome = ScanOutcome(scan.result, scan, registration, attendance, replayed=True)
    _summarise(outcome)
    outcome.summary["scan_id"] = scan.id
    return outcome


def decide_scan(event, payload, nonce, client_time=None, device=None, user=None, door=None,
                offline=False, now=None):
    """Decide one scan at the door of `event` and log it. Safe to call again with the same nonce:
    the scan row is written last, and a concurrent twin's unique nonce makes this one replay."""
    now = now or utcnow()
    if not nonce or len(nonce) > 64:
        raise DomainError(_("Manca l'identificativo della scansione."), field="nonce")
    existing = db.session.scalar(db.select(Scan).filter_by(nonce=nonce))
    if existing is not None:
        return _replay(existing)
    when = client_time if (offline and client_time) else now
    scan = Scan(event_id=event.id, nonce=nonce, client_time=client_time or now, server_time=now,
                offline=offline, device_id=getattr(device, "id", None), device=device,
                user_id=getattr(user, "id", None), door=(door or "")[:50] or None)
    outcome = ScanOutcome("invalid_format", scan)
    token = parse_payload(payload)
    registration = _registration_for(token) if token else None
    if token is None:
        outcome.reason = "invalid_format"
    elif registration is None:
        outcome.reason = "unknown"
    else:
        scan.registration_id, outcome.registration = registration.id, registration
        if registration.event_id != event.id:
            outcome.reason = "other_event"
        elif registration.status is RegistrationStatus.CANCELLED:
            outcome.reason = "cancelled"
        elif registration.status is RegistrationStatus.WAITING:
            outcome.reason = "waiting_list"
        elif not is_event_day(event, when):
            outcome.reason = "not_today"
        else:
            _admit(outcome, event, registration, when, user)
    scan.result = outcome.reason
    if device is not None:
        device.last_used_at = now
    scan.id = insert_unless_exists(Scan, {column.key: getattr(scan, column.key)
                                          for column in Scan.__table__.columns if column.key != "id"},
                                   ("nonce",))
    if scan.id is None:  # the same nonce, decided a moment ago by a retried twin request
        db.session.rollback()
        return _replay(db.session.scalar(db.select(Scan).filter_by(nonce=nonce)))
    _summarise(outcome)
    outcome.summary["scan_id"] = scan.id
    db.session.commit()
    return outcome


def _admit(outcome, event, registration, when, user):
    attendance, created = record_attendance(
        event, registration.person, registration.mode, AttendanceSource.QR_SCAN,
        registration=registration, recorded_by=user, device=_device_label(outcome.scan), at=when)
    outcome.attendance = attendance
    if created:
        outcome.reason = "ok"
        return
    earlier = outcome.scan.offline and when < attendance.recorded_at
    if earlier and attendance.source is AttendanceSource.QR_SCAN:
        # Two doors offline: the earliest scan is the attendance, the other becomes the repeat.
        for previous in db.session.scalars(db.select(Scan).filter_by(
                registration_id=registration.id, result="ok")):
            previous.result = "already_checked_in"
        attendance.recorded_at, attendance.device = when, _device_label(outcome.scan)
        attendance.recorded_by_id = getattr(user, "id", None)
        outcome.reason = "ok"
        return
    outcome.reason = "already_checked_in"


def _device_label(scan):
    return scan.door or (scan.device.name if scan.device else None)


# ---- search, manual check-in, undo, walk-in ------------------------------------------------

def search(event, text, limit=20):
    """Prefix search on names, e-mail and organisation, ignoring case, accents and apostrophes."""
    key = search_key(text)
    if len(key) < 2:
        return []
    from ..programme.models import Organisation

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
    """One tap on a search result: the same rules as a scan, without the QR code."""
    if registration.event_id != event.id:
        raise DomainError(_("Questa iscrizione è di un altro evento."))
    payload = PAYLOAD_PREFIX + registration.qr_token
    return decide_scan(event, payload, nonce, device=device, user=user, door=door)


def undo_checkin(event, registration, user=None, device=None, door=None):
    """Take back a mistaken check-in; the undo itself is logged as a scan."""
    attendance = find_attendance(event.id, registration.person_id)
    if attendance is None:
        raise DomainError(_("Questa persona non risulta entrata."))
    db.session.delete(attendance)
    db.session.add(Scan(event_id=event.id, registration=registration, result="undo",
                        nonce=secrets.token_urlsafe(24), device=device, user=user,
                        door=(door or "")[:50] or None))
    db.session.commit()


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
    from ..accounts.models import Role

    if user is None or not user.is_authenticated:
        return False
    if user.has_role(Role.ADMIN, Role.ORGANISER):
        return True
    return user.has_role(Role.DOOR_STAFF) and db.session.scalar(
        db.select(StaffAssignment.id).filter_by(event_id=event.id, user_id=user.id)) is not None


def assign_staff(event, user):
    from ..accounts.models import Role

    if not user.has_role(Role.DOOR_STAFF):
        raise DomainError(_("Solo il personale all'ingresso può essere assegnato a un evento."))
    if not db.session.scalar(db.select(StaffAssignment.id).filter_by(event_id=event.id, user_id=user.id)):
        db.session.add(StaffAssignment(event_id=event.id, user_id=user.id))
    db.session.commit()


def unassign_staff(event, user):
    db.session.execute(db.delete(StaffAssignment).filter_by(event_id=event.id, user_id=user.id))
    db.session.commit()


def _digest(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def create_pairing(event, user=None, now=None):
    """A pairing code for the organiser to show as a QR; returns the code (only shown once)."""
    code = secrets.token_urlsafe(24)
    db.session.add(DevicePairing(event_id=event.id, code_hash=_digest(code), created_by_id=getattr(user, "id", None),
                                 expires_at=(now or utcnow()) + timedelta(minutes=PAIRING_MINUTES)))
    db.session.commit()
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
    from ..events.models import Event

    event = db.session.get(Event, pairing.event_id)
    name = " ".join((name or "").split())[:50]
    if not name:
        raise DomainError(_("Dai un nome a questo dispositivo, ad esempio «Porta 2»."), field="name")
    secret = secrets.token_urlsafe(32)
    device = CheckinDevice(event_id=event.id, name=name, secret_hash=_digest(secret),
                           expires_at=event.ends_at + DEVICE_GRACE, created_by_id=pairing.created_by_id)
    db.session.add(device)
    db.session.commit()
    return device, secret


def device_for(event, cookie_value, now=None):
    """The paired device behind a cookie "<id>.<secret>", if valid for this event."""
    device_id, _sep, secret = (cookie_value or "").partition(".")
    if not device_id.isdigit() or not secret:
        return None
    device = db.session.get(CheckinDevice, int(device_id))
    if (device is None or device.event_id != event.id or not device.is_valid(now)
            or not hmac.compare_digest(device.secret_hash, _digest(secret))):
        return None
    return device


def revoke_device(device):
    device.revoked_at = utcnow()
    db.session.commit()


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
