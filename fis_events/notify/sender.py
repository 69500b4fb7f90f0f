"""Deliver the outbox over SMTP: claim, send, mark sent; retry with backoff; give up at last.

How a message travels
---------------------
A sender takes messages one at a time. For each it first *claims* the row with one conditional
UPDATE (status 'sending', claimed_until = now + CLAIM_SECONDS) that matches only while the row is
still due: pending, next attempt reached, no live claim; or 'sending' with an expired claim,
which is what a crashed sender leaves behind. The database applies the UPDATE to one transaction
at a time (row lock on PostgreSQL, write lock on SQLite) and the losing transaction sees the
changed row and matches nothing, so two senders, threads or processes, never take the same
message. The claim is committed before the SMTP conversation starts.

As soon as the SMTP server has accepted the message (its reply to the end of DATA), the row is
marked 'sent' and committed on its own, before the next message is even claimed. On an SMTP
error the row goes back to 'pending' with ``attempts + 1``, ``next_attempt_at`` pushed back
exponentially (1, 2, 4, ... minutes, at most an hour, plus up to 10% jitter so that a crowd of
failed messages does not come back in lockstep) and the error text in ``last_error``; after
``OUTBOX_MAX_ATTEMPTS`` failed attempts it becomes 'failed' and nobody tries again. When the
server cannot be reached at all (connection refused, timeout, dropped connection, 421, TLS or
login refused) the batch stops after the message it was trying: that one counts a failed
attempt, the others keep their attempts for when the server is back. One SMTP session serves a
whole batch; a NOOP before each further message notices a server that dropped it, and a new
session is opened.

At least once, almost exactly once
----------------------------------
A message that was marked 'sent' is never sent again, by this sender or a restarted one. The one
window left is between the server's acceptance and the commit of 'sent': if the process dies
right there (or the database is unreachable at that instant), the claim expires after
CLAIM_SECONDS and another sender delivers the message a second time. The window is kept as
small as it can be: one message in flight per sender, the 'sent' UPDATE is the very next
statement after the SMTP reply and is committed alone (retried a few times if the database
connection hiccups), and `flask outbox send --loop` finishes the message in hand before obeying
SIGTERM or the first Ctrl-C. A duplicate, if it ever happens, carries
the same Message-ID (stored with the row), so mail clients and servers can recognise it.

The claim (2 minutes) is much longer than one SMTP exchange can take with a 10-second timeout
per operation, so a live sender never sees its claim expire under it.
"""
import logging
import random
import smtplib
import ssl
import threading
import time
from datetime import timedelta
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime, parseaddr
from typing import NamedTuple

from flask import current_app
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import OperationalError

from ..db_types import utcnow
from ..extensions import db
from ..text import one_line
from ..unit_of_work import unit_of_work
from .models import OutboxMessage
from .services import compose

log = logging.getLogger(__name__)

CLAIM_SECONDS = 120
SMTP_TIMEOUT = 10
FIRST_RETRY_SECONDS = 60
MAX_RETRY_SECONDS = 3600
JITTER = 0.1


def server_gone(error):
    """During a conversation: "the server is gone" (dropped connection, timeout, network), not
    "this message is refused". Careful: every SMTPException is an OSError too."""
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code == 421  # "service not available, closing channel"
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


class ServerUnreachable(Exception):
    """The SMTP server could not be reached: stop the batch."""


def retry_delay(attempts, rng=random):
    """Seconds to wait after the `attempts`-th failure: 60, 120, 240, ... at most 3600, +≤10%."""
    base = min(FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0), MAX_RETRY_SECONDS)
    return base * (1 + JITTER * rng.random())


def due_condition(now):
    """Rows a sender may claim at `now`."""
    t = OutboxMessage.__table__.c
    return or_(
        and_(t.status == "pending", t.next_attempt_at <= now,
             or_(t.claimed_until.is_(None), t.claimed_until < now)),
        and_(t.status == "sending", or_(t.claimed_until.is_(None), t.claimed_until < now)),
    )


