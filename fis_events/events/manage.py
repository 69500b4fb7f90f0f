"""Organiser pages: build events and agendas, preview, publish, unpublish, cancel."""
from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..accounts.access import organiser_required, wants_json
from ..db_types import parse_page
from ..errors import DomainError, attach_error
from ..extensions import db
from ..pages import apply_change, get_or_404
from ..programme.models import Organisation, Phase, Programme
from ..programme.services import known_organisations
from . import services
from .pages import event_or_404
from .forms import AgendaItemForm, EventForm, SpeakerForm
from .models import AgendaItem, AgendaItemKind, AgendaItemSpeaker, Event, EventKind, HostEvent, Speaker

bp = Blueprint("manage", __name__, url_prefix="/gestione")


@bp.before_request
@organiser_required
def require_organiser():
    """Every route here is for organisers and admins only, including ones added later."""


# ---- events -------------------------------------------------------------------------------

@bp.route("/")
def index():
    events = db.paginate(db.select(Event).order_by(Event.starts_at.desc(), Event.id.desc()),
                         page=parse_page(request.args.get("pagina")), per_page=50,
                         max_per_page=50, error_out=False)
    return render_template("manage/index.html", events=events)


def event_form(event=None):
    form = EventForm(obj=None)
    form.set_choices(
        db.session.scalars(db.select(HostEvent).order_by(HostEvent.starts_on.desc())).all(),
        db.session.scalars(db.select(Programme).order_by(Programme.name)).all(),
        db.session.scalars(db.select(Organisation).order_by(Organisation.name)).all(),
    )
    if event is not None and request.method == "GET":
        for name in ("title", "description", "starts_at", "ends_at", "venue", "address", "city",
                     "offers_in_person", "offers_remote", "capacity_in_person", "capacity_remote",
                     "remote_url", "registration_opens_at", "registration_closes_at",
                     "invitation_only"):
            getattr(form, name).data = getattr(event, name)
        form.kind.data = event.kind.value
        form.remote_platform.data = event.remote_platform or ""
        form.language.data = event.language or "it"
        form.host_event.data = event.host_event_id
        form.programme.data = event.programme_id
        form.phase.data = event.phase_id
        form.beneficiaries.data = [o.id for o in event.beneficiaries]
    return form


def event_fields(form):
    """Turn a valid form into the service's keyword arguments."""
    host = db.session.get(HostEvent, form.host_event.data) if form.host_event.data else None
    if form.host_title.data:
        host = services.find_or_create_host_event(
            form.host_title.data, form.host_city.data, form.host_starts_on.data, form.host_ends_on.data)
    beneficiaries = db.session.scalars(
        db.select(Organisation).where(Organisation.id.in_(form.beneficiaries.data or []))).all()
    return dict(
        title=form.title.data, kind=EventKind(form.kind.data), description=form.description.data or "",
        starts_at=form.starts_at.data, ends_at=form.ends_at.data, venue=form.venue.data or None,
        address=form.address.data or None, city=form.city.data or None, host_event=host,
        remote_url=form.remote_url.data or None, remote_platform=form.remote_platform.data or None,
        programme=db.session.get(Programme, form.programme.data) if form.programme.data else None,
        phase=db.session.get(Phase, form.phase.data) if form.phase.data else None,
        offers_in_person=form.offers_in_person.data, offers_remote=form.offers_remote.data,
        capacity_in_person=form.capacity_in_person.data, capacity_remote=form.capacity_remote.data,
        registration_opens_at=form.registration_opens_at.data,
        registration_closes_at=form.registration_closes_at.data,
        invitation_only=form.invitation_only.data, beneficiaries=list(beneficiaries),
        language=form.language.data,
    )


def save_event_form(form, event):
    """Validate and save; on refusal roll back so nothing typed is half-written."""
    if not form.validate_on_submit():
        return None
    try:
        fields = event_fields(form)
        if event is None:
            return services.create_event(**fields)
        return services.save_event(event, **fields)
    except DomainError as error:
        attach_error(form, error)
        return None


@bp.route("/eventi/nuovo", methods=["GET", "POST"])
def new_event():
    form = event_form()
    event = save_event_form(form, None)
    if event is not None:
        flash(_("Evento creato come bozza. Ora puoi comporre il programma."), "success")
        return redirect(url_for(".event", event_id=event.id))
    return render_template("manage/event_form.html", form=form, event=None), 422 if form.errors or form.form_errors else 200


@bp.route("/eventi/<int:event_id>/modifica", methods=["GET", "POST"])
def edit_event(event_id):
    event = get_or_404(Event, event_id)
    form = event_form(event)
    if save_event_form(form, event) is not None:
        flash(_("Modifiche salvate."), "success")
        return redirect(url_for(".event", event_id=event.id))
    return render_template("manage/event_form.html", form=form, event=event), 422 if form.errors or form.form_errors else 200


@bp.route("/eventi/<int:event_id>")
def event(event_id):
    event = event_or_404(event_id)
    form = AgendaItemForm()
    return render_event(event, form)


def render_event(event, item_form, status=200):
    multi_day = item_form.set_days(event)
    return render_template("manage/event.html", event=event, item_form=item_form,
                           multi_day=multi_day, kinds=AgendaItemKind), status


@bp.route("/eventi/<int:event_id>/anteprima")
def preview(event_id):
    return render_template("events/event.html", event=event_or_404(event_id), preview=True)


STATUS_CHANGES = {
    "publish": (services.publish_event, _l("Evento pubblicato.")),
    "unpublish": (services.unpublish_event, _l("Evento riportato in bozza: non è più visibile al pubblico.")),
    "cancel": (services.cancel_event, _l("Evento annullato.")),
}


