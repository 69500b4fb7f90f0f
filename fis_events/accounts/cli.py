"""`flask users create` and `flask users disable`: staff accounts from the command line."""
import click

from ..errors import DomainError
from ..unit_of_work import CommandGroup
from .models import Role
from .services import create_user, disable_user, user_by_email

users_cli = CommandGroup("users", help="Staff accounts.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.ORGANISER.value,
              show_default=True)
@click.password_option(help="At least 10 characters and hard to guess (a phrase of a few words); asked for when not given.")
def create(email, name, role, password):
    """Create a staff user (admin, organiser or door staff)."""
    try:
        user = create_user(email, name, password, role)
    except DomainError as error:
        raise click.ClickException(error.message)
    click.echo(f"Created {user.role.value} {user.email}")


@users_cli.command("disable")
@click.option("--email", required=True)
def disable(email):
    """Disable a staff user: no more log-ins, and their open sessions end now."""
    try:
        user = disable_user(user_by_email(email))
    except DomainError as error:
        raise click.ClickException(error.message)
    click.echo(f"Disabled {user.email}")
