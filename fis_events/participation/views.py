"""The participant's personal remote join link: it records the remote attendance, then goes on
to the meeting platform. No account: the link's secret is the key."""
from flask import Blueprint, abort, redirect, render_template

from ..extensions import limiter
from ..registration import services as registrations
from ..registration.views import link_limit
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


