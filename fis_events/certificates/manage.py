"""Organisers download every certificate of an event in one PDF.

``GET /gestione/eventi/<event_id>/attestati.pdf``: one A4 page per attendance, by surname and
name, issuing the certificates not yet issued (the codes stay those participants already
have). Anonymised people are left out. No attendance recorded sends the organiser back to the
event with a message.
"""
from flask import Blueprint, flash, redirect, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from ..accounts.access import organiser_required
from ..audit_record import record
from ..pdf import pdf_response
from ..events.pages import event_or_404
from . import services
from .pdf import certificates_pdf

bp = Blueprint("certificates_manage", __name__, url_prefix="/gestione")


@bp.before_request
@organiser_required
def require_organiser():
    """Every route here is for organisers and admins only, including ones added later."""


@bp.app_template_global()
def certificate_count(event):
    """For the organiser's event page: how many pages the download holds."""
    return services.certificate_count(event)


@bp.route("/eventi/<int:event_id>/attestati.pdf")
def event_certificates(event_id):
    event = event_or_404(event_id)
    certificates = services.issue_event_certificates(event)
    if not certificates:
        flash(_("Nessuna presenza registrata: non ci sono attestati da scaricare."), "warning")
        return redirect(url_for("manage.event", event_id=event.id))
    with force_locale("it"):
        body = certificates_pdf(map(services.certificate_facts, certificates),
                                _("Attestati di partecipazione - %(title)s", title=event.title))
    record("certificates.downloaded", event=event, count=len(certificates))
    return pdf_response(body, f"attestati-evento-{event.id}.pdf")
