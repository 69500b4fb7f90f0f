"""Queue e-mails in the outbox, inside the caller's transaction."""
import secrets

from flask import current_app

from .models import OutboxAttachment, OutboxMessage
from ..extensions import db


def queue_email(kind, to, subject, text, html=None, attachments=(), registration=None,
                dedupe_key=None):
    """Add a message to the outbox; it is sent only if the caller's transaction commits.

    `attachments` are (filename, content_type, data, content_id or None) tuples.
    """
    domain = current_app.config.get("MAIL_MESSAGE_ID_DOMAIN", "fis-events")
    message = OutboxMessage(
        kind=kind, to_address=to, subject=subject, text_body=text, html_body=html,
        message_id=f"<{secrets.token_hex(16)}@{domain}>", registration=registration,
        dedupe_key=dedupe_key,
        attachments=[OutboxAttachment(filename=f, content_type=t, data=d, content_id=cid)
                     for f, t, d, cid in attachments],
    )
    db.session.add(message)
    return message
