"""The outbox sender against a real SMTP server on loopback: content, outages, concurrency."""
import io
import threading
from collections import Counter
from datetime import timedelta

import icalendar
import pytest
import zxingcpp
from PIL import Image

from fis_events.db_types import utcnow
from fis_events.extensions import db
from fis_events.notify import sender
from fis_events.notify.cli import outbox_cli
from fis_events.notify.models import OutboxMessage
from fis_events.notify.sender import retry_delay, send_due
from fis_events.registration import services
from fis_events.registration.models import AttendanceMode


def register(event, n=1, mode=AttendanceMode.IN_PERSON):
    registration, _outcome = services.register(
        event, email=f"persona{n}@example.org", first_name="Niccolò", last_name=f"D'Angelo {n}",
        mode=mode)
    return registration


def parts(message):
    return {part.get_content_type(): part for part in message.walk()}


def test_confirmation_arrives_with_text_html_qr_and_calendar(app, smtp_server, open_event, outbox):
    event = open_event(title="Laboratorio FIS a Bari")
    registration = register(event)
    queued = outbox()[0]

    assert send_due(app) == (1, 0)

    [(mail_from, rcpt_tos, _content)] = smtp_server.envelopes
    assert mail_from == "eventi-fis@formez.it" and rcpt_tos == ["persona1@example.org"]
    [message] = smtp_server.messages
    assert message["Message-ID"] == queued.message_id
    assert message["From"] == "Eventi FIS <eventi-fis@formez.it>"
    assert message["To"] == "persona1@example.org"
    assert message["Subject"] == "Iscrizione confermata: Laboratorio FIS a Bari"
    assert message["Date"]
    assert message.get_content_type() == "multipart/mixed"
    found = parts(message)
    assert {"multipart/alternative", "text/plain", "multipart/related", "text/html", "image/png",
            "text/calendar"} <= set(found)
    assert "Gentile Niccolò" in found["text/plain"].get_content()
    assert registration.manage_token in found["text/plain"].get_content()
    html = found["text/html"].get_content()
    assert 'src="cid:qr"' in html
    # the image is inline, beside the HTML that shows it
    related = found["multipart/related"]
    assert [p.get_content_type() for p in related.iter_parts()] == ["text/html", "image/png"]
    png = found["image/png"]
    assert png["Content-ID"] == "<qr>" and png.get_content_disposition() == "inline"
    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.get_content())))
    assert code.text == "FISEV1:" + registration.qr_token
    ics = found["text/calendar"]
    assert ics.get_content_disposition() == "attachment" and ics.get_filename() == "evento.ics"
    payload = ics.get_payload(decode=True)
    [vevent] = icalendar.Calendar.from_ical(payload).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Laboratorio FIS a Bari"
    assert vevent.decoded("DTSTART") == event.starts_at

    [row] = outbox()
    assert row.status == "sent" and row.sent_at is not None and row.claimed_until is None
    assert row.attempts == 0 and row.last_error is None
    assert send_due(app) == (0, 0)  # never twice
    assert len(smtp_server.envelopes) == 1


def test_plain_message_without_html_is_a_single_text_part(app, smtp_server, queue_plain):
    queue_plain(1)
    assert send_due(app) == (1, 0)
    [message] = smtp_server.messages
    assert message.get_content_type() == "text/plain"
    assert message.get_content().strip() == "Testo 0 con accenti: è, à, ù."


def test_server_down_keeps_messages_then_delivers_each_exactly_once(app, smtp_server, queue_plain,
                                                                     outbox):
    ids = queue_plain(3)
    smtp_server.stop()
    before = utcnow()

    assert send_due(app) == (0, 1)  # stops at the first refused connection

    rows = outbox()
    assert [r.status for r in rows] == ["pending"] * 3
    first, *rest = rows
    assert first.attempts == 1 and first.last_error.startswith("ConnectionRefusedError")
    delay = (first.next_attempt_at - before).total_seconds()
    assert 60 <= delay <= 70
    assert [r.attempts for r in rest] == [0, 0]  # not burnt on an unreachable server
    assert all(r.next_attempt_at <= before for r in rest)

    smtp_server.start()
    assert send_due(app) == (2, 0)  # the first one is waiting for its retry time
    assert send_due(app, now=utcnow() + timedelta(minutes=2)) == (1, 0)
    assert send_due(app, now=utcnow() + timedelta(hours=2)) == (0, 0)

    expected = {row.message_id for row in outbox()}
    assert len(expected) == len(ids) == 3
    assert Counter(smtp_server.message_ids) == Counter(expected)  # each once
    assert [r.status for r in outbox()] == ["sent"] * 3


