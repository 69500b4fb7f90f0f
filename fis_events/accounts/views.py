"""Staff log in and out."""
import hashlib
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user

from ..audit_record import record
from ..extensions import db, limiter
from .forms import LoginForm
from .models import Role, User
from .services import authenticate

bp = Blueprint("accounts", __name__)


def load_user(user_id):
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.active else None


def _safe_next(target):
    """Only a path on this site: never an open redirect."""
    if target and not urlsplit(target).netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return None


def login_limit():
    """Per client address (RATELIMIT_LOGIN)."""
    return current_app.config["RATELIMIT_LOGIN"]


def account_limit():
    """Per submitted address (RATELIMIT_LOGIN_ACCOUNT), whether or not an account has it: a
    password cannot be guessed from many machines, and the answer never tells whether the
    account exists."""
    return current_app.config["RATELIMIT_LOGIN_ACCOUNT"]


def failed_attempt(response):
    """Only failures use up the limits: a log-in that succeeds (a redirect) costs nothing, so a
    whole office behind one address can log in at nine o'clock."""
    return response.status_code != 302


def submitted_account():
    email = (request.form.get("email") or "").strip().lower()
    return "login:" + hashlib.sha256(email.encode()).hexdigest()


@bp.route("/accesso", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"], deduct_when=failed_attempt)
@limiter.limit(account_limit, methods=["POST"], key_func=submitted_account, deduct_when=failed_attempt)
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(_("E-mail o password non corretti."))
        else:
            lang = session.get("lang")
            session.clear()  # a fresh session on login: no fixation
            if lang:
                session["lang"] = lang
            login_user(user)
            flash(_("Benvenuto, %(name)s.", name=user.name), "success")
            default = "manage.index" if user.has_role(Role.ADMIN, Role.ORGANISER) else "public.index"
            return redirect(_safe_next(request.args.get("next")) or url_for(default))
    status = 200 if request.method == "GET" or not form.errors else 422
    return render_template("accounts/login.html", form=form), status


@bp.route("/uscita", methods=["POST"])
@login_required
def logout():
    record("account.logout")
    logout_user()
    flash(_("Sei uscito dall'area riservata."), "info")
    return redirect(url_for("public.index"))
