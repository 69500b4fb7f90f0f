"""`flask outbox send|status`; `register(app)` wires them in.

Production runs the sender as its own long-lived process, `flask outbox send --loop`, and
`flask reminders send` every hour (cron, systemd timer). In development OUTBOX_SEND_IN_PROCESS=1
makes the web process send the outbox from a background thread instead.
"""
import logging
import signal
import threading

import click
from flask import current_app

from ..extensions import db
from ..unit_of_work import CommandGroup
from .sender import send_due, start_sender_thread, status_counts

log = logging.getLogger(__name__)

outbox_cli = CommandGroup("outbox", help="The e-mail outbox: deliver it, see how it stands.")


@outbox_cli.command("send", own_transactions=True)
@click.option("--loop", is_flag=True, help="Keep sending until stopped (Ctrl-C, SIGTERM).")
@click.option("--interval", default=5.0, type=click.FloatRange(min=0.1), show_default=True,
              help="Seconds between batches with --loop.")
@click.option("--limit", default=100, type=click.IntRange(min=1), show_default=True,
              help="Messages per batch.")
def send_command(loop, interval, limit):
    """Send the messages that are due: one batch, or batch after batch with --loop."""
    if not loop:
        sent, failed = send_due(limit=limit)
        click.echo(f"sent: {sent}, failed: {failed}")
        return
    stop = threading.Event()
    restore = _stop_on_signals(stop)
    click.echo(f"Sending the outbox every {interval:g} s to "
               f"{current_app.config['MAIL_SERVER']}:{current_app.config['MAIL_PORT']}; "
               "Ctrl-C to stop.")
    try:
        while not stop.is_set():
            try:
                sent, failed = send_due(limit=limit, stop=stop)
            except Exception:  # database restarting, and the like: try again later
                log.exception("outbox: batch failed")
                sent = failed = 0
            finally:
                db.session.remove()
            if sent or failed:
                click.echo(f"sent: {sent}, failed: {failed}")
            if sent + failed < limit:  # a full batch means more may be waiting: go on at once
                stop.wait(interval)
    finally:
        restore()
    click.echo("Stopped.")


def _stop_on_signals(stop):
    """First Ctrl-C or SIGTERM: finish the message in hand, then stop. A second Ctrl-C: now."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}

    def handler(signum, frame):
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        stop.set()

    for sig in previous:
        signal.signal(sig, handler)

    def restore():
        for sig, old in previous.items():
            signal.signal(sig, old)

    return restore


@outbox_cli.command("status")
def status_command():
    """How many messages are pending, being sent, sent, failed."""
    for status, count in status_counts().items():
        click.echo(f"{status:<8} {count}")


def register(app):
    """Add the CLI groups; with OUTBOX_SEND_IN_PROCESS, send the outbox from a thread of the web
    process, started with the first request (so `flask db upgrade` and other commands, and the
    reloader's watcher process, never start one)."""
    if "notify" in app.extensions:
        return  # registered already
    app.extensions["notify"] = True
    app.cli.add_command(outbox_cli)
    if not app.config.get("OUTBOX_SEND_IN_PROCESS"):
        return
    lock = threading.Lock()

    @app.before_request
    def _start_outbox_sender():
        if "outbox_sender" in app.extensions:
            return
        with lock:
            if "outbox_sender" not in app.extensions:
                app.extensions["outbox_sender"] = start_sender_thread(app)
                app.logger.info("outbox: in-process sender started (OUTBOX_SEND_IN_PROCESS)")