def claim(message_id, now):
    """Take one message for CLAIM_SECONDS if it is due; True when this caller got it. A unit of
    work of its own: the claim stands before the SMTP conversation starts."""
    t = OutboxMessage.__table__.c
    with unit_of_work():
        result = db.session.execute(
            update(OutboxMessage.__table__).where(t.id == message_id, due_condition(now))
            .values(status="sending", claimed_until=now + timedelta(seconds=CLAIM_SECONDS)))
    return result.rowcount == 1


def send_due(app=None, limit=100, now=None, stop=None):
    """Send up to `limit` due messages; returns (sent, failed).

    With `app`, works in a fresh application context of its own (so it can run in any thread);
    without, in the current one. `now` (aware datetime) shifts the sender's clock, for tests:
    due times, claims and backoff are computed from it, and it moves forward with real time
    during the batch. `stop` (threading.Event) ends the batch after the message in hand.
    """
    if app is not None:
        with app.app_context():
            return _send_due(limit, now, stop)
    return _send_due(limit, now, stop)


def _send_due(limit, now, stop):
    offset = (now - utcnow()) if now is not None else timedelta(0)

    def clock():
        return utcnow() + offset

    config = current_app.config
    t = OutboxMessage.__table__.c
    with unit_of_work():
        ids = db.session.scalars(
            select(t.id).where(due_condition(clock()))
            .order_by(t.next_attempt_at, t.id).limit(limit)).all()
    sent = failed = 0
    connection = _Connection(config)
    try:
        for message_id in ids:
            if stop is not None and stop.is_set():
                break
            if not claim(message_id, clock()):
                continue  # another sender took it, or it is no longer due
            # Composed (templates, QR image, calendar file) and kept here, outside any lock of
            # the change that queued it; no transaction stays open during SMTP.
            with unit_of_work():
                message = db.session.get(OutboxMessage, message_id, populate_existing=True)
                attempt = Attempt(message_id, message.attempts, message.to_address)
                try:
                    email = build_email(compose(message), config, clock())
                except Exception as error:  # a message that cannot be written: its problem alone
                    log.exception("outbox: message %s cannot be built", message_id)
                    email = error
            if isinstance(email, Exception):
                _failed(attempt, email, clock(), config)
                failed += 1
                continue
            try:
                connection.send(email, attempt.to_address)
            except ServerUnreachable as error:
                _failed(attempt, error.__cause__ or error, clock(), config)
                failed += 1
                break
            except (smtplib.SMTPException, ValueError) as error:  # refused, or not encodable
                _failed(attempt, error, clock(), config)
                failed += 1
                continue
            # Accepted by the server: record it before anything else can go wrong.
            _mark_sent(message_id, clock())
            sent += 1
    finally:
        connection.close()
    if sent or failed:
        log.info("outbox: %d sent, %d failed", sent, failed)
    return sent, failed


def _mark_sent(message_id, now, tries=3):
    """Commit 'sent' at once; a database hiccup here would mean a duplicate later, so retry a
    little (a reconnection, a lock) before giving up and leaving the claim to expire."""
    t = OutboxMessage.__table__.c
    for attempt in range(1, tries + 1):
        try:
            with unit_of_work():
                db.session.execute(
                    update(OutboxMessage.__table__).where(t.id == message_id)
                    .values(status="sent", sent_at=now, claimed_until=None, last_error=None))
            return
        except OperationalError:
            if attempt == tries:
                raise
            time.sleep(0.5 * attempt)


class Attempt(NamedTuple):
    """What the sender keeps of a message while no transaction is open."""

    message_id: int
    attempts: int
    to_address: str


def _failed(message, error, now, config):
    attempts = message.attempts + 1
    gave_up = attempts >= config["OUTBOX_MAX_ATTEMPTS"]
    with unit_of_work():
        db.session.execute(
            update(OutboxMessage.__table__).where(OutboxMessage.__table__.c.id == message.message_id)
            .values(attempts=attempts, status="failed" if gave_up else "pending",
                    next_attempt_at=now + timedelta(seconds=0 if gave_up else retry_delay(attempts)),
                    claimed_until=None, last_error=describe_error(error)))
    log.warning("outbox: message %s attempt %d failed%s: %s", message.message_id, attempts,
                " (giving up)" if gave_up else "", describe_error(error))


