"""Organiser pages: build events and agendas, preview, publish, unpublish, cancel."""
import hashlib
import json
from functools import partial

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..accounts.access import organiser_required, wants_json
from ..db_types import parse_id, parse_page
from ..errors import DomainError, attach_error
from ..extensions import db
from ..i18n import to_rome
from ..pages import apply_change, get_or_404
from ..programme.models import Organisation, Phase, Programme
from ..programme.services import known_organisations
from . import agenda_import, agenda_sheet, copying, series, services
from .agenda_draft import NOTES, LineNote
from .pages import event_or_404
from ..unit_of_work import discard_changes
from .forms import (AgendaConfirmForm, AgendaItemForm, AgendaPasteForm, CopyEventForm, EventForm,
                    NoticeForm, SeriesForm, SpeakerForm, TemplateEventForm, TemplateNameForm)
from .recurrence import Frequency, Rule
from .models import (AgendaItem, AgendaItemKind, AgendaItemSpeaker, Event, EventKind, EventSeries,
                     EventTemplate, HostEvent, Speaker)

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


def event_form(event=None, form_class=EventForm):
    """The event form, pre-filled from `event` on a GET (to edit it, or to copy it)."""
    form = form_class(obj=None)
    form.set_choices(
        db.session.scalars(db.select(HostEvent).order_by(HostEvent.starts_on.desc())).all(),
        db.session.scalars(db.select(Programme).order_by(Programme.name)).all(),
        db.session.scalars(db.select(Organisation).order_by(Organisation.name)).all()
        if "beneficiaries" in form else (),
    )
    if event is not None and request.method == "GET":
        for name in ("title", "description", "starts_at", "ends_at", "venue", "address", "city",
                     "offers_in_person", "offers_remote", "capacity_in_person", "capacity_remote",
                     "remote_url", "registration_opens_at", "registration_closes_at",
                     "invitation_only", *services.PAGE_FIELDS):
            if name in form:
                getattr(form, name).data = getattr(event, name)
        form.kind.data = event.kind.value
        form.remote_platform.data = event.remote_platform or ""
        form.language.data = event.language or "it"
        form.host_event.data = event.host_event_id
        form.programme.data = event.programme_id
        form.phase.data = event.phase_id
        if "beneficiaries" in form:
            form.beneficiaries.data = [o.id for o in event.beneficiaries]
    return form


def event_fields(form):
    """Turn a valid form into the service's keyword arguments (a copy's form has no
    registration window nor beneficiaries: they come from the original)."""
    host = db.session.get(HostEvent, form.host_event.data) if form.host_event.data else None
    if form.host_title.data:
        host = services.find_or_create_host_event(
            form.host_title.data, form.host_city.data, form.host_starts_on.data, form.host_ends_on.data)
    fields = dict(
        title=form.title.data, kind=EventKind(form.kind.data), description=form.description.data or "",
        starts_at=form.starts_at.data, ends_at=form.ends_at.data, venue=form.venue.data or None,
        address=form.address.data or None, city=form.city.data or None, host_event=host,
        remote_url=form.remote_url.data or None, remote_platform=form.remote_platform.data or None,
        programme=db.session.get(Programme, form.programme.data) if form.programme.data else None,
        phase=db.session.get(Phase, form.phase.data) if form.phase.data else None,
        offers_in_person=form.offers_in_person.data, offers_remote=form.offers_remote.data,
        capacity_in_person=form.capacity_in_person.data, capacity_remote=form.capacity_remote.data,
        invitation_only=form.invitation_only.data, language=form.language.data,
        **{name: form[name].data or None for name in services.PAGE_FIELDS},
    )
    for name in copying.WINDOW:
        if name in form:
            fields[name] = form[name].data
    if "beneficiaries" in form:
        fields["beneficiaries"] = db.session.scalars(
            db.select(Organisation).where(Organisation.id.in_(form.beneficiaries.data or []))).all()
    return fields