def test_two_senders_at_once_never_deliver_a_message_twice(app, smtp_server, queue_plain, outbox):
    queue_plain(40)
    start, results = threading.Barrier(2), []

    def run():
        start.wait()
        results.append(send_due(app, limit=100))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sum(sent for sent, _failed in results) == 40
    assert sum(failed for _sent, failed in results) == 0
    ids = smtp_server.message_ids
    assert len(ids) == 40 and len(set(ids)) == 40
    assert {r.status for r in outbox()} == {"sent"}


def test_a_claim_is_taken_once_until_it_expires(app, queue_plain):
    [message_id] = queue_plain(1)
    now = utcnow()
    with app.app_context():
        assert sender.claim(message_id, now)
    with app.app_context():  # another sender, another session
        assert not sender.claim(message_id, now)
        assert not sender.claim(message_id, now + timedelta(seconds=sender.CLAIM_SECONDS - 1))
        assert sender.claim(message_id, now + timedelta(seconds=sender.CLAIM_SECONDS + 1))


def claim(message_id, until):
    with db.session.begin():
        message = db.session.get(OutboxMessage, message_id)
        message.status, message.claimed_until = "sending", until


def test_a_crashed_senders_expired_claim_is_taken_over(app, smtp_server, queue_plain, outbox):
    crashed, busy = queue_plain(2)
    with app.app_context():
        claim(crashed, utcnow() - timedelta(seconds=1))
        claim(busy, utcnow() + timedelta(minutes=1))

    assert send_due(app) == (1, 0)
    rows = {r.id: r for r in outbox()}
    assert rows[crashed].status == "sent"
    assert rows[busy].status == "sending"  # still someone else's
    assert smtp_server.message_ids == [rows[crashed].message_id]

    # the live claim expires too, if its sender never comes back
    assert send_due(app, now=utcnow() + timedelta(minutes=2)) == (1, 0)
    assert Counter(smtp_server.message_ids) == Counter(r.message_id for r in outbox())


def test_after_the_last_attempt_the_message_is_failed(app, smtp_server, queue_plain, outbox):
    queue_plain(1)
    smtp_server.stop()
    app.config["OUTBOX_MAX_ATTEMPTS"] = 3
    try:
        now, delays = utcnow(), []
        for attempt in (1, 2, 3):
            assert send_due(app, now=now) == (0, 1)
            [row] = outbox()
            assert row.attempts == attempt
            delays.append((row.next_attempt_at - now).total_seconds())
            assert send_due(app, now=now) == (0, 0)  # not due again before the backoff
            now = row.next_attempt_at + timedelta(seconds=1)
        assert row.status == "failed"
        assert 60 <= delays[0] <= 66 and 120 <= delays[1] <= 132
        smtp_server.start()
        assert send_due(app, now=now + timedelta(days=1)) == (0, 0)
        assert smtp_server.envelopes == []
    finally:
        app.config["OUTBOX_MAX_ATTEMPTS"] = 8


def test_a_refused_recipient_is_retried_and_the_batch_goes_on(app, smtp_server, queue_plain,
                                                               outbox):
    original = smtp_server.mailbox

    class Refusing(type(original)):
        async def handle_RCPT(self, server, session, envelope, address, options):
            if address.startswith("rifiutato"):
                return "550 5.1.1 mailbox unavailable"
            envelope.rcpt_tos.append(address)
            return "250 OK"

    smtp_server.stop()
    smtp_server.mailbox = Refusing()
    smtp_server.start()
    queue_plain(1, prefix="rifiutato")
    queue_plain(2)

    assert send_due(app) == (2, 1)
    refused = outbox()[0]
    assert refused.status == "pending" and refused.attempts == 1
    assert refused.last_error == "SMTPResponseException: 550 5.1.1 mailbox unavailable"
    assert len(smtp_server.envelopes) == 2


@pytest.mark.parametrize("attempts, low, high", [
    (1, 60, 66), (2, 120, 132), (3, 240, 264), (6, 1920, 2112), (7, 3600, 3960),
    (12, 3600, 3960),
])
def test_backoff_doubles_up_to_an_hour_with_a_little_jitter(attempts, low, high):
    assert low <= retry_delay(attempts) <= high
    assert retry_delay(attempts, rng=type("Zero", (), {"random": lambda self: 0.0})()) == low


