"""`flask materials list [--event ID]` and `flask materials remove ID`."""
import click

from ..extensions import db
from ..unit_of_work import CommandGroup
from . import services
from .models import Material

materials_cli = CommandGroup("materials", help="Event materials: files and links.")


@materials_cli.command("list")
@click.option("--event", "event_id", type=int, help="Only this event's materials.")
def list_materials(event_id):
    """One line each: id, event, visibility, size or link, title."""
    for material in services.all_materials(event_id):
        what = material.url if material.is_link else f"{material.filename} ({material.size:,} bytes)"
        click.echo(f"{material.id}\tevent {material.event_id}\t{material.visibility.value}\t{what}\t"
                   f"{material.title}")


@materials_cli.command("remove")
@click.argument("material_id", type=int)
def remove_material(material_id):
    material = db.session.get(Material, material_id)
    if material is None:
        raise click.ClickException(f"no material {material_id}")
    services.remove(material)
    click.echo(f"Material {material_id} removed.")
