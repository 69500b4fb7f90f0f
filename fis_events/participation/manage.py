"""Organiser pages for attendance: the register (tick who came, add who came without
registering, mark the meeting held) and the import of the attendance report of Teams or Zoom.

The report import goes upload → preview (no attendance written) → confirm. Between the two
steps the uploaded file waits in the database (see staging), under a random name bound to the
event and the organiser, for at most an hour; the form carries only that name. Confirming or
discarding deletes it.
"""
from datetime import timedelta

from babel.dates import format_datetime
from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from ..accounts.access import organiser_required
from ..accounts.models import Role
from ..errors import DomainError, attach_error
from ..pages import apply_change, get_or_404
from ..events.models import Event
from ..extensions import db
from ..i18n import ROME
from ..programme.services import known_organisations
from ..registration.models import AttendanceMode
from ..registration.services import offered_modes
from ..registration.views import organisation_from_form
from ..unit_of_work import discard_changes
from . import report as reports
from . import services, staging
from .forms import (AttendanceRegisterForm, ReportConfirmForm, ReportDiscardForm, ReportUploadForm,
                    UnregisteredAttendeeForm)

bp = Blueprint("participation_manage", __name__, url_prefix="/gestione")

#: the request may exceed the file by its multipart envelope and CSRF token, not more
REQUEST_LIMIT = reports.MAX_BYTES + 64 * 1024
#: rows shown per table in the preview (the counts are always complete)
PREVIEW_ROWS = 500
MAX_AGE_MINUTES = staging.MAX_AGE // timedelta(minutes=1)


@bp.url_value_preprocessor
def bound_request_size(endpoint, values):
    """Runs before every before_request function, CSRF's included (it reads the body): an
    upload larger than the limit is refused before it is read."""
    configured = current_app.config.get("MAX_CONTENT_LENGTH")
    request.max_content_length = min(configured, REQUEST_LIMIT) if configured else REQUEST_LIMIT


@bp.before_request
@organiser_required
def require_organiser():
    """Every route here is for organisers and admins only, including ones added later."""


def is_organiser():
    return current_user.is_authenticated and current_user.has_role(Role.ADMIN, Role.ORGANISER)


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(error):
    """The oversized upload gets the form again with the reason, as any other bad file."""
    event_id = (request.view_args or {}).get("event_id")
    event = db.session.get(Event, event_id) if event_id is not None else None
    if event is None or not is_organiser() or request.endpoint != "participation_manage.upload_report":
        return error
    form = ReportUploadForm(formdata=None)
    form.report.errors = [reports.TOO_LARGE]
    return render_upload(event, form)


# ---- formatting for the preview -------------------------------------------------------------

def report_time(value):
    """'24/10/2023 15.01' in Rome time: short, and the date shows a report of another day."""
    return format_datetime(value, "dd/MM/yyyy HH.mm", tzinfo=ROME) if value else ""