def save_event_form(form, event, create=None):
    """Validate and save: (the event, None); or (None, who would be told) when a change
    participants see must first be confirmed; (None, None) on refusal, nothing half-written.
    `create` makes a new event another way than from scratch (a copy, from a template)."""
    if not form.validate_on_submit():
        return None, None
    try:
        fields = event_fields(form)
        if event is None:
            return (create or services.create_event)(**fields), None
        audience = notice_to_confirm(form, event, fields)
        saved = services.save_event(event, note=form.notice_note.data,
                                    move_agenda=form.move_agenda.data,
                                    below_confirmed=form.below_confirmed.data, **fields)
        if audience:
            # every rule passed; shown first, the change (and a host event typed in the form)
            # is written once the organiser confirms it
            discard_changes()
            return None, audience
        return saved, None
    except DomainError as error:
        attach_error(form, error)
        return None, None


def notice_to_confirm(form, event, fields):
    """Who the change would tell, unless nobody or the organiser already confirmed this very
    notice (the form carries a fingerprint of the change and of its audience)."""
    changes = services.participant_changes(event, services.event_values(event, fields))
    audience = services.notice_audience(event, changes) if changes else {}
    if not any(audience.values()):
        return None
    fingerprint = hashlib.sha256(json.dumps([changes, audience], sort_keys=True).encode()).hexdigest()
    if form.confirm_notice.data == fingerprint:
        return None
    form.confirm_notice.data = fingerprint
    return audience


@bp.route("/eventi/nuovo", methods=["GET", "POST"])
def new_event():
    form = event_form()
    event, _audience = save_event_form(form, None)
    if event is not None:
        flash(_("Evento creato come bozza. Ora puoi comporre il programma."), "success")
        return redirect(url_for(".event", event_id=event.id))
    return render_template("manage/event_form.html", form=form, event=None), 422 if form.errors or form.form_errors else 200


@bp.route("/eventi/<int:event_id>/modifica", methods=["GET", "POST"])
def edit_event(event_id):
    event = get_or_404(Event, event_id)
    form = event_form(event)
    before = {name: getattr(event, name) for name in services.EVENT_FIELDS}
    later = series.later_meetings(event)
    saved, audience = save_event_form(form, event)
    if saved is not None:
        if later and form.apply_to.data == "following":
            count = series.apply_to_later_meetings(saved, before, note=form.notice_note.data)
            flash(ngettext("Modifiche salvate, anche in %(num)d incontro successivo.",
                           "Modifiche salvate, anche in %(num)d incontri successivi.", count), "success")
        else:
            flash(_("Modifiche salvate."), "success")
        return redirect(url_for(".event", event_id=event.id))
    return render_template("manage/event_form.html", form=form, event=event, audience=audience,
                           later=later), 422 if form.errors or form.form_errors else 200


@bp.route("/eventi/<int:event_id>/programma/successivi", methods=["POST"])
def copy_agenda_to_later_meetings(event_id):
    count = series.copy_agenda_to_later_meetings(event_or_404(event_id))
    flash(ngettext("Programma copiato in %(num)d incontro successivo.",
                   "Programma copiato in %(num)d incontri successivi.", count), "success")
    return redirect(url_for(".event", event_id=event_id))


@bp.route("/eventi/<int:event_id>/copia", methods=["GET", "POST"])
def copy_event(event_id):
    source = event_or_404(event_id)
    form = event_form(source, CopyEventForm)
    copy, _audience = save_event_form(form, None, partial(
        copying.copy_event, source, with_beneficiaries=form.copy_beneficiaries.data))
    if copy is not None:
        flash(_("Copia creata come bozza, con il suo programma: controllala prima di pubblicarla."),
              "success")
        return redirect(url_for(".event", event_id=copy.id))
    return render_template("manage/event_form.html", form=form, event=None, copy_of=source), \
        422 if form.errors or form.form_errors else 200


