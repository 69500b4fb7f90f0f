"""The outbox: every e-mail is a row first, delivered later with retries."""
from ..db_types import UTCDateTime, utcnow
from ..extensions import db


class OutboxMessage(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    #: what the message is about: confirmation, waiting, promoted, changed, cancelled, reminder, ...
    kind = db.Column(db.String(30), nullable=False, index=True)
    to_address = db.Column(db.String(254), nullable=False)
    #: subject and bodies: written when queued, or by the sender when it composes the message
    subject = db.Column(db.String(300))
    text_body = db.Column(db.Text)
    html_body = db.Column(db.Text)
    #: stable Message-ID, so a resend after a crash is recognisable as the same message
    message_id = db.Column(db.String(200), nullable=False, unique=True)
    #: pending, sending, sent, failed (gave up after too many attempts)
    status = db.Column(db.String(10), nullable=False, default="pending", index=True)
    attempts = db.Column(db.Integer, nullable=False, default=0)
    next_attempt_at = db.Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    #: a sender claims a message until this time; a crashed sender's claim expires
    claimed_until = db.Column(UTCDateTime)
    last_error = db.Column(db.Text)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    sent_at = db.Column(UTCDateTime)
    registration_id = db.Column(db.ForeignKey("registration.id", ondelete="SET NULL"), index=True)
    #: what the composer needs beyond the registration (e.g. the waiting-list position)
    context = db.Column(db.JSON)
    #: de-duplicates scheduled messages, e.g. "reminder:<registration id>"
    dedupe_key = db.Column(db.String(100), unique=True)

    registration = db.relationship("Registration")
    attachments = db.relationship("OutboxAttachment", cascade="all, delete-orphan",
                                  order_by="OutboxAttachment.id")


class OutboxAttachment(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    message_id = db.Column(db.ForeignKey("outbox_message.id", ondelete="CASCADE"), nullable=False,
                           index=True)
    filename = db.Column(db.String(200), nullable=False)
    content_type = db.Column(db.String(100), nullable=False)
    #: inline images are referenced from the HTML part as cid:<content_id>
    content_id = db.Column(db.String(100))
    data = db.Column(db.LargeBinary, nullable=False)
