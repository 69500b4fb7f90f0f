"""`flask demo load`."""
import click
from flask import current_app
from flask.cli import AppGroup

from .loader import DEMO_PASSWORD, DEMO_USERS, load_all

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("load")
@click.option("--users/--no-users", default=True, help="Also create the demo staff accounts.")
def load(users):
    """Load the Genova session, the FIS programme and a few events; safe to run twice."""
    if users and not current_app.config.get("DEMO_USERS_ALLOWED"):
        raise click.ClickException("Demo accounts have a public password: use --no-users here.")
    load_all(with_users=users)
    click.echo("Demo data loaded.")
    if users:
        for email, _name, role in DEMO_USERS:
            click.echo(f"  {role.value:<11} {email}  password: {DEMO_PASSWORD}")
