"""Materials: the organiser's page to attach and remove them, and their downloads, public ones
for anyone and the others through a registrant's personal link."""
import io

from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request,
                   send_file, url_for)
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from ..accounts.access import organiser_required
from ..errors import DomainError, attach_error
from ..events.models import AgendaItem
from ..events.pages import event_or_404
from ..extensions import db, limiter
from ..pages import get_or_404
from ..registration import services as registrations
from ..registration.models import RegistrationStatus
from ..registration.views import link_limit
from . import services
from .forms import MaterialForm
from .models import Material, Visibility

manage_bp = Blueprint("materials_manage", __name__, url_prefix="/gestione")
bp = Blueprint("materials", __name__)
#: the request may exceed the file by its multipart envelope and CSRF token, not more
ENVELOPE = 64 * 1024


@bp.record_once
def _offer_to_templates(state):
    """The public page and the registrant's page list an event's materials through this."""
    state.app.jinja_env.globals["event_materials"] = services.materials_of


@manage_bp.url_value_preprocessor
def bound_request_size(endpoint, values):
    """Uploads may be as large as MATERIALS_MAX_BYTES (more than other forms), refused before
    they are read when larger."""
    if endpoint == "materials_manage.materials":
        request.max_content_length = current_app.config["MATERIALS_MAX_BYTES"] + ENVELOPE


@manage_bp.before_request
@organiser_required
def require_organiser():
    """Every route here is for organisers and admins only."""


@manage_bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    event = event_or_404((request.view_args or {}).get("event_id"))
    form = MaterialForm(formdata=None)
    form.set_items(event)
    form.upload.errors = [_("Il file supera il limite di %(mb)s MB.",
                            mb=current_app.config["MATERIALS_MAX_BYTES"] // (1024 * 1024))]
    return render_template("materials/manage.html", event=event, form=form), 413


@manage_bp.route("/eventi/<int:event_id>/materiali", methods=["GET", "POST"])
def materials(event_id):
    event = event_or_404(event_id)
    form = MaterialForm()
    form.set_items(event)
    if form.validate_on_submit():
        item = db.session.get(AgendaItem, form.agenda_item.data) if form.agenda_item.data else None
        options = dict(title=form.title.data, visibility=Visibility(form.visibility.data), item=item)
        try:
            if form.upload.data:
                services.add_file(event, filename=form.upload.data.filename,
                                  data=form.upload.data.read(), **options)
            elif form.url.data:
                services.add_link(event, url=form.url.data, **options)
            else:
                raise DomainError(_("Scegli un file o scrivi un collegamento."), field="upload")
        except DomainError as error:
            attach_error(form, error)
        else:
            flash(_("Materiale aggiunto."), "success")
            return redirect(url_for(".materials", event_id=event.id))
    return render_template("materials/manage.html", event=event, form=form), 422 if form.errors else 200


@manage_bp.route("/materiali/<int:material_id>/elimina", methods=["POST"])
def remove(material_id):
    material = get_or_404(Material, material_id)
    event_id = material.event_id
    services.remove(material)
    flash(_("Materiale eliminato."), "success")
    return redirect(url_for(".materials", event_id=event_id))


def download(material):
    """The file as an attachment, with the type its content showed and a safe name."""
    if material.is_link:
        abort(404)
    return send_file(io.BytesIO(services.content_of(material)), mimetype=material.content_type,
                     as_attachment=True, download_name=material.filename, max_age=0)


@bp.route("/materiali/<int:material_id>/<path:filename>")
def public_download(material_id, filename):
    material = db.session.get(Material, material_id)
    if material is None or material.visibility is not Visibility.PUBLIC or not material.event.is_public:
        abort(404)
    return download(material)


@bp.route("/iscrizione/<token>/materiali/<int:material_id>")
@limiter.limit(link_limit)
def registrant_download(token, material_id):
    registration = registrations.by_manage_token(token)
    material = db.session.get(Material, material_id)
    if (registration is None or material is None or material.event_id != registration.event_id
            or registration.status is RegistrationStatus.CANCELLED):
        abort(404)
    return download(material)
