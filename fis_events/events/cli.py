"""`flask agenda import EVENT_ID FILE`: an agenda from text, CSV or XLSX, as the organiser's page
reads it (fis_events/events/agenda_import.py)."""
import json

import click

from ..errors import DomainError
from ..unit_of_work import CommandGroup
from .agenda_draft import as_json
from .agenda_import import apply_agenda, read_agenda, upload_limit
from .services import get_event

agenda_cli = CommandGroup("agenda", help="Agendas: import from text, CSV or XLSX.")


@agenda_cli.command("import")
@click.argument("event_id", type=int)
@click.argument("file", type=click.File("rb"))
@click.option("--replace", is_flag=True, help="Replace the event's agenda instead of appending.")
@click.option("--dry-run", is_flag=True, help="Show what would be imported; write nothing.")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text",
              help="How to print the agenda understood (json: a list of items).")
def import_agenda(event_id, file, replace, dry_run, output):
    """Read FILE (text, CSV or XLSX, told apart by content; - for standard input) into the agenda
    of event EVENT_ID. Lines it could not place and times that do not fit are listed on
    standard error."""
    event = get_event(event_id)
    if event is None:
        raise click.ClickException(f"no event {event_id}")
    try:
        draft = read_agenda(event, file.read(upload_limit() + 1))
    except DomainError as error:
        raise click.ClickException(str(error.message)) from None
    if output == "json":
        click.echo(json.dumps(as_json(draft), ensure_ascii=False, indent=2))
    else:
        for line in _summary(draft):
            click.echo(line)
    for note in sorted(draft.warnings + draft.unplaced, key=lambda n: n.line):
        click.echo(f"line {note.line}: {note.message}" + (f": {note.text}" if note.text else ""),
                   err=True)
    if dry_run:
        return
    try:
        result = apply_agenda(event, draft, replace=replace)
    except DomainError as error:
        raise click.ClickException(str(error.message)) from None
    click.echo(f"{result.items} items and {result.speakers} speaker places imported"
               + (f", {result.removed} items replaced" if replace else "") + ".", err=output == "json")


def _summary(draft):
    for item in draft.items:
        when = "–".join(t.strftime("%H.%M") for t in (item.start, item.end) if t) or "     "
        yield f"{when}  {item.title} [{item.kind}]" + (f"  ({item.section})" if item.section else "")
        for person in item.speakers:
            parts = [person.name, person.role, person.organisation]
            yield "        " + ", ".join(p for p in parts if p) + (" (remote)" if person.remote else "")
