"""Staff log in and out, and change their own password."""
import hashlib
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..audit_record import record
from ..errors import DomainError
from ..extensions import db, limiter
from .forms import LoginForm, PasswordChangeForm
from .models import Role, User
from .services import authenticate, change_password

bp = Blueprint("accounts", __name__)
#: where each role lands after logging in: its work, not the public home page
LANDING = {Role.ADMIN: "dashboard.index", Role.ORGANISER: "dashboard.index",
           Role.DOOR_STAFF: "checkin.index"}


def load_user(session_id):
    """The user a session cookie names, if it is active and the cookie's session version is still
    theirs; None (not logged in) otherwise, also for cookies of the old "<id>" form."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


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
            return redirect(_safe_next(request.args.get("next")) or url_for(LANDING[user.role]))
    status = 200 if request.method == "GET" or not form.errors else 422
    return render_template("accounts/login.html", form=form), status


@bp.route("/uscita", methods=["POST"])
@login_required
def logout():
    record("account.logout")
    current_user.end_sessions()  # the cookie dies on the server too, copies of it included
    logout_user()
    flash(_("Sei uscito dall'area riservata."), "info")
    return redirect(url_for("public.index"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    """A staff user changes their own password; their other sessions end, this one goes on."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            change_password(user, form.current_password.data, form.new_password.data)
        except DomainError as error:
            field = form.new_password if error.field == "password" else form.current_password
            field.errors.append(error.message)
        else:
            login_user(user)  # this session goes on, at the new version
            flash(_("Password cambiata. Le altre sessioni aperte con il tuo account sono state "
                    "chiuse."), "success")
            return redirect(url_for("accounts.password"))
    status = 200 if request.method == "GET" or not form.errors else 422
    return render_template("accounts/password.html", form=form), status