def describe_error(error):
    """The SMTP reply (code and text) or the exception, without the recipient list."""
    if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
        code, text = next(iter(error.recipients.values()))
        error = smtplib.SMTPResponseException(code, text)
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        return f"{type(error).__name__}: {error.smtp_code} {text}"[:1000]
    return f"{type(error).__name__}: {error}"[:1000]


class _Connection:
    """One SMTP session per batch, opened for the first message, reopened after a reset."""

    def __init__(self, config):
        self.config, self.smtp = config, None

    def send(self, email, to_address):
        if self.smtp is not None and not self._alive():
            self.close()  # the server dropped the idle connection: open a new one
        if self.smtp is None:
            try:
                self.smtp = self._open()
            except (OSError, smtplib.SMTPException) as error:
                # Down, refusing us, or a TLS/login problem: the same for every message.
                raise ServerUnreachable() from error
        try:
            sender = parseaddr(self.config["MAIL_DEFAULT_SENDER"])[1]
            self.smtp.send_message(email, from_addr=sender, to_addrs=[to_address])
        except OSError as error:
            if not server_gone(error):
                raise
            self.close()
            raise ServerUnreachable() from error

    def _alive(self):
        try:
            return self.smtp.noop()[0] == 250
        except (OSError, smtplib.SMTPException):
            return False

    def _open(self):
        config = self.config
        smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=SMTP_TIMEOUT)
        try:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def close(self):
        if self.smtp is not None:
            smtp, self.smtp = self.smtp, None
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()


def build_email(message, config, now=None):
    """The MIME message of an outbox row.

    multipart/mixed
      multipart/alternative
        text/plain
        multipart/related
          text/html
          image/png (Content-ID <qr>, inline)     <- attachments with a content_id
      text/calendar (attachment)                  <- the others
    """
    email = EmailMessage(policy=SMTP_POLICY)
    email["Subject"] = one_line(message.subject)  # an event's title stored with CR/LF
    email["From"] = config["MAIL_DEFAULT_SENDER"]
    email["To"] = message.to_address
    email["Date"] = format_datetime(now or utcnow())
    email["Message-ID"] = message.message_id
    email.set_content(message.text_body, cte="quoted-printable")
    inline = [a for a in message.attachments if a.content_id and message.html_body]
    others = [a for a in message.attachments if a not in inline]
    if message.html_body:
        email.add_alternative(message.html_body, subtype="html", cte="quoted-printable")
        html_part = email.get_payload()[1]
        for attachment in inline:
            maintype, subtype = _content_type(attachment)
            html_part.add_related(attachment.data, maintype, subtype,
                                  cid=f"<{attachment.content_id}>", filename=attachment.filename,
                                  disposition="inline")
    for attachment in others:
        maintype, subtype = _content_type(attachment)
        email.add_attachment(attachment.data, maintype, subtype, filename=attachment.filename)
    return email


def _content_type(attachment):
    maintype, _, subtype = attachment.content_type.partition("/")
    return (maintype, subtype) if subtype else ("application", "octet-stream")


def status_counts():
    """{status: number of messages}, every status present."""
    t = OutboxMessage.__table__.c
    counts = dict(db.session.execute(select(t.status, func.count()).group_by(t.status)).all())
    return {status: counts.get(status, 0) for status in ("pending", "sending", "sent", "failed")}


# ---- sending from the web process (development) -----------------------------------------

class SenderThread(threading.Thread):
    """Runs send_due every `interval` seconds until stopped; for development only."""

    def __init__(self, app, interval=5.0):
        super().__init__(name="outbox-sender", daemon=True)
        self.app, self.interval, self.stopping = app, interval, threading.Event()

    def run(self):
        while not self.stopping.is_set():
            try:
                sent, _failed = send_due(self.app, stop=self.stopping)
            except Exception:  # a database hiccup must not kill the thread
                log.exception("outbox: in-process sender failed")
                sent = 0
            if not sent:
                self.stopping.wait(self.interval)

    def stop(self, timeout=None):
        self.stopping.set()
        self.join(timeout)


def start_sender_thread(app, interval=5.0):
    thread = SenderThread(app, interval)
    thread.start()
    return thread
