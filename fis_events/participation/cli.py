"""`flask attendance purge-staged-reports`: safe to run hourly (cron or a systemd timer)."""
import click

from ..unit_of_work import CommandGroup
from . import staging

attendance_cli = CommandGroup("attendance", help="Attendance: imported platform reports.")


@attendance_cli.command("purge-staged-reports")
def purge_staged_reports():
    """Delete the uploaded reports nobody confirmed or discarded within their hour."""
    purged = staging.purge_expired()
    click.echo(f"{purged} expired staged attendance reports deleted.")
