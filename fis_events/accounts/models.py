"""Staff users."""
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin

from ..db_types import EnumText, LabelledEnum, UTCDateTime, utcnow
from ..extensions import db


class Role(LabelledEnum):
    ADMIN = "admin"
    ORGANISER = "organiser"
    DOOR_STAFF = "door_staff"

    @classmethod
    def _labels(cls):
        return {
            cls.ADMIN: _l("Amministratore"),
            cls.ORGANISER: _l("Organizzatore"),
            cls.DOOR_STAFF: _l("Personale all'ingresso"),
        }


class User(UserMixin, db.Model):
    id = db.Column(db.Integer, primary_key=True)
    #: stored normalised (lower case, trimmed)
    email = db.Column(db.String(254), nullable=False, unique=True)
    name = db.Column(db.String(200), nullable=False)
    password_hash = db.Column(db.String(255), nullable=False)
    role = db.Column(EnumText(Role), nullable=False)
    active = db.Column(db.Boolean, nullable=False, default=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    last_login_at = db.Column(UTCDateTime)
    #: part of the id kept in the session cookie: raising it ends every session of the user
    #: (log-out, a new password, the account disabled), since old cookies name the old version
    session_version = db.Column(db.Integer, nullable=False, default=0, server_default="0")

    @property
    def is_active(self):
        return self.active

    def get_id(self):
        """Flask-Login's "alternative token": the id and the session version."""
        return f"{self.id}:{self.session_version}"

    def end_sessions(self):
        """Every session cookie issued so far stops working at its next request."""
        self.session_version += 1

    def has_role(self, *roles):
        return self.role in roles
