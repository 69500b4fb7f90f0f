"""Scan log, door staff assignments and paired check-in devices."""
from ..db_types import EnumText, UTCDateTime, utcnow
from ..extensions import db
from .results import ScanResult


class Scan(db.Model):
    """Every attempt at the door, successful or not, as it was answered: written once, never
    changed. Counts are made from Attendance, not here."""

    id = db.Column(db.Integer, primary_key=True)
    event_id = db.Column(db.ForeignKey("event.id", ondelete="CASCADE"), nullable=False, index=True)
    registration_id = db.Column(db.ForeignKey("registration.id", ondelete="SET NULL"), index=True)
    #: the answer given (a check-in from search is answered as a scan), or "undo"
    result = db.Column(EnumText(ScanResult), nullable=False, index=True)
    #: chosen by the client for each attempt: a retried request never makes a second row
    nonce = db.Column(db.String(64), nullable=False, unique=True)
    client_time = db.Column(UTCDateTime)
    server_time = db.Column(UTCDateTime, nullable=False, default=utcnow)
    #: the scan was decided on the device while offline and synced later
    offline = db.Column(db.Boolean, nullable=False, default=False)
    device_id = db.Column(db.ForeignKey("checkin_device.id", ondelete="SET NULL"), index=True)
    user_id = db.Column(db.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    #: the door or phone as the client names it ("porta 2")
    door = db.Column(db.String(50))
    #: the earlier entry the answer named (already checked in, entered earlier), as it stood
    #: then: a replayed nonce answers with it even after the attendance moves or goes
    previous_at = db.Column(UTCDateTime)
    previous_door = db.Column(db.String(100))
    previous_by_id = db.Column(db.ForeignKey("user.id", ondelete="SET NULL"), index=True)

    registration = db.relationship("Registration")
    device = db.relationship("CheckinDevice")
    user = db.relationship("User", foreign_keys=[user_id])
    previous_by = db.relationship("User", foreign_keys=[previous_by_id])


class StaffAssignment(db.Model):
    """A door-staff account may check people in at this event (and only those assigned)."""

    __table_args__ = (db.UniqueConstraint("event_id", "user_id"),)

    id = db.Column(db.Integer, primary_key=True)
    event_id = db.Column(db.ForeignKey("event.id", ondelete="CASCADE"), nullable=False, index=True)
    user_id = db.Column(db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    user = db.relationship("User")


class DevicePairing(db.Model):
    """A short-lived code an organiser shows as a QR: the phone that opens it becomes a device."""

    id = db.Column(db.Integer, primary_key=True)
    event_id = db.Column(db.ForeignKey("event.id", ondelete="CASCADE"), nullable=False, index=True)
    #: SHA-256 of the code in the pairing link; the code itself is never stored
    code_hash = db.Column(db.String(64), nullable=False, unique=True)
    expires_at = db.Column(UTCDateTime, nullable=False)
    created_by_id = db.Column(db.ForeignKey("user.id", ondelete="SET NULL"))
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)


class CheckinDevice(db.Model):
    """A phone paired for one event, without a password, until it expires or is revoked."""

    id = db.Column(db.Integer, primary_key=True)
    event_id = db.Column(db.ForeignKey("event.id", ondelete="CASCADE"), nullable=False, index=True)
    name = db.Column(db.String(50), nullable=False)
    #: SHA-256 of the secret kept in the device's cookie
    secret_hash = db.Column(db.String(64), nullable=False, unique=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    expires_at = db.Column(UTCDateTime, nullable=False)
    revoked_at = db.Column(UTCDateTime)
    last_used_at = db.Column(UTCDateTime)
    created_by_id = db.Column(db.ForeignKey("user.id", ondelete="SET NULL"))

    event = db.relationship("Event")

    def is_valid(self, now=None):
        return self.revoked_at is None and (now or utcnow()) < self.expires_at
