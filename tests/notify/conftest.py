"""A real SMTP server on loopback (aiosmtpd) that the outbox sender delivers to."""
import email
import socket
import threading
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller

from fis_events.extensions import db
from fis_events.notify.models import OutboxMessage
from fis_events.notify.services import queue_email


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Mailbox:
    """aiosmtpd handler: keeps every envelope the server accepted."""

    def __init__(self):
        self.envelopes, self.lock = [], threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


class SMTPServer:
    """aiosmtpd on 127.0.0.1:<port>; stop() and start() again keep the port and the mailbox."""

    def __init__(self, port):
        self.host, self.port, self.mailbox, self.controller = "127.0.0.1", port, Mailbox(), None

    def start(self):
        self.controller = Controller(self.mailbox, hostname=self.host, port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def envelopes(self):
        with self.mailbox.lock:
            return list(self.mailbox.envelopes)

    @property
    def messages(self):
        return [email.message_from_bytes(content, policy=default_policy)
                for _from, _to, content in self.envelopes]

    @property
    def message_ids(self):
        return [message["Message-ID"] for message in self.messages]


@pytest.fixture
def smtp_server(app):
    """The SMTP server, started, with the app's mail settings pointing to it (restored after)."""
    server = SMTPServer(free_port())
    server.start()
    settings = {"MAIL_SERVER": server.host, "MAIL_PORT": server.port, "MAIL_USE_TLS": False,
                "MAIL_USERNAME": None, "MAIL_PASSWORD": None}
    saved = {key: app.config.get(key) for key in settings}
    app.config.update(settings)
    try:
        yield server
    finally:
        app.config.update(saved)
        server.stop()


@pytest.fixture
def queue_plain(app):
    """Queue n plain messages straight into the outbox (committed); returns their outbox ids."""

    def queue(n, prefix="persona"):
        with app.test_request_context():
            messages = [queue_email("test", f"{prefix}{i}@example.org", f"Messaggio {i}",
                                    f"Testo {i} con accenti: è, à, ù.") for i in range(n)]
            db.session.commit()
            return [message.id for message in messages]

    return queue


@pytest.fixture
def outbox(app):
    """Fresh rows from the outbox table, read in their own app context."""

    def rows():
        with app.app_context():
            result = db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)).all()
            db.session.expunge_all()
            return result

    return rows
