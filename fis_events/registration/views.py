"""Participants: register, see and change their registration, join remotely. No accounts."""
from flask import (Blueprint, abort, current_app, flash, get_template_attribute, redirect,
                   render_template, request, url_for)
from flask_babel import gettext as _

from ..errors import DomainError, attach_error
from ..events.public import get_public_event
from ..programme.services import find_or_create_organisation, known_organisations, match_organisation
from ..extensions import db, limiter
from ..programme.models import OrganisationKind
from ..unit_of_work import commit_now, discard_changes
from . import services
from .emails import ics_bytes
from .forms import ConfirmCancelForm, PersonForm, RegistrationForm, SwitchModeForm
from .models import AttendanceMode, RegistrationStatus
from .qr import qr_png, qr_svg

bp = Blueprint("registration", __name__)


def form_limit():
    """Limits come from the configuration (RATELIMIT_FORM, RATELIMIT_LINK)."""
    return current_app.config["RATELIMIT_FORM"]


def link_limit():
    return current_app.config["RATELIMIT_LINK"]


def organisation_from_form(form, by_organiser=False):
    """The known organisation the typed name means (match_organisation: "COMUNE DI BERGAMO" is
    Comune di Bergamo), or a new one: of the kind chosen when an organiser typed it (they are
    the ones who classify), otherwise "da classificare", keeping the kind the person chose;
    None when left empty (correcting one's details)."""
    name = form.organisation.data
    if not name:
        return None
    existing = match_organisation(name)
    if existing is not None:
        return existing
    if not form.organisation_kind.data:
        raise DomainError(_("Il tuo ente non è nell'elenco: indica di che tipo è."),
                          field="organisation_kind")
    kind = OrganisationKind(form.organisation_kind.data)
    return find_or_create_organisation(name, kind if by_organiser else None, declared_kind=kind)


def register_from_form(event, form, **options):
    """The registration service called with what the participant (or an organiser) typed."""
    return services.register(
        event, email=form.email.data, first_name=form.first_name.data,
        last_name=form.last_name.data, mode=AttendanceMode(form.mode.data),
        organisation=lambda: organisation_from_form(form, options.get("source") == "organiser"),
        role=form.role.data or None,
        municipality=form.municipality.data or None,
        accessibility_needs=form.accessibility_needs.data,
        photo_consent=form.photo_consent.data, newsletter_consent=form.newsletter_consent.data,
        **options)


@bp.route("/eventi/<int:event_id>/iscrizione", methods=["GET", "POST"])
@limiter.limit(form_limit, methods=["POST"])
def register(event_id):
    event = get_public_event(event_id, with_agenda=False)  # the form shows none
    modes = services.offered_modes(event)
    form = RegistrationForm()
    form.set_choices(modes)
    invitation_token = request.values.get("invito") or form.invito.data
    if request.method == "GET" and invitation_token:
        form.invito.data = invitation_token
        invitation = services.invitation_by_token(event, invitation_token)
        if invitation is not None:
            form.email.data = invitation.email
    state = services.registration_state(event)
    if state == "open" and form.validate_on_submit():
        try:
            registration, outcome = register_from_form(event, form, invitation_token=invitation_token)
        except DomainError as error:
            attach_error(form, error)
        else:
            known, token = not services.is_new_person(registration.person), registration.manage_token
            commit_now()  # the seat is decided: nothing below runs under the event's lock
            if outcome == "already_registered":
                return render_template("registration/already.html", event=event,
                                       email=form.email.data)
            if known:  # whoever typed a known address gets neither the person's link nor their details
                return render_template("registration/sent.html", event=event, outcome=outcome,
                                       email=form.email.data)
            flash(_("Iscrizione confermata: ti abbiamo inviato un'e-mail con il codice QR e "
                    "l'evento per il calendario.") if outcome == "confirmed" else
                  _("I posti sono esauriti: sei in lista d'attesa. Ti scriveremo se si libera un posto."),
                  "success" if outcome == "confirmed" else "warning")
            return redirect(url_for(".manage", token=token))
    status = 422 if request.method == "POST" else 200
    organisations = known_organisations()
    return render_template("registration/register.html", event=event, form=form, state=state,
                           counts=services.counts(event), organisations=organisations,
                           invitation_ok=not event.invitation_only or bool(
                               services.invitation_by_token(event, invitation_token))), status


