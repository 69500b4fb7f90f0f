"""The participant's own pages, no account: the personal remote join link (it records the remote
attendance, then goes on to the meeting platform; the link's secret is the key) and "Le mie
iscrizioni" (every registration of an address, through a signed link sent to it)."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..errors import DomainError, attach_error
from ..extensions import limiter
from ..registration import services as registrations
from ..registration.views import form_limit, link_limit
from . import overview
from .forms import OverviewRequestForm
from .services import remote_join

bp = Blueprint("participation", __name__)


@bp.route("/j/<token>")
@limiter.limit(link_limit)
def join(token):
    registration = registrations.by_join_token(token)
    if registration is None:
        abort(404, description="invalid_link")
    outcome = remote_join(registration)
    if outcome == "redirect":
        return redirect(registration.event.remote_url)
    return render_template("participation/join.html", registration=registration,
                           event=registration.event, outcome=outcome), 403 if outcome == "not_entitled" else 200




@bp.route("/le-mie-iscrizioni", methods=["GET", "POST"])
@limiter.limit(form_limit, methods=["POST"])
def request_my_registrations():
    form = OverviewRequestForm()
    if form.validate_on_submit():
        try:
            overview.request_overview(form.email.data)
        except DomainError as error:
            attach_error(form, error)
        else:
            flash(_("Se a questo indirizzo risultano iscrizioni, riceverai a breve un'e-mail con il "
                    "collegamento alla pagina che le raccoglie. Controlla anche la posta "
                    "indesiderata."), "info")
            return redirect(url_for(".request_my_registrations"))
    return render_template("participation/my_registrations_request.html", form=form), \
        422 if form.errors else 200


@bp.route("/le-mie-iscrizioni/<token>")
@limiter.limit(link_limit)
def my_registrations(token):
    email, problem = overview.email_of(token)
    if email is None:
        return render_template("participation/my_registrations_refused.html", problem=problem), \
            410 if problem == "expired" else 404
    return render_template("participation/my_registrations.html", email=email,
                           registrations=overview.registrations_of(email))
