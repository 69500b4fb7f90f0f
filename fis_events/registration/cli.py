"""`flask reminders send`: run it every hour (cron, systemd timer)."""
import click

from ..unit_of_work import CommandGroup
from .reminders import send_reminders

reminders_cli = CommandGroup("reminders", help="Scheduled e-mails.")


@reminders_cli.command("send")
def reminders_send_command():
    """Queue the reminders for tomorrow's events (Europe/Rome); safe to run every hour."""
    queued = send_reminders()
    click.echo(f"reminders queued: {queued}")
