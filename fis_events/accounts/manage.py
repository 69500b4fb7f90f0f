"""Admins see the staff accounts and disable one: its sessions end at once, wherever they are."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import DomainError
from ..pages import get_or_404
from ..unit_of_work import discard_changes
from .access import roles_required
from .models import Role, User
from .services import disable_user, staff_users

bp = Blueprint("accounts_manage", __name__, url_prefix="/gestione")


@bp.before_request
@roles_required(Role.ADMIN)
def require_admin():
    """Every route here is for admins only: organisers and door staff get 403."""


@bp.route("/utenti")
def users():
    return render_template("accounts/users.html", users=staff_users())


@bp.route("/utenti/<int:user_id>/disabilita", methods=["POST"])
def disable(user_id):
    user = get_or_404(User, user_id)
    try:
        disable_user(user, by=current_user)
    except DomainError as error:
        discard_changes()
        flash(error.message, "warning")
    else:
        flash(_("Account di %(name)s disabilitato: le sue sessioni aperte sono chiuse.",
                name=user.name), "success")
    return redirect(url_for(".users"))
