"""`flask people erase <email>` and `flask people purge-expired`."""
import click
from flask import current_app

from ..unit_of_work import CommandGroup
from . import services as privacy

people_cli = CommandGroup("people", help="Personal data: erasure and retention.")


@people_cli.command("erase")
@click.argument("email")
def erase_command(email):
    """Anonymise the person with this e-mail; their attendance stays, as anonymous rows."""
    person = privacy.find_person(email)
    if person is None:
        raise click.ClickException(
            "No person with this e-mail (never registered, or already anonymised).")
    privacy.erase(person, reason="request (CLI)")
    click.echo(f"Person {person.id} anonymised: name, e-mail and organisation details removed; "
               "totals unchanged.")


@people_cli.command("purge-expired")
@click.option("--dry-run", is_flag=True, help="Only say how many would be anonymised.")
def purge_expired_command(dry_run):
    """Anonymise everyone with nothing at an event that ended within RETENTION_DAYS."""
    result = privacy.purge_expired(dry_run=dry_run)
    verb = "would be" if dry_run else "were"
    click.echo(f"Retention {current_app.config['RETENTION_DAYS']} days (events ended before "
               f"{result.cutoff:%Y-%m-%d}): {result.people} people {verb} anonymised, "
               f"{result.invitations} invitations and {result.messages} sent e-mails {verb} deleted.")