def report_minutes(value):
    return _("%(minutes)s min", minutes=int(value.total_seconds() // 60)) if value is not None else ""


# ---- pages ----------------------------------------------------------------------------------

def render_upload(event, form):
    status = 422 if form.errors or form.form_errors else 200
    return render_template("participation/report_upload.html", event=event, form=form,
                           max_mb=reports.MAX_BYTES // (1024 * 1024), max_rows=reports.MAX_ROWS,
                           max_age_minutes=MAX_AGE_MINUTES), status


@bp.route("/eventi/<int:event_id>/report-presenze", methods=["GET", "POST"])
def upload_report(event_id):
    event = get_or_404(Event, event_id)
    form = ReportUploadForm()
    if form.validate_on_submit():
        data = form.report.data.stream.read(reports.MAX_BYTES + 1)
        try:
            plan = reports.preview(event, reports.parse_report(data))
        except DomainError as error:
            attach_error(form, error)
        else:
            name = (staging.stage(event, current_user, form.report.data.filename, data)
                    if plan.matched or plan.known else None)
            return render_template(
                "participation/report_preview.html", event=event, plan=plan,
                confirm_form=ReportConfirmForm(formdata=None, upload=name), upload_name=name,
                shown=PREVIEW_ROWS, report_time=report_time, report_minutes=report_minutes,
                max_age_minutes=MAX_AGE_MINUTES)
    return render_upload(event, form)


@bp.route("/eventi/<int:event_id>/report-presenze/conferma", methods=["POST"])
def confirm_report(event_id):
    event = get_or_404(Event, event_id)
    form = ReportConfirmForm()
    form.validate()
    user = current_user._get_current_object()
    try:
        data = staging.take(event, user, form.upload.data)
        result = reports.apply(event, reports.parse_report(data), user,
                               include_known=form.include_known.data)
    except DomainError as error:
        upload_form = ReportUploadForm(formdata=None)
        attach_error(upload_form, error)
        return render_upload(event, upload_form)
    message = _("Report importato: %(created)s nuove presenze registrate, %(already)s già registrate, "
                "%(unmatched)s indirizzi non iscritti all'evento, %(malformed)s righe non valide.",
                created=result.created, already=result.already, unmatched=result.unmatched,
                malformed=result.malformed)
    if result.known_created:
        message += " " + _("Registrate anche %(n)s persone note non iscritte.", n=result.known_created)
    elif result.known_skipped:
        message += " " + _("%(n)s persone note ma non iscritte non sono state registrate.",
                           n=result.known_skipped)
    flash(message, "success")
    return redirect(url_for("manage.event", event_id=event.id))


@bp.route("/eventi/<int:event_id>/report-presenze/annulla", methods=["POST"])
def discard_report(event_id):
    event = get_or_404(Event, event_id)
    form = ReportDiscardForm()
    if form.validate():
        staging.discard(event, current_user, form.upload.data)
    flash(_("Importazione annullata: il file caricato è stato eliminato, nessuna presenza registrata."),
          "info")
    return redirect(url_for(".upload_report", event_id=event.id))


# ---- the attendance register ----------------------------------------------------------------

def render_register(event, add_form=None):
    add_form = add_form or UnregisteredAttendeeForm(formdata=None)
    add_form.set_modes(offered_modes(event))
    status = 422 if add_form.errors or add_form.form_errors else 200
    try:
        services.check_register_open(event)
    except DomainError as error:
        return render_template("participation/register.html", event=event, closed=error.message), status
    registered, unregistered = services.attendance_register(event)
    return render_template(
        "participation/register.html", event=event, closed=None, registered=registered,
        unregistered=unregistered, modes=offered_modes(event), add_form=add_form,
        register_form=AttendanceRegisterForm(formdata=None),
        organisations=known_organisations(),
    ), status


@bp.route("/eventi/<int:event_id>/presenze")
def attendance(event_id):
    return render_register(get_or_404(Event, event_id))


@bp.route("/eventi/<int:event_id>/presenze", methods=["POST"])
def save_attendance(event_id):
    event = get_or_404(Event, event_id)
    form = AttendanceRegisterForm()
    if not form.validate():
        flash(_("Il modulo delle presenze non è valido: ricarica la pagina e riprova."), "error")
        return redirect(url_for(".attendance", event_id=event.id))
    try:
        changes = services.save_register(event, set(form.present.data), set(form.shown_present.data),
                                         form.modes(request.form), current_user._get_current_object())
    except DomainError as error:
        discard_changes()
        flash(error.message, "error")
    else:
        flash_register_changes(changes)
    return redirect(url_for(".attendance", event_id=event.id))


def flash_register_changes(changes):
    if not (changes.marked or changes.unmarked or changes.kept):
        flash(_("Nessuna modifica alle presenze."), "info")
        return
    flash(_("Presenze salvate. Aggiunte: %(marked)s; tolte: %(unmarked)s.",
            marked=len(changes.marked), unmarked=len(changes.unmarked)), "success")
    for person, sources in changes.kept:
        flash(_("%(name)s resta presente: la presenza risulta anche da %(sources)s.",
                name=person.full_name, sources=", ".join(source.label for source in sources)),
              "warning")


@bp.route("/eventi/<int:event_id>/presenze/aggiungi", methods=["POST"])
def add_attendee(event_id):
    event = get_or_404(Event, event_id)
    form = UnregisteredAttendeeForm()
    form.set_modes(offered_modes(event))
    if form.validate_on_submit():
        try:
            attendance, created = services.add_unregistered(
                event, first_name=form.first_name.data, last_name=form.last_name.data,
                email=form.email.data, organisation=organisation_from_form(form, by_organiser=True),
                role=form.role.data, mode=AttendanceMode(form.mode.data),
                user=current_user._get_current_object())
        except DomainError as error:
            attach_error(form, error)
        else:
            flash(_("%(name)s è ora tra i presenti.", name=attendance.person.full_name) if created
                  else _("%(name)s era già tra i presenti.", name=attendance.person.full_name),
                  "success" if created else "info")
            return redirect(url_for(".attendance", event_id=event.id, _anchor="register"))
    return render_register(event, form)


HELD_CHANGES = {
    "segna": (services.mark_held, _l("Incontro segnato come svolto.")),
    "annulla": (services.unmark_held, _l("L'incontro non è più segnato come svolto.")),
}


@bp.route("/eventi/<int:event_id>/svolto/<action>", methods=["POST"])
def held(event_id, action):
    event = get_or_404(Event, event_id)
    apply_change(HELD_CHANGES, action, event, current_user._get_current_object())
    return redirect(url_for(".attendance", event_id=event.id))
