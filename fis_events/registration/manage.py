"""Organisers: who is coming, register people directly, invite, write to registrants."""
import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from ..accounts.access import organiser_required
from ..audit_record import record
from ..errors import DomainError, attach_error
from ..events.pages import event_or_404
from ..pages import get_or_404
from ..extensions import db
from ..programme.models import Organisation, OrganisationKind
from ..programme.services import known_organisations
from ..unit_of_work import discard_changes
from . import services
from .export import download
from .forms import CancelForm, InvitationForm, MessageForm, OrganiserRegistrationForm
from .models import AttendanceMode, Registration, RegistrationStatus
from .views import edit_person, register_from_form

bp = Blueprint("registration_manage", __name__, url_prefix="/gestione")


@bp.before_request
@organiser_required
def require_organiser():
    """Every route here is for organisers and admins only."""


def forms_for(event, add_form=None, invite_form=None, message_form=None):
    add_form = add_form or OrganiserRegistrationForm(formdata=None)
    add_form.set_choices(services.offered_modes(event))
    invite_form = invite_form or InvitationForm(formdata=None)
    set_organisation_choices(invite_form)
    return dict(add_form=add_form, invite_form=invite_form,
                message_form=message_form or MessageForm(formdata=None))


def set_organisation_choices(form):
    organisations = db.session.scalars(db.select(Organisation).order_by(Organisation.name)).all()
    form.organisation.choices = [SelectChoice("", "—")] + [SelectChoice(str(o.id), o.name) for o in organisations]


def list_filters():
    """The list's filters from the query string; unknown values are ignored."""
    def choice(enum_class, name):
        try:
            return enum_class(request.args.get(name)) if request.args.get(name) else None
        except ValueError:
            return None

    return dict(search=(request.args.get("q") or "").strip()[:100] or None,
                mode=choice(AttendanceMode, "modalita"), status=choice(RegistrationStatus, "stato"),
                organisation_kind=choice(OrganisationKind, "tipo_ente"))


def render(event, status=200, **forms):
    filters = list_filters()
    registrations = services.registrations_of(event, **filters)
    return render_template("registration/manage_list.html", event=event, registrations=registrations,
                           counts=services.counts(event), positions=services.waiting_positions(event),
                           filters=filters, modes=services.offered_modes(event),
                           statuses=list(RegistrationStatus), kinds=list(OrganisationKind),
                           action_form=CancelForm(),
                           organisations=known_organisations(),
                           **forms_for(event, **forms)), status


@bp.route("/eventi/<int:event_id>/iscritti")
def registrations(event_id):
    return render(event_or_404(event_id))


@bp.route("/eventi/<int:event_id>/iscritti/nuovo", methods=["POST"])
def add(event_id):
    event = event_or_404(event_id)
    form = OrganiserRegistrationForm()
    form.set_choices(services.offered_modes(event))
    if form.validate_on_submit():
        try:
            registration, outcome = register_from_form(event, form, source="organiser")
            flash({"confirmed": _("Partecipante iscritto."),
                   "waiting": _("Posti esauriti: il partecipante è in lista d'attesa."),
                   "already_registered": _("Questa persona era già iscritta.")}[outcome], "success")
            if not services.is_new_person(registration.person):
                flash(_("La persona era già nota: i suoi dati restano quelli registrati (correggili "
                        "con «Correggi i dati»)."), "info")
            return redirect(url_for(".registrations", event_id=event.id))
        except DomainError as error:
            attach_error(form, error)
    return render(event, 422, add_form=form)


def split_emails(text):
    return [part for part in re.split(r"[\s,;]+", text or "") if part]


@bp.route("/eventi/<int:event_id>/inviti", methods=["POST"])
def invite(event_id):
    event = event_or_404(event_id)
    form = InvitationForm()
    set_organisation_choices(form)
    if form.validate_on_submit():
        organisation = db.session.get(Organisation, int(form.organisation.data)) if form.organisation.data else None
        emails = split_emails(form.emails.data)
        if organisation is not None:
            emails += services.organisation_emails(organisation)
        if not emails:
            form.emails.errors = [_("Indica almeno un indirizzo o un ente con persone note.")]
        else:
            try:
                created, registered = services.invite(event, emails, organisation,
                                                      invited_by=current_user)
                flash(_("Inviti inviati: %(n)d (chi era già invitato non riceve un secondo invito).",
                        n=len(created)), "success")
                if registered:
                    flash(_("Non invitati perché già iscritti: %(addresses)s.",
                            addresses=", ".join(registered)), "info")
                return redirect(url_for(".registrations", event_id=event.id))
            except DomainError as error:
                form.emails.errors = [f"{error.message}"]
    return render(event, 422, invite_form=form)


@bp.route("/eventi/<int:event_id>/messaggio", methods=["POST"])
def message(event_id):
    from .messages import message_registrants

    event = event_or_404(event_id)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            statuses = (RegistrationStatus.CONFIRMED,) + (
                (RegistrationStatus.WAITING,) if form.include_waiting.data else ())
            count = message_registrants(event, form.subject.data, form.body.data, statuses=statuses,
                                        sender_user=current_user)
            flash(_("Messaggio in invio a %(n)d iscritti.", n=count), "success")
            return redirect(url_for(".registrations", event_id=event.id))
        except DomainError as error:
            attach_error(form, error)
    return render(event, 422, message_form=form)


def back_to_list(registration):
    return redirect(url_for(".registrations", event_id=registration.event_id, **request.args))


def registration_action(change, done_message):
    """A POST on one registration: run the change, say what happened, go back to the list."""
    def view(registration_id):
        registration = get_or_404(Registration, registration_id)
        if CancelForm().validate_on_submit():
            try:
                change(registration)
                flash(done_message() % {"name": registration.person.full_name}, "success")
            except DomainError as error:
                discard_changes()
                flash(error.message, "error")
        return back_to_list(registration)
    return view


def switch(registration):
    other = next(m for m in services.offered_modes(registration.event) if m is not registration.mode)
    services.switch_mode(registration, other)


ACTIONS = {
    "annulla": (services.cancel, lambda: _("Iscrizione di %(name)s annullata.")),
    "reinvia": (services.resend, lambda: _("E-mail inviata di nuovo a %(name)s.")),
    "promuovi": (services.promote, lambda: _("%(name)s è confermato: la modalità ha un posto in più.")),
    "cambia-modalita": (switch, lambda: _("Modalità di %(name)s cambiata.")),
}
for action, (change, message) in ACTIONS.items():
    bp.add_url_rule(f"/iscrizioni/<int:registration_id>/{action}", f"registration_{action.replace('-', '_')}",
                    registration_action(change, message), methods=["POST"])


@bp.route("/iscrizioni/<int:registration_id>/dati", methods=["GET", "POST"])
def person_details(registration_id):
    """Staff correct a registrant's details (audited; the person is told by e-mail)."""
    registration = get_or_404(Registration, registration_id)
    return edit_person(registration, user=current_user,
                       done=url_for(".registrations", event_id=registration.event_id))


@bp.route("/eventi/<int:event_id>/iscritti.<fmt>")
def export(event_id, fmt):
    event = event_or_404(event_id)
    registrations = services.registrations_of(event, **list_filters())
    positions = services.waiting_positions(event)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    record("registrations.exported", event=event, format=fmt, count=len(registrations))
    return download(registrations, positions, fmt, f"iscritti-evento-{event.id}.{fmt}", event.title)
