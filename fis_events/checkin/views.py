"""Door pages: the scanner, device pairing, and the organisers' door settings."""
from datetime import datetime, time, timedelta
from pathlib import Path

import qrcode
import qrcode.image.svg
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from werkzeug.exceptions import Unauthorized
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

from ..accounts.access import organiser_required
from ..accounts.models import Role, User
from ..db_types import utcnow
from ..errors import DomainError, attach_error
from ..events.pages import event_or_404
from ..events.models import Event, EventStatus
from ..extensions import db, limiter
from ..forms import Form
from ..i18n import ROME, to_rome
from . import results, services
from .access import DEVICE_COOKIE, checkin_actor
from .models import CheckinDevice, StaffAssignment

bp = Blueprint("checkin", __name__, url_prefix="/ingresso")
manage_bp = Blueprint("checkin_manage", __name__, url_prefix="/gestione")
SCRIPTS = Path(__file__).resolve().parent.parent / "static" / "js"
SERVICE_WORKER = SCRIPTS / "checkin-sw.js"
DECODER_WORKER = SCRIPTS / "door" / "decoder-worker.js"


class PairingForm(Form):
    name = StringField(_l("Nome di questo dispositivo"), validators=[DataRequired(), Length(max=50)],
                       render_kw={"placeholder": "Porta 2", "autocomplete": "off"})


class StaffForm(Form):
    user = SelectField(_l("Personale all'ingresso"), validators=[DataRequired()])


@bp.route("/")
def index():
    """The events this person can work the door of, today's first."""
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login", next=request.path))
    query = db.select(Event).where(Event.status == EventStatus.PUBLISHED, Event.ends_at >= utcnow())
    if not current_user.has_role(Role.ADMIN, Role.ORGANISER):
        query = query.join(StaffAssignment, StaffAssignment.event_id == Event.id).where(
            StaffAssignment.user_id == current_user.id)
    events = db.session.scalars(query.order_by(Event.starts_at, Event.id)).all()
    tomorrow = datetime.combine(to_rome(utcnow()).date() + timedelta(days=1), time(), ROME)
    return render_template("checkin/index.html",
                           today=[event for event in events if event.starts_at < tomorrow],
                           later=[event for event in events if event.starts_at >= tomorrow])


@bp.route("/eventi/<int:event_id>")
def scanner(event_id):
    event = event_or_404(event_id)
    try:
        user, device = checkin_actor(event)
    except Unauthorized:
        return redirect(url_for("accounts.login", next=request.path))
    return render_template("checkin/scanner.html", event=event, user=user, device=device,
                           counts=services.counts(event.id), answers=results.door_texts())


@bp.route("/sw.js")
def service_worker():
    """The service worker of the door pages: served from /ingresso/ so it can control them."""
    response = send_file(SERVICE_WORKER, mimetype="text/javascript", max_age=0)
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.route("/decoder.js")
def decoder_worker():
    """The scanner's QR decoding worker: served from /ingresso/ so the service worker controls
    it, and so keeps it and the decoder it loads for a page reloaded without network."""
    return send_file(DECODER_WORKER, mimetype="text/javascript", max_age=0)


@bp.route("/abbina/<code>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LINK"])
def pair(code):
    pairing = services.pairing_for(code)
    if pairing is None:
        return render_template("checkin/pair.html", invalid=True, form=None), 404
    form = PairingForm()
    if form.validate_on_submit():
        try:
            device, secret = services.pair_device(code, form.name.data)
        except DomainError as error:
            attach_error(form, error)
        else:
            response = redirect(url_for(".scanner", event_id=device.event_id))
            response.set_cookie(DEVICE_COOKIE.format(event_id=device.event_id), f"{device.id}.{secret}",
                                expires=device.expires_at, httponly=True, samesite="Lax",
                                secure=request.is_secure
                                or current_app.config.get("SESSION_COOKIE_SECURE", False))
            flash(_("Questo dispositivo è abilitato all'ingresso dell'evento."), "success")
            return response
    event = db.session.get(Event, pairing.event_id)
    return render_template("checkin/pair.html", invalid=False, form=form, event=event), \
        422 if form.errors else 200


# ---- organisers ----------------------------------------------------------------------------

@manage_bp.before_request
@organiser_required
def require_organiser():
    """Door settings are for organisers and admins only."""


def qr_svg(text):
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=12)
    return Markup(image.to_string(encoding="unicode"))


@manage_bp.route("/eventi/<int:event_id>/ingresso", methods=["GET", "POST"])
def door(event_id):
    event = event_or_404(event_id)
    form = StaffForm()
    staff = db.session.scalars(db.select(User).filter_by(role=Role.DOOR_STAFF, active=True)
                               .order_by(User.name)).all()
    form.user.choices = [SelectChoice(str(u.id), f"{u.name} ({u.email})") for u in staff]
    if form.validate_on_submit():
        user = db.session.get(User, int(form.user.data))
        services.assign_staff(event, user)
        flash(_("%(name)s può ora gestire l'ingresso.", name=user.name), "success")
        return redirect(url_for(".door", event_id=event.id))
    assigned = db.session.scalars(db.select(User).join(StaffAssignment, StaffAssignment.user_id == User.id)
                                  .where(StaffAssignment.event_id == event.id).order_by(User.name)).all()
    return render_template("checkin/door.html", event=event, form=form, assigned=assigned,
                           devices=services.devices_of(event), counts=services.counts(event.id),
                           now=utcnow())


@manage_bp.route("/eventi/<int:event_id>/ingresso/abbinamento", methods=["POST"])
def new_pairing(event_id):
    event = event_or_404(event_id)
    if not Form().validate_on_submit():
        abort(400)
    code = services.create_pairing(event, current_user)
    link = url_for("checkin.pair", code=code, _external=True)
    return render_template("checkin/pairing.html", event=event, link=link, qr=qr_svg(link),
                           minutes=services.PAIRING_MINUTES)


@manage_bp.route("/eventi/<int:event_id>/ingresso/personale/<int:user_id>/rimuovi", methods=["POST"])
def remove_staff(event_id, user_id):
    event = event_or_404(event_id)
    if Form().validate_on_submit():
        services.unassign_staff(event, db.session.get(User, user_id) or abort(404))
    return redirect(url_for(".door", event_id=event.id))


@manage_bp.route("/dispositivi/<int:device_id>/revoca", methods=["POST"])
def revoke(device_id):
    device = db.session.get(CheckinDevice, device_id) or abort(404)
    if Form().validate_on_submit():
        services.revoke_device(device)
        flash(_("Dispositivo «%(name)s» disabilitato.", name=device.name), "success")
    return redirect(url_for(".door", event_id=device.event_id))
