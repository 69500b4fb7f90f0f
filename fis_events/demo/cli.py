"""`flask demo load` and `flask demo generate`."""
import sys

import click
from flask import current_app

from ..unit_of_work import CommandGroup
from . import generate
from .loader import DEMO_PASSWORD, DEMO_USERS, load_all

demo_cli = CommandGroup("demo", help="Demo data.")


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


@demo_cli.command("generate")
@click.option("--scale", type=click.IntRange(min=1), default=1, show_default=True,
              help="Multiply people, meetings, registrations and attendances by N (the published "
                   "figures hold exactly at scale 1).")
@click.option("--seed", type=int, default=2023, show_default=True, help="Seed of the random data.")
@click.option("--reset", is_flag=True, help="Remove earlier generated data first, then rebuild.")
def generate_command(scale, seed, reset):
    """Build a synthetic FIS programme on top of the demo data; safe to run twice."""
    already = generate.generated_event_count()
    if already and not reset:
        click.echo(f"Synthetic programme already generated ({already} events): nothing done. "
                   "Use --reset to rebuild it.")
        return
    if reset:
        generate.remove_generated()
    generator = generate.Generator(scale=scale, seed=seed)
    steps = generator.prepare()
    with click.progressbar(length=steps, label=f"Generating (scale {scale})", file=sys.stderr,
                           show_pos=True) as bar:
        generator.progress = bar.update
        summary = generator.run()
    totals = summary.totals
    click.echo(f"{summary.total_rows:,} rows in {summary.seconds:.1f} s "
               f"({summary.total_rows / summary.seconds:,.0f} rows/s): "
               + ", ".join(f"{table} {count:,}" for table, count in sorted(summary.rows.items())))
    click.echo("Municipalities " + " → ".join(str(n) for n in totals.pipeline.values())
               + f"; support meetings held {totals.meetings_held}; participants "
               + " + ".join(str(p.participants) for p in totals.phases)
               + f" = {totals.phase_sum} ({totals.attendance.participants} distinct people).")
