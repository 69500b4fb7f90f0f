"""Admins: find a person and anonymise them (the right to erasure). Irreversible, so admins
only, and always through a confirmation page."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.access import roles_required
from ..accounts.models import Role
from ..pages import get_or_404
from ..registration.forms import CancelForm
from ..registration.models import Person
from . import services as privacy

bp = Blueprint("privacy", __name__, url_prefix="/gestione/persone")


@bp.before_request
@roles_required(Role.ADMIN)
def require_admin():
    """Every route here is for admins only: organisers get 403."""


@bp.route("")
def people():
    query = (request.args.get("q") or "").strip()[:100]
    return render_template("privacy/people.html", query=query,
                           results=privacy.search_people(query) if query else [])


@bp.route("/<int:person_id>/anonimizza", methods=["GET", "POST"])
def erase(person_id):
    person = get_or_404(Person, person_id)
    form = CancelForm()
    if person.erased_at is None and form.validate_on_submit():
        privacy.erase(person, by=current_user)
        flash(_("Dati personali cancellati. Iscrizioni e presenze restano nei totali come righe "
                "anonime."), "success")
        return redirect(url_for(".people"))
    return render_template("privacy/people_erase.html", person=person, form=form,
                           back=url_for(".people", q=request.args.get("q") or None))
