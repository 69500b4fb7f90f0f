"""People and their registrations to events."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import event

from ..db_types import EnumText, LabelledEnum, UTCDateTime, utcnow
from ..extensions import db
from ..search import search_key


class AttendanceMode(LabelledEnum):
    IN_PERSON = "in_person"
    REMOTE = "remote"

    @classmethod
    def _labels(cls):
        return {cls.IN_PERSON: _l("in presenza"), cls.REMOTE: _l("da remoto")}


class RegistrationStatus(LabelledEnum):
    CONFIRMED = "confirmed"
    WAITING = "waiting"
    CANCELLED = "cancelled"

    @classmethod
    def _labels(cls):
        return {
            cls.CONFIRMED: _l("Confermata"),
            cls.WAITING: _l("In lista d'attesa"),
            cls.CANCELLED: _l("Annullata"),
        }


class Person(db.Model):
    """One per normalised e-mail: the same person across events."""

    id = db.Column(db.Integer, primary_key=True)
    #: lower case, trimmed; NULL once the person is erased (GDPR)
    email = db.Column(db.String(254), unique=True)
    first_name = db.Column(db.String(100), nullable=False)
    last_name = db.Column(db.String(100), nullable=False)
    organisation_id = db.Column(db.ForeignKey("organisation.id"), index=True)
    role = db.Column(db.String(200))
    #: the municipality a person works for or represents, when relevant
    municipality = db.Column(db.String(100))
    #: "first last last first", without case, accents or apostrophes, for search
    search_name = db.Column(db.String(420), nullable=False, default="", index=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    #: when the person was anonymised (GDPR erasure or the retention period)
    erased_at = db.Column(UTCDateTime)

    organisation = db.relationship("Organisation")

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    def __str__(self):
        return self.full_name


@event.listens_for(Person, "before_insert")
@event.listens_for(Person, "before_update")
def _person_search_name(mapper, connection, person):
    person.search_name = person_search_name(person.first_name, person.last_name)


def person_search_name(first_name, last_name):
    """The key that name searches and same-name lookups compare, cut to its column: NFKD makes
    some characters longer ("½" is three), and PostgreSQL refuses a value past the length."""
    return search_key(first_name, last_name, first_name)[:Person.search_name.type.length]


class Registration(db.Model):
    __table_args__ = (db.UniqueConstraint("event_id", "person_id"),
                      # an event's confirmed registrations, counted on every results page
                      db.Index("ix_registration_event_id_status", "event_id", "status"))

    id = db.Column(db.Integer, primary_key=True)
    event_id = db.Column(db.ForeignKey("event.id", ondelete="CASCADE"), nullable=False, index=True)
    person_id = db.Column(db.ForeignKey("person.id"), nullable=False, index=True)
    mode = db.Column(EnumText(AttendanceMode), nullable=False)
    status = db.Column(EnumText(RegistrationStatus), nullable=False, index=True)
    #: when the person joined the waiting list of the current mode: first come, first promoted
    waiting_since = db.Column(UTCDateTime)
    #: in the QR code at the door: random, URL-safe, no personal data
    qr_token = db.Column(db.String(64), nullable=False, unique=True)
    #: for the participant's own manage page; separate from the QR so a badge photo gives no control
    manage_token = db.Column(db.String(64), nullable=False, unique=True)
    #: the personal remote join link /j/<token>
    join_token = db.Column(db.String(64), nullable=False, unique=True)
    accessibility_needs = db.Column(db.Text)
    #: the participant confirmed having read the privacy notice (public task, not consent)
    privacy_notice_read_at = db.Column(UTCDateTime, nullable=False)
    #: separate, unticked choices
    photo_consent = db.Column(db.Boolean, nullable=False, default=False)
    newsletter_consent = db.Column(db.Boolean, nullable=False, default=False)
    #: online form, organiser, invitation
    source = db.Column(db.String(20), nullable=False, default="online")
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    cancelled_at = db.Column(UTCDateTime)
    #: added to the event's SEQUENCE in this person's own calendar entry: raised when the
    #: registration is cancelled (METHOD:CANCEL) and again when it is taken up again
    calendar_revision = db.Column(db.Integer, nullable=False, default=0, server_default="0")

    event = db.relationship("Event")
    person = db.relationship("Person")

    @property
    def is_confirmed(self):
        return self.status is RegistrationStatus.CONFIRMED

    @property
    def is_remote_confirmed(self):
        return self.is_confirmed and self.mode is AttendanceMode.REMOTE


class Invitation(db.Model):
    """An invitation to an invitation-only event; its token opens the registration form."""

    __table_args__ = (db.UniqueConstraint("event_id", "email"),)

    id = db.Column(db.Integer, primary_key=True)
    event_id = db.Column(db.ForeignKey("event.id", ondelete="CASCADE"), nullable=False, index=True)
    email = db.Column(db.String(254), nullable=False)
    organisation_id = db.Column(db.ForeignKey("organisation.id"))
    token = db.Column(db.String(64), nullable=False, unique=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    created_by_id = db.Column(db.ForeignKey("user.id"))

    event = db.relationship("Event")
    organisation = db.relationship("Organisation")
