"""Queue e-mails in the outbox, inside the caller's transaction; compose them later.

A message is either written whole when it is queued (an organiser's text), or queued as what
happened (its kind, its registration, a little context) and *composed* by the sender when it
delivers it: templates, QR image and calendar file are rendered then, never while the change
that caused the message holds a lock. Either way the row is in the caller's transaction, so a
message exists if and only if its change was committed.
"""
import secrets
from contextlib import contextmanager

from flask import current_app, has_request_context

from ..extensions import db
from .models import OutboxAttachment, OutboxMessage

#: kind -> function(message) returning (subject, text, html, attachments), for the messages
#: queued to be composed later; each domain registers its own (see `composer`)
COMPOSERS = {}


def composer(*kinds):
    """Register the function that composes messages of these kinds at delivery."""
    def register(function):
        for kind in kinds:
            COMPOSERS[kind] = function
        return function

    return register


def queue_email(kind, to, subject=None, text=None, html=None, attachments=(), registration=None,
                dedupe_key=None, context=None):
    """Add a message to the outbox; it is sent only if the caller's transaction commits.

    Without `text`, the message is composed at delivery by the composer of its kind, from its
    registration and `context` (plain JSON values). `attachments` are (filename, content_type,
    data, content_id or None) tuples.
    """
    if text is None and kind not in COMPOSERS:
        raise ValueError(f"no composer for e-mails of kind {kind!r}")
    domain = current_app.config.get("MAIL_MESSAGE_ID_DOMAIN", "fis-events")
    message = OutboxMessage(
        kind=kind, to_address=to, subject=subject, text_body=text, html_body=html,
        message_id=f"<{secrets.token_hex(16)}@{domain}>", registration=registration,
        dedupe_key=dedupe_key, context=context or None,
        attachments=_attachments(attachments),
    )
    db.session.add(message)
    return message


def compose(message, app=None):
    """Render a message queued to be composed later and keep what was rendered on its row, so
    every attempt sends the same e-mail; a message written whole is left as it is."""
    if message.text_body is not None:
        return message
    with email_rendering(app):
        subject, text, html, attachments = COMPOSERS[message.kind](message)
    message.subject, message.text_body, message.html_body = subject, text, html
    message.attachments = _attachments(attachments)
    return message


def _attachments(attachments):
    return [OutboxAttachment(filename=f, content_type=t, data=d, content_id=cid)
            for f, t, d, cid in attachments]


@contextmanager
def email_rendering(app=None):
    """A request context for url_for(_external=True) in e-mails, with PUBLIC_BASE_URL as the host
    when there is no real request (CLI, sender thread); the current request otherwise."""
    if has_request_context():
        yield
        return
    app = app or current_app._get_current_object()
    with app.test_request_context(base_url=app.config["PUBLIC_BASE_URL"]):
        yield
