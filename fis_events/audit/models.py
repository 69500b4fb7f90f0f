"""One row per change made by staff (or by the command line, or by a participant's own link)."""
from flask_babel import lazy_gettext as _l

from ..db_types import EnumText, LabelledEnum, UTCDateTime, utcnow
from ..extensions import db


class ActorKind(LabelledEnum):
    """Who acted, as far as the request tells: a staff user, a paired door phone, the command line
    (no request), or someone using their own registration link (a request with no login)."""

    USER = "user"
    DEVICE = "device"
    COMMAND_LINE = "command_line"
    PARTICIPANT = "participant"

    @classmethod
    def _labels(cls):
        return {
            cls.USER: _l("Utente"),
            cls.DEVICE: _l("Dispositivo all'ingresso"),
            cls.COMMAND_LINE: _l("Riga di comando"),
            cls.PARTICIPANT: _l("Partecipante (con il proprio collegamento)"),
        }


class AuditEntry(db.Model):
    """Ids only, never names or addresses: what an entry is about is read when the log is shown,
    so anonymising a person anonymises the log too. Events, devices and targets are plain ids,
    not foreign keys: the log outlives what it mentions."""

    id = db.Column(db.Integer, primary_key=True)
    at = db.Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    actor_kind = db.Column(EnumText(ActorKind), nullable=False)
    actor_user_id = db.Column(db.ForeignKey("user.id"), index=True)
    #: the paired check-in device (CheckinDevice.id) the request came from
    actor_device_id = db.Column(db.Integer)
    #: a code of fis_events.audit.services.ACTIONS, e.g. "registration.cancelled"
    action = db.Column(db.String(50), nullable=False, index=True)
    event_id = db.Column(db.Integer, index=True)
    #: the table of what was acted on ("registration", "person", …) and its id
    target_type = db.Column(db.String(30))
    target_id = db.Column(db.Integer)
    #: small facts as JSON (counts, a mode, a file format): numbers and codes only
    details = db.Column(db.JSON)

    actor_user = db.relationship("User")
