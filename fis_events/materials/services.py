"""Attaching, listing and removing an event's materials; one function per rule, for the pages
and the command line."""
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from werkzeug.utils import secure_filename

from .. import audit_record as audit
from ..errors import DomainError
from ..extensions import db
from ..text import one_line, required_line
from .files import detect
from .models import Material, Visibility

MAX_TITLE = 200


def max_bytes():
    return current_app.config["MATERIALS_MAX_BYTES"]


def _title(title, fallback):
    return required_line(one_line(title) or fallback, field="title", limit=MAX_TITLE,
                         missing=_("Dai un titolo al materiale."),
                         too_long=_("Il titolo può avere al massimo %(n)s caratteri.", n=MAX_TITLE))


def _check_item(event, item):
    if item is not None and item.event_id != event.id:
        raise DomainError(_("Il punto del programma non è di questo evento."), field="agenda_item")


def add_file(event, *, filename, data, title=None, visibility=Visibility.PUBLIC, item=None):
    """A file, kept in the database, its kind told by its content and its name made from it."""
    _check_item(event, item)
    if not data:
        raise DomainError(_("Il file è vuoto."), field="upload")
    if len(data) > max_bytes():
        raise DomainError(_("Il file supera il limite di %(mb)s MB.", mb=max_bytes() // (1024 * 1024)),
                          field="upload")
    found = detect(data, filename or "")
    if found is None:
        raise DomainError(_("Il file non è un PDF, una presentazione, un documento, un foglio di "
                            "calcolo o un'immagine (JPEG, PNG, WebP): non è stato caricato."),
                          field="upload")
    content_type, extension = found
    stem = PurePosixPath((filename or "").replace("\\", "/")).stem
    material = Material(event=event, agenda_item=item, title=_title(title, one_line(stem)),
                        visibility=visibility, content=data, size=len(data),
                        content_type=content_type,
                        filename=f"{secure_filename(stem)[:100] or 'materiale'}.{extension}")
    db.session.add(material)
    audit.record("material.added", event=event, target=material)
    return material


def add_link(event, *, url, title=None, visibility=Visibility.PUBLIC, item=None):
    _check_item(event, item)
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc or len(url) > 500:
        raise DomainError(_("Il collegamento deve essere un indirizzo https://."), field="url")
    material = Material(event=event, agenda_item=item, title=_title(title, parts.netloc),
                        visibility=visibility, url=url)
    db.session.add(material)
    audit.record("material.added", event=event, target=material)
    return material


def remove(material):
    audit.record("material.removed", event=material.event_id, target=material)
    db.session.delete(material)


def materials_of(event, registrant=False):
    """{agenda item id or None: [materials]} that a visitor (or, with `registrant`, someone
    registered) may see; the files' content is not read."""
    shown = {}
    for material in event.materials:
        if registrant or material.visibility is Visibility.PUBLIC:
            shown.setdefault(material.agenda_item_id, []).append(material)
    return shown


def content_of(material):
    return db.session.scalar(db.select(Material.content).where(Material.id == material.id))


def all_materials(event_id=None):
    query = db.select(Material).order_by(Material.event_id, Material.id)
    if event_id is not None:
        query = query.where(Material.event_id == event_id)
    return db.session.scalars(query).all()
