"""Organisers print name badges as PDF: a whole event's, or one person's.

- ``GET /gestione/eventi/<event_id>/badge.pdf``: the badges of every confirmed in-person
  registration by surname and name (ignoring case, accents and apostrophes); remote
  participants never come to the door, so they have none (the page offering the PDF says so).
  ``?formato=a6`` (default: one A6 badge per page) or ``?formato=a4`` (sheets of eight).
- ``GET /gestione/iscrizioni/<registration_id>/badge.pdf``: one person's badge, A6.

Unknown events and registrations get 404. A ``formato`` we do not know gets
400 rather than a silently different document: the links in our pages never send one, so it
is a mistyped address, and the organiser should learn it before printing a stack of paper.
Nobody to print (no confirmed registrations, or a registration that is waiting or
cancelled) sends the organiser back to the registration list with a message: a badge gets
people in at the door, so only confirmed participants have one.
"""
from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _

from ..accounts.access import organiser_required
from ..audit_record import record
from ..events.services import get_event
from ..extensions import db
from ..pdf import pdf_response, slug
from ..registration import services
from ..registration.models import AttendanceMode, Registration, RegistrationStatus
from ..search import search_key
from .pdf import LAYOUTS, badges_pdf

bp = Blueprint("badges", __name__, url_prefix="/gestione")


@bp.before_request
@organiser_required
def require_organiser():
    """Every route here is for organisers and admins only."""


def badge_order(registration):
    """By surname and name, without case, accents or apostrophes."""
    person = registration.person
    return search_key(person.last_name), search_key(person.first_name), registration.id


def back_to_list(event_id, message):
    flash(message, "warning")
    return redirect(url_for("registration_manage.registrations", event_id=event_id))


@bp.route("/eventi/<int:event_id>/badge.pdf")
def event_badges(event_id):
    event = get_event(event_id)
    if event is None:
        abort(404)
    layout = request.args.get("formato") or "a6"
    if layout not in LAYOUTS:
        abort(400, _("Formato sconosciuto: usa a6 oppure a4."))
    registrations = sorted(
        services.registrations_of(event, mode=AttendanceMode.IN_PERSON,
                                  status=RegistrationStatus.CONFIRMED),
        key=badge_order)
    if not registrations:
        return back_to_list(event.id, _("Nessun iscritto confermato in presenza: non ci sono badge "
                                        "da stampare."))
    body = badges_pdf(registrations, layout)
    record("badges.downloaded", event=event, count=len(registrations), format=layout)
    return pdf_response(body, f"badge-evento-{event.id}-{layout}.pdf")


@bp.route("/iscrizioni/<int:registration_id>/badge.pdf")
def registration_badge(registration_id):
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        abort(404)
    if not registration.is_confirmed:
        return back_to_list(registration.event_id,
                            _("Il badge si stampa solo per le iscrizioni confermate."))
    filename = f"badge-{slug(registration.person.full_name)}-evento-{registration.event_id}.pdf"
    return pdf_response(badges_pdf([registration], "a6"), filename)
