"""Participants download their certificate; anyone holding one checks it by its code.

- ``GET /iscrizione/<token>/attestato.pdf``: the participant's certificate (A4, Italian), from
  their registration's manage link, once their attendance at the event is recorded; before
  that a 404 page that says why.
- ``GET /attestati/<code>``: the public check page ("Attestato valido" and what it certifies);
  an unknown code gets a 404 page with the form to try again.
- ``GET /attestati/verifica?codice=…``: the form; a well-formed code goes to its check page.

Every route is rate-limited per client like the personal links (RATELIMIT_LINK); the check
page and its form share one budget, so codes cannot be guessed by brute force through either.
"""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from ..pdf import pdf_response, slug
from ..extensions import limiter
from ..registration.views import link_limit, registration_or_404
from . import services
from .forms import VerifyForm
from .pdf import certificates_pdf

bp = Blueprint("certificates", __name__)
check_limit = limiter.shared_limit(link_limit, scope="certificate-check")


@bp.app_template_global()
def certificate_available(registration):
    """For the participant's manage page: show the download link only when it works."""
    return services.attendance_of(registration) is not None


@bp.route("/iscrizione/<token>/attestato.pdf")
@limiter.limit(link_limit)
def download(token):
    registration = registration_or_404(token)
    certificate = services.certificate_for_registration(registration)
    if certificate is None:
        return render_template("certificates/unavailable.html", registration=registration,
                               event=registration.event), 404
    with force_locale("it"):
        facts = services.certificate_facts(certificate)
        body = certificates_pdf([facts], _("Attestato di partecipazione - %(title)s",
                                           title=facts.event_title))
    person = certificate.attendance.person
    return pdf_response(body, f"attestato-{slug(person.full_name)}-evento-{registration.event_id}.pdf")


@bp.route("/attestati/verifica")
@check_limit
def verify():
    form = VerifyForm(request.args)
    if "codice" not in request.args:
        return render_template("certificates/verify.html", form=form)
    if form.validate():
        code = services.normalise_code(form.code.data)
        if code is not None:
            return redirect(url_for(".check", code=services.format_code(code)))
        form.code.errors.append(_("Questo non è un codice di verifica: ha 12 caratteri tra "
                                  "lettere e cifre (senza 0, 1, I, L, O)."))
    return render_template("certificates/verify.html", form=form), 422


@bp.route("/attestati/<code>")
@check_limit
def check(code):
    certificate = services.certificate_by_code(code)
    if certificate is None:
        form = VerifyForm(data={"code": code})
        return render_template("certificates/verify.html", form=form, unknown_code=code), 404
    return render_template("certificates/check.html",
                           facts=services.certificate_facts(certificate))
