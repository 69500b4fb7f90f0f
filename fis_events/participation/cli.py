"""`flask attendance purge-staged-reports`: safe to run hourly (cron or a systemd timer)."""
import click
from flask.cli import AppGroup

from ..extensions import db
from . import staging

attendance_cli = AppGroup("attendance", help="Attendance: imported platform reports.")


@attendance_cli.command("purge-staged-reports")
def purge_staged_reports():
    """Delete the uploaded reports nobody confirmed or discarded within their hour."""
    purged = staging.purge_expired()
    db.session.commit()  # until the CLI boundary commits (issue 11, item 1)
    click.echo(f"{purged} expired staged attendance reports deleted.")