@bp.route("/eventi/<int:event_id>/stato/<action>", methods=["POST"])
def change_status(event_id, action):
    event = get_or_404(Event, event_id)
    apply_change(STATUS_CHANGES, action, event)
    return redirect(url_for(".event", event_id=event.id))


# ---- agenda -------------------------------------------------------------------------------

def item_values(form):
    return dict(title=form.title.data, kind=AgendaItemKind(form.kind.data),
                starts_at=form.moment(form.start_time.data), ends_at=form.moment(form.end_time.data),
                section=form.section.data, description=form.description.data)


@bp.route("/eventi/<int:event_id>/agenda", methods=["POST"])
def add_item(event_id):
    event = get_or_404(Event, event_id)
    form = AgendaItemForm()
    form.set_days(event)
    if form.validate_on_submit():
        try:
            item = services.add_agenda_item(event, **item_values(form))
            flash(_("Punto aggiunto al programma."), "success")
            return redirect(url_for(".event", event_id=event.id, _anchor=f"item-{item.id}"))
        except DomainError as error:
            attach_error(form, error)
    return render_event(event, form, 422)


@bp.route("/agenda/<int:item_id>", methods=["GET", "POST"])
def edit_item(item_id):
    item = get_or_404(AgendaItem, item_id)
    form = AgendaItemForm()
    multi_day = form.set_days(item.event)
    if request.method == "GET":
        form.fill_from(item)
    elif form.validate_on_submit():
        try:
            services.update_agenda_item(item, **item_values(form))
            flash(_("Punto del programma aggiornato."), "success")
            return redirect(url_for(".event", event_id=item.event_id, _anchor=f"item-{item.id}"))
        except DomainError as error:
            attach_error(form, error)
    return render_item(item, form, SpeakerForm(formdata=None), multi_day)


def render_item(item, form, speaker_form, multi_day=None):
    if multi_day is None:
        multi_day = form.set_days(item.event)
    status = 422 if form.errors or form.form_errors or speaker_form.errors or speaker_form.form_errors else 200
    known_speakers = db.session.scalars(db.select(Speaker).order_by(Speaker.name)).all()
    organisations = known_organisations()
    return render_template("manage/item.html", item=item, event=item.event, form=form,
                           speaker_form=speaker_form, multi_day=multi_day,
                           known_speakers=known_speakers, organisations=organisations), status


@bp.route("/agenda/<int:item_id>/elimina", methods=["POST"])
def delete_item(item_id):
    item = get_or_404(AgendaItem, item_id)
    event_id = item.event_id
    services.delete_agenda_item(item)
    flash(_("Punto eliminato dal programma."), "success")
    return redirect(url_for(".event", event_id=event_id, _anchor="agenda"))


def moved(rows, anchor_endpoint, **anchor_args):
    """Answer a move: JSON for the page script, a redirect without JavaScript."""
    if wants_json():
        return jsonify(order=[row.id for row in rows])
    return redirect(url_for(anchor_endpoint, **anchor_args))


def offset_from_form():
    direction = request.form.get("direction")
    if direction not in ("up", "down"):
        abort(400)
    return -1 if direction == "up" else 1


@bp.route("/agenda/<int:item_id>/sposta", methods=["POST"])
def move_item(item_id):
    item = get_or_404(AgendaItem, item_id)
    services.move_agenda_item(item, offset_from_form())
    return moved(item.event.agenda_items, ".event", event_id=item.event_id, _anchor=f"item-{item.id}")


# ---- speakers -----------------------------------------------------------------------------

@bp.route("/agenda/<int:item_id>/relatori", methods=["POST"])
def add_speaker(item_id):
    item = get_or_404(AgendaItem, item_id)
    speaker_form = SpeakerForm()
    if speaker_form.validate_on_submit():
        try:
            services.add_speaker(item, speaker_form.name.data, speaker_form.role.data,
                                 speaker_form.organisation.data, speaker_form.remote.data)
            flash(_("Relatore aggiunto."), "success")
            return redirect(url_for(".edit_item", item_id=item.id, _anchor="speakers"))
        except DomainError as error:
            attach_error(speaker_form, error)
    form = AgendaItemForm(formdata=None)
    form.fill_from(item)
    return render_item(item, form, speaker_form)


@bp.route("/relatori/<int:link_id>/sposta", methods=["POST"])
def move_speaker(link_id):
    link = get_or_404(AgendaItemSpeaker, link_id)
    services.move_speaker(link, offset_from_form())
    return moved(link.agenda_item.speaker_links, ".edit_item", item_id=link.agenda_item_id,
                 _anchor="speakers")


@bp.route("/relatori/<int:link_id>/collegamento", methods=["POST"])
def toggle_speaker_remote(link_id):
    link = get_or_404(AgendaItemSpeaker, link_id)
    services.set_speaker_remote(link, request.form.get("remote") == "1")
    flash(_("Relatore aggiornato."), "success")
    return redirect(url_for(".edit_item", item_id=link.agenda_item_id, _anchor="speakers"))


@bp.route("/relatori/<int:link_id>/elimina", methods=["POST"])
def remove_speaker(link_id):
    link = get_or_404(AgendaItemSpeaker, link_id)
    item_id = link.agenda_item_id
    services.remove_speaker(link)
    flash(_("Relatore tolto da questo punto."), "success")
    return redirect(url_for(".edit_item", item_id=item_id, _anchor="speakers"))
