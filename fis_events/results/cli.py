"""`flask results refresh`: count the programmes' figures ahead of visitors (e.g. from cron)."""
import time

import click

from ..extensions import db
from ..programme.models import Programme
from ..unit_of_work import CommandGroup
from . import services

results_cli = CommandGroup("results", help="Participation totals.")


@results_cli.command("refresh")
def refresh():
    """Count every programme and each of its phases now and keep the snapshots."""
    services.forget_totals()
    for programme in db.session.scalars(db.select(Programme).order_by(Programme.code)).all():
        for phase in [None, *programme.phases]:
            began = time.perf_counter()
            totals = services.totals(services.Scope(programme=programme, phase=phase))
            click.echo(f"{programme.code} {phase.code if phase else '(tutto)'}: "
                       f"{totals.phase_sum} partecipanti per fase, {totals.attendance.participants} "
                       f"distinti, {totals.meetings_held} incontri svolti "
                       f"({time.perf_counter() - began:.1f} s)")