def test_cli_send_and_status(app, smtp_server, queue_plain, runner):
    queue_plain(2)
    result = runner.invoke(outbox_cli, ["status"])
    assert result.exit_code == 0 and "pending  2" in result.output
    result = runner.invoke(outbox_cli, ["send"])
    assert result.exit_code == 0, result.output
    assert "sent: 2, failed: 0" in result.output
    assert "sent     2" in runner.invoke(outbox_cli, ["status"]).output
    assert len(smtp_server.envelopes) == 2


def test_in_process_sender_thread_delivers_what_is_queued(app, smtp_server, queue_plain, outbox):
    thread = sender.start_sender_thread(app, interval=0.05)
    try:
        queue_plain(3)
        deadline = utcnow() + timedelta(seconds=10)
        while len(smtp_server.envelopes) < 3 and utcnow() < deadline:
            threading.Event().wait(0.05)
    finally:
        thread.stop(timeout=10)
    assert not thread.is_alive()
    assert len(smtp_server.envelopes) == 3
    assert {r.status for r in outbox()} == {"sent"}


def test_a_server_closing_the_session_stops_the_batch(app, smtp_server, queue_plain, outbox):
    original = smtp_server.mailbox

    class Busy(type(original)):
        async def handle_DATA(self, server, session, envelope):
            if envelope.rcpt_tos[0].startswith("occupato"):
                return "421 4.3.2 service not available, closing channel"
            return await super().handle_DATA(server, session, envelope)

    smtp_server.stop()
    smtp_server.mailbox = Busy()
    smtp_server.start()
    queue_plain(1, prefix="occupato")
    queue_plain(2)

    assert send_due(app) == (0, 1)  # the others keep their attempts for the next batch
    assert [r.attempts for r in outbox()] == [1, 0, 0]
    assert send_due(app) == (2, 0)
    assert outbox()[0].last_error.startswith("SMTPDataError: 421")


def test_loop_stops_cleanly_on_sigterm_after_the_message_in_hand(app, smtp_server, queue_plain,
                                                                   runner, monkeypatch, outbox):
    import os
    import signal

    from fis_events.notify import cli

    queue_plain(2)
    calls = []

    def send_then_terminated(**kwargs):
        calls.append(kwargs)
        result = send_due(**kwargs)
        os.kill(os.getpid(), signal.SIGTERM)  # the service manager stops us
        return result

    before = signal.getsignal(signal.SIGTERM)
    monkeypatch.setattr(cli, "send_due", send_then_terminated)
    result = runner.invoke(outbox_cli, ["send", "--loop", "--interval", "0.1"])
    assert result.exit_code == 0, result.output
    assert "sent: 2, failed: 0" in result.output and result.output.endswith("Stopped.\n")
    assert len(calls) == 1 and calls[0]["stop"].is_set()
    assert signal.getsignal(signal.SIGTERM) is before
    assert {r.status for r in outbox()} == {"sent"}


def test_register_adds_the_commands_and_starts_the_sender_with_the_first_request(app, smtp_server,
                                                                                  queue_plain):
    from config import TestingConfig
    from fis_events import create_app
    from fis_events.notify.cli import register

    class InProcess(TestingConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        OUTBOX_SEND_IN_PROCESS = True
        MAIL_SERVER, MAIL_PORT = smtp_server.host, smtp_server.port

    web = create_app(InProcess)
    register(web)
    register(web)  # twice is harmless
    assert {"outbox", "reminders"} <= set(web.cli.commands)
    assert "outbox_sender" not in web.extensions  # not for CLI commands, not before a request
    try:
        queue_plain(2)
        web.test_client().get("/privacy")
        thread = web.extensions["outbox_sender"]
        assert thread.is_alive() and thread.daemon
        deadline = utcnow() + timedelta(seconds=15)
        while len(smtp_server.envelopes) < 2 and utcnow() < deadline:
            threading.Event().wait(0.05)
        assert len(smtp_server.envelopes) == 2
    finally:
        if "outbox_sender" in web.extensions:
            web.extensions["outbox_sender"].stop(timeout=10)
        with web.app_context():
            db.engine.dispose()
