"""Attendance records and the log of remote join clicks."""
from flask_babel import lazy_gettext as _l

from ..db_types import EnumText, LabelledEnum, UTCDateTime, utcnow
from ..extensions import db
from ..registration.models import AttendanceMode


class AttendanceSource(LabelledEnum):
    QR_SCAN = "qr_scan"
    MANUAL = "manual"
    REMOTE_JOIN = "remote_join"
    PLATFORM_REPORT = "platform_report"

    @classmethod
    def _labels(cls):
        return {
            cls.QR_SCAN: _l("Scansione QR"),
            cls.MANUAL: _l("Registrata dall'organizzatore"),
            cls.REMOTE_JOIN: _l("Collegamento personale"),
            cls.PLATFORM_REPORT: _l("Report della piattaforma"),
        }


class Attendance(db.Model):
    """A person took part in an event. At most one per person and event, whatever the sources."""

    __table_args__ = (db.UniqueConstraint("event_id", "person_id"),)

    id = db.Column(db.Integer, primary_key=True)
    event_id = db.Column(db.ForeignKey("event.id", ondelete="CASCADE"), nullable=False, index=True)
    person_id = db.Column(db.ForeignKey("person.id"), nullable=False, index=True)
    registration_id = db.Column(db.ForeignKey("registration.id"), index=True)
    mode = db.Column(EnumText(AttendanceMode), nullable=False)
    source = db.Column(EnumText(AttendanceSource), nullable=False)
    recorded_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    recorded_by_id = db.Column(db.ForeignKey("user.id"))
    #: the door device or the platform report it came from
    device = db.Column(db.String(100))
    #: whom the person represented that day: totals split by it, and it outlives erasure
    organisation_id = db.Column(db.ForeignKey("organisation.id"), index=True)

    event = db.relationship("Event")
    person = db.relationship("Person")
    registration = db.relationship("Registration")
    organisation = db.relationship("Organisation")
    evidence = db.relationship("AttendanceEvidence", order_by="AttendanceEvidence.recorded_at",
                               cascade="all, delete-orphan", passive_deletes=True)

    @property
    def sources(self):
        return [item.source for item in self.evidence]


class AttendanceEvidence(db.Model):
    """One source that shows the attendance (a scan, a join click, a report line, an organiser's
    tick). Several sources confirm one attendance; none of them adds a second one."""

    __table_args__ = (db.UniqueConstraint("attendance_id", "source"),)

    id = db.Column(db.Integer, primary_key=True)
    attendance_id = db.Column(db.ForeignKey("attendance.id", ondelete="CASCADE"), nullable=False)
    source = db.Column(EnumText(AttendanceSource), nullable=False)
    recorded_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    #: how long the person was in the meeting, as a platform report measured it; None where no
    #: source measured anything (a join click shows presence, not how long)
    minutes = db.Column(db.Integer)


class RemoteJoinClick(db.Model):
    """Every click on a personal join link; only the first makes an attendance."""

    id = db.Column(db.Integer, primary_key=True)
    registration_id = db.Column(db.ForeignKey("registration.id", ondelete="CASCADE"),
                                nullable=False, index=True)
    clicked_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    counted = db.Column(db.Boolean, nullable=False, default=False)


class StagedReport(db.Model):
    """An uploaded platform report between its preview and the organiser's confirmation. It
    waits in the database, not on a web machine's disk, so that whichever process receives the
    confirmation finds it; confirming or discarding deletes it, `flask attendance
    purge-staged-reports` deletes it once expired."""

    #: the random name the confirmation form carries (secrets.token_urlsafe(24))
    token = db.Column(db.String(32), primary_key=True)
    event_id = db.Column(db.ForeignKey("event.id", ondelete="CASCADE"), nullable=False, index=True)
    #: only the organiser who uploaded it may confirm or discard it
    uploaded_by_id = db.Column(db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False,
                               index=True)
    filename = db.Column(db.String(255), nullable=False)
    #: the file as uploaded; read again at the confirmation, as the preview read it
    content = db.Column(db.LargeBinary, nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    expires_at = db.Column(UTCDateTime, nullable=False, index=True)