def series_rule(form):
    """The recurrence the series form describes."""
    frequency = Frequency(form.frequency.data)
    monthly = frequency is Frequency.MONTHLY
    return Rule(frequency, (form.weekday.data,) if monthly else tuple(form.weekdays.data or ()),
                form.interval.data or 1, form.week_of_month.data if monthly else None,
                until=form.until.data if form.ends.data == "until" else None,
                count=form.count.data if form.ends.data == "count" else None,
                skip_holidays=form.skip_holidays.data)


def series_form(origin):
    """The series form; on a GET, a monthly rule on the event's own weekday and week."""
    form = SeriesForm()
    if request.method == "GET":
        start = to_rome(origin.starts_at)
        form.title.data, form.title_pattern.data = origin.title, f"{origin.title} n. {{n}}"
        form.weekday.data, form.weekdays.data = start.weekday(), [start.weekday()]
        form.week_of_month.data = min((start.day - 1) // 7 + 1, 4)
        form.count.data = 6
    return form


@bp.route("/eventi/<int:event_id>/serie", methods=["GET", "POST"])
def new_series(event_id):
    origin = event_or_404(event_id)
    form, plan = series_form(origin), None
    if form.validate_on_submit():
        arguments = (origin, series_rule(form), form.title_pattern.data)
        language = str(get_locale())
        try:
            if "create" in request.form:
                created = series.create_series(*arguments, title=form.title.data, language=language)
                flash(ngettext("Serie creata: %(num)d incontro in più.",
                               "Serie creata: %(num)d incontri in più.", len(created.events) - 1),
                      "success")
                return redirect(url_for(".series_page", series_id=created.id))
            plan = series.plan_series(*arguments, language=language)
        except DomainError as error:
            attach_error(form, error)
    return render_template("manage/series_form.html", form=form, origin=origin, plan=plan), \
        422 if form.errors or form.form_errors else 200


@bp.route("/serie/<int:series_id>")
def series_page(series_id):
    found = get_or_404(EventSeries, series_id)
    return render_template("manage/series.html", series=found,
                           rule=series.describe_rule(series.rule_of(found)))


# ---- agenda from pasted text or a spreadsheet ------------------------------------------------

#: the most items and speakers per item a preview sends back
MAX_POSTED_ITEMS, MAX_POSTED_SPEAKERS = 300, 40


@bp.route("/eventi/<int:event_id>/programma/incolla", methods=["GET", "POST"])
def paste_agenda(event_id):
    event = event_or_404(event_id)
    form = AgendaPasteForm()
    if form.validate_on_submit():
        data = form.upload.data.read() if form.upload.data else (form.text.data or "")
        if not data.strip():
            form.text.errors = [_("Incolla il programma o scegli un file.")]
        else:
            try:
                draft = agenda_import.read_agenda(event, data)
            except DomainError as error:
                form.text.errors = [error.message]
            else:
                return render_agenda_preview(event, draft, agenda_import.agenda_digest(event),
                                             draft.unplaced)
    return render_template("manage/agenda_paste.html", event=event, form=form), \
        422 if form.errors else 200


@bp.route("/eventi/<int:event_id>/programma/anteprima", methods=["POST"])
def confirm_agenda(event_id):
    """The preview sent back, perhaps edited: shown again ("Aggiorna l'anteprima") or written
    ("Conferma"); nothing is written before, and a second confirmation is refused."""
    event = event_or_404(event_id)
    form = AgendaConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    unplaced = posted_notes(form.unplaced.data)
    try:
        draft = agenda_import.read_agenda(event, posted_agenda(request.form))
    except DomainError as error:
        flash(error.message, "danger")
        return redirect(url_for(".paste_agenda", event_id=event.id))
    if "confirm" in request.form:
        try:
            result = agenda_import.apply_agenda(event, draft, replace=form.mode.data == "replace",
                                                user=current_user._get_current_object(),
                                                expected_digest=form.digest.data)
        except DomainError as error:
            attach_error(form, error)
        else:
            flash(ngettext("Programma importato: %(num)d punto, %(speakers)d relatori.",
                           "Programma importato: %(num)d punti, %(speakers)d relatori.",
                           result.items, speakers=result.speakers), "success")
            return redirect(url_for(".event", event_id=event.id))
    return render_agenda_preview(event, draft, form.digest.data, unplaced, form)


@bp.route("/programma/modello.<any(xlsx, csv):fmt>")
def agenda_model(fmt):
    """The spreadsheet to fill in: the columns the import reads, the Genova session as example."""
    types = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "csv": "text/csv; charset=utf-8"}
    return agenda_sheet.model_file(fmt), 200, {
        "Content-Type": types[fmt],
        "Content-Disposition": f'attachment; filename="modello-programma.{fmt}"'}


