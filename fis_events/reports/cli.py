"""`flask reports send`: run it every hour (cron, systemd timer), like `flask reminders send`."""
import click

from ..unit_of_work import CommandGroup
from .services import send_due_reports

reports_cli = CommandGroup("reports", help="Reports by e-mail.")


@reports_cli.command("send")
def reports_send_command():
    """Queue the reports that are due, with their files; safe to run every hour."""
    counts = send_due_reports()
    click.echo("reports queued: {queued}, failed: {failed}, disabled: {disabled}".format(**counts))
