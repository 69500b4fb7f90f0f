"""`flask feedback send`: run it every hour (cron, systemd timer)."""
import click

from ..unit_of_work import CommandGroup
from .sending import send_feedback

feedback_cli = CommandGroup("feedback", help="Questionnaires after the events.")


@feedback_cli.command("send")
def feedback_send_command():
    """Close expired questionnaires, invite new attendances, remind once; safe to run hourly."""
    sent = send_feedback()
    click.echo(f"invited: {sent.invited} (e-mails queued: {sent.emailed}), "
               f"reminded: {sent.reminded}, closed: {sent.closed}")