def registration_or_404(token):
    registration = services.by_manage_token(token)
    if registration is None:
        abort(404, description="invalid_link")
    return registration


@bp.route("/iscrizione/<token>")
@limiter.limit(link_limit)
def manage(token):
    registration = registration_or_404(token)
    other_modes = [m for m in services.offered_modes(registration.event) if m is not registration.mode]
    return render_template(
        "registration/manage.html", registration=registration, event=registration.event,
        person=registration.person, position=services.waiting_position(registration),
        other_modes=other_modes, switch_form=SwitchModeForm(),
        free={m: services.has_free_seat(registration.event, m) for m in other_modes},
    )


@bp.route("/iscrizione/<token>/annulla", methods=["GET", "POST"])
@limiter.limit(link_limit)
def cancel(token):
    """Two steps, so a single tap never cancels: the page asks, its button confirms."""
    registration = registration_or_404(token)
    form = ConfirmCancelForm()
    if registration.status is RegistrationStatus.CANCELLED:
        return redirect(url_for(".manage", token=token))
    if form.validate_on_submit():
        services.cancel(registration)
        flash(_("La tua iscrizione è annullata. Grazie per avercelo fatto sapere."), "success")
        return redirect(url_for(".manage", token=token))
    return render_template("registration/cancel.html", registration=registration,
                           event=registration.event, form=form)


@bp.route("/iscrizione/<token>/dati", methods=["GET", "POST"])
@limiter.limit(link_limit)
def details(token):
    """The person corrects their own details: the link proves it is them."""
    registration = registration_or_404(token)
    return edit_person(registration, user=None, done=url_for(".manage", token=token))


def edit_person(registration, user, done):
    """The person's details form, pre-filled; saved, the change is shown and e-mailed to them.
    `user` is the staff member correcting them (audited), None for the person themselves."""
    person = registration.person
    form = PersonForm()
    form.set_kind_choices()
    if request.method == "GET":
        form.fill_from(person)
    elif form.validate_on_submit():
        try:
            changes = services.update_person(
                person, registration, user=user, first_name=form.first_name.data,
                last_name=form.last_name.data, role=form.role.data, municipality=form.municipality.data,
                organisation=lambda: organisation_from_form(form))
        except DomainError as error:
            attach_error(form, error)
        else:
            flash(changes_message(changes, person), "success" if changes else "info")
            return redirect(done)
    return render_template("registration/person_form.html", form=form, person=person,
                           registration=registration, event=registration.event, back=done,
                           organisations=known_organisations(), staff=user is not None), \
        422 if request.method == "POST" else 200


def changes_message(changes, person):
    if not changes:
        return _("Nessun dato è cambiato.")
    lines = get_template_attribute("registration/_changes.html", "change_lines")(changes).strip()
    text = _("Dati aggiornati (%(changes)s).", changes="; ".join(lines.splitlines()))
    if person.email:
        text += " " + _("Abbiamo inviato una conferma a %(email)s.", email=person.email)
    return text


@bp.route("/iscrizione/<token>/modalita", methods=["POST"])
@limiter.limit(link_limit)
def switch_mode(token):
    registration = registration_or_404(token)
    form = SwitchModeForm()
    if form.validate_on_submit():
        try:
            services.switch_mode(registration, AttendanceMode(form.mode.data))
            flash(_("Modalità di partecipazione aggiornata."), "success")
        except (DomainError, ValueError) as error:
            discard_changes()
            flash(getattr(error, "message", _("Modalità non valida.")), "error")
    return redirect(url_for(".manage", token=token))


@bp.route("/iscrizione/<token>/calendario.ics")
@limiter.limit(link_limit)
def ics(token):
    registration = registration_or_404(token)
    return ics_bytes(registration), 200, {
        "Content-Type": "text/calendar; charset=utf-8",
        "Content-Disposition": f'attachment; filename="evento-fis-{registration.event_id}.ics"'}


@bp.route("/iscrizione/<token>/qr.<fmt>")
@limiter.limit(link_limit)
def qr(token, fmt):
    registration = registration_or_404(token)
    if fmt == "png":
        return qr_png(registration), 200, {"Content-Type": "image/png", "Cache-Control": "private, no-store"}
    if fmt == "svg":
        return qr_svg(registration), 200, {"Content-Type": "image/svg+xml", "Cache-Control": "private, no-store"}
    abort(404)