def render_agenda_preview(event, draft, digest, unplaced, form=None):
    form = form or AgendaConfirmForm(formdata=None, digest=digest)
    form.digest.data = digest
    form.unplaced.data = json.dumps([[n.line, n.code, n.text] for n in unplaced], ensure_ascii=False)
    return render_template("manage/agenda_preview.html", event=event, draft=draft, form=form,
                           unplaced=unplaced, kinds=AgendaItemKind), \
        422 if form.form_errors or form.errors else 200


def posted_agenda(values):
    """The preview's fields as `as_json` gives an agenda: an item whose title was emptied or
    whose "togli" is ticked is left out, and so is a speaker whose name was emptied; each item's
    last, empty speaker row adds one when filled."""
    def number(name, most):
        found = parse_id(values.get(name))
        return min(found or 0, most)

    agenda = []
    for i in range(number("items", MAX_POSTED_ITEMS)):
        field = f"items-{i}-{{}}".format
        if not values.get(field("title"), "").strip() or values.get(field("drop")):
            continue
        speakers = []
        for j in range(number(field("speakers"), MAX_POSTED_SPEAKERS) + 1):
            place = f"items-{i}-s-{j}-{{}}".format
            if values.get(place("name"), "").strip():
                speakers.append({"name": values[place("name")],
                                 "role": values.get(place("role")) or None,
                                 "organisation": values.get(place("organisation")) or None,
                                 "remote": bool(values.get(place("remote")))})
        agenda.append({name: values.get(field(name)) or None
                       for name in ("title", "kind", "start", "end", "section", "description")}
                      | {"speakers": speakers})
    return agenda


def posted_notes(data):
    """The first preview's unplaced lines, carried along so that every edit still shows them."""
    try:
        return [LineNote(int(line), str(code), str(text)) for line, code, text in json.loads(data or "[]")
                if code in NOTES]
    except (ValueError, TypeError):
        return []


# ---- templates ----------------------------------------------------------------------------

@bp.route("/eventi/<int:event_id>/modello", methods=["POST"])
def save_as_template(event_id):
    template = copying.save_as_template(event_or_404(event_id))
    flash(_("Modello «%(name)s» salvato: lo trovi tra i modelli, senza date né iscritti.",
            name=template.name), "success")
    return redirect(url_for(".templates"))


@bp.route("/modelli")
def templates(rename_form=None, renamed=None):
    found = db.session.scalars(db.select(EventTemplate).order_by(EventTemplate.name)).all()
    return render_template("manage/templates.html", templates=found,
                           rename_form=rename_form or TemplateNameForm(formdata=None),
                           renamed=renamed), 422 if renamed else 200


@bp.route("/modelli/<int:template_id>/rinomina", methods=["POST"])
def rename_template(template_id):
    template = get_or_404(EventTemplate, template_id)
    form = TemplateNameForm()
    if form.validate_on_submit():
        try:
            copying.rename_template(template, form.name.data)
            flash(_("Modello rinominato."), "success")
            return redirect(url_for(".templates"))
        except DomainError as error:
            attach_error(form, error)
    return templates(rename_form=form, renamed=template.id)


