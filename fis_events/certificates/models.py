"""A certificate issued for one attendance; its code resolves to a public check page."""
import secrets

from ..db_types import UTCDateTime, utcnow
from ..extensions import db

#: no 0/O, 1/I/L: the code is read off paper and typed by hand
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12


def new_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class Certificate(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    attendance_id = db.Column(db.ForeignKey("attendance.id", ondelete="CASCADE"), nullable=False,
                              unique=True)
    code = db.Column(db.String(16), nullable=False, unique=True, default=new_code)
    issued_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    attendance = db.relationship("Attendance")
