from flask import Blueprint

bp = Blueprint("calendar", __name__)


@bp.route("/calendario.ics")
def feed():
    return "todo"


@bp.route("/eventi/<int:event_id>/calendario.ics")
def event_ics(event_id):
    return "todo"
