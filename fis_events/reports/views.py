"""Organisers' subscriptions to reports by e-mail: the "Ricevi per e-mail" forms post here, and
/gestione/report lists one's own (an admin's: everyone's) to change, pause or delete them."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.access import organiser_required
from ..errors import DomainError
from ..i18n import select_locale
from ..results.services import ENGLISH_NAMES, SCOPE_PARAMETERS
from . import services
from .kinds import GROUP, KINDS, kind_of_table
from .models import FileFormat, Frequency

bp = Blueprint("reports", __name__, url_prefix="/gestione/report")


@bp.before_request
@organiser_required
def require_organiser():
    """Every route here is for organisers and admins only."""


@bp.record_once
def subscribe_form_choices(state):
    """What the "Ricevi per e-mail" form (templates/reports/_subscribe.html) offers, as globals:
    it is imported by the macros of other packages' pages, which see no context."""
    state.app.jinja_env.globals.update(
        report_frequencies=list(Frequency), report_formats=list(FileFormat),
        report_kind_of=kind_of_table,
        report_scope_parameters=(*SCOPE_PARAMETERS, *ENGLISH_NAMES, GROUP))


def render_list(status=200, error=None, error_id=None, typed=None):
    subscriptions = services.visible_to(current_user)
    return render_template("reports/subscriptions.html", rows=[
        (s, *services.describe(s)) for s in subscriptions], error=error, error_id=error_id,
        typed=typed or {}), status


@bp.route("/")
def subscriptions():
    return render_list()


@bp.route("/nuovo", methods=["POST"])
def subscribe():
    try:
        services.subscribe(current_user, request.form, select_locale())
    except DomainError as error:
        kind = KINDS.get(request.form.get("report", ""))
        return render_template("reports/subscribe.html", error=error, kind=kind,
                               form=request.form), 422
    flash(_("Fatto: riceverai il report per e-mail. Lo trovi qui, dove puoi cambiarlo o fermarlo."),
          "success")
    return redirect(url_for(".subscriptions"))


def owned_or_404(subscription_id):
    subscription = services.subscription_for(current_user, subscription_id)
    if subscription is None:
        abort(404)
    return subscription


@bp.route("/<int:subscription_id>/modifica", methods=["POST"])
def change(subscription_id):
    subscription = owned_or_404(subscription_id)
    try:
        services.change(subscription, request.form)
    except DomainError as error:
        return render_list(422, error, subscription.id, request.form)
    flash(_("Report modificato."), "success")
    return redirect(url_for(".subscriptions"))


def simple_action(apply, message):
    """A view that applies one service function to one of the user's subscriptions."""
    def view(subscription_id):
        apply(owned_or_404(subscription_id))
        flash(message(), "success")
        return redirect(url_for(".subscriptions"))
    return view


ACTIONS = {
    "sospendi": (services.pause, lambda: _("Report sospeso: non verrà inviato finché non lo riprendi.")),
    "riprendi": (services.resume, lambda: _("Report ripreso: il prossimo invio è in elenco.")),
    "elimina": (services.delete, lambda: _("Report eliminato.")),
}
for action, (service, message) in ACTIONS.items():
    bp.add_url_rule(f"/<int:subscription_id>/{action}", action, simple_action(service, message),
                    methods=["POST"])