@bp.route("/modelli/<int:template_id>/elimina", methods=["POST"])
def delete_template(template_id):
    template = get_or_404(EventTemplate, template_id)
    name = template.name
    copying.delete_template(template)
    flash(_("Modello «%(name)s» eliminato. Gli eventi creati da esso restano.", name=name), "success")
    return redirect(url_for(".templates"))


@bp.route("/modelli/<int:template_id>/nuovo", methods=["GET", "POST"])
def event_from_template(template_id):
    template = get_or_404(EventTemplate, template_id)
    form = event_form(copying.template_event(template), TemplateEventForm)
    event, _audience = save_event_form(form, None, partial(copying.event_from_template, template))
    if event is not None:
        flash(_("Evento creato come bozza dal modello, con il suo programma."), "success")
        return redirect(url_for(".event", event_id=event.id))
    return render_template("manage/event_form.html", form=form, event=None, template=template), \
        422 if form.errors or form.form_errors else 200


@bp.route("/eventi/<int:event_id>")
def event(event_id):
    event = event_or_404(event_id)
    form = AgendaItemForm()
    return render_event(event, form)


def render_event(event, item_form, status=200):
    multi_day = item_form.set_days(event)
    return render_template("manage/event.html", event=event, item_form=item_form,
                           multi_day=multi_day, kinds=AgendaItemKind, **speaker_choices()), status


@bp.route("/eventi/<int:event_id>/anteprima")
def preview(event_id):
    return render_template("events/event.html", event=event_or_404(event_id), preview=True)


STATUS_CHANGES = {
    "publish": (services.publish_event, _l("Evento pubblicato.")),
    "unpublish": (services.unpublish_event, _l("Evento riportato in bozza: non è più visibile al pubblico.")),
}


@bp.route("/eventi/<int:event_id>/stato/<action>", methods=["POST"])
def change_status(event_id, action):
    event = get_or_404(Event, event_id)
    apply_change(STATUS_CHANGES, action, event)
    return redirect(url_for(".event", event_id=event.id))


CANCEL = {"cancel": (services.cancel_event, _l("Evento annullato: le persone iscritte e invitate "
                                                "riceveranno un'e-mail."))}


@bp.route("/eventi/<int:event_id>/annulla", methods=["GET", "POST"])
def cancel_event(event_id):
    """Cancel, after seeing who will be told (confirmed, waiting, invited) and adding a note."""
    event = get_or_404(Event, event_id)
    form = NoticeForm()
    if form.validate_on_submit():
        apply_change(CANCEL, "cancel", event, form.notice_note.data)
        return redirect(url_for(".event", event_id=event.id))
    audience = services.notice_audience(event, services.CANCELLED)
    return render_template("manage/cancel.html", event=event, form=form, audience=audience), \
        422 if form.errors else 200


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
    return render_template("manage/item.html", item=item, event=item.event, form=form,
                           speaker_form=speaker_form, multi_day=multi_day, **speaker_choices()), status


def speaker_choices():
    """What the speaker fields offer as one types: known speakers and organisations."""
    return {"known_speakers": db.session.scalars(db.select(Speaker).order_by(Speaker.name).options(
                selectinload(Speaker.organisation))).all(),
            "organisations": known_organisations()}


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
    """↑/↓ (`direction`), or dragged to `position` (0 first) by the page script."""
    item = get_or_404(AgendaItem, item_id)
    if "position" in request.form:
        position = parse_id(request.form["position"]) if request.form["position"] != "0" else 0
        if position is None:
            abort(400)
        services.move_agenda_item(item, position=position)
    else:
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
            return redirect(speakers_page(item))
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
    item = link.agenda_item
    services.remove_speaker(link)
    flash(_("Relatore tolto da questo punto."), "success")
    return redirect(speakers_page(item))


def speakers_page(item):
    """Where a change to an item's speakers returns: the agenda, when made there, or the item's
    own page."""
    if request.form.get("from") == "agenda":
        return url_for(".event", event_id=item.event_id, _anchor=f"item-{item.id}")
    return url_for(".edit_item", item_id=item.id, _anchor="speakers")
