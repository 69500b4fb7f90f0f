from flask import Blueprint

bp = Blueprint("manage", __name__, url_prefix="/gestione")


@bp.route("/")
def index():
    return "todo"


@bp.route("/eventi/<int:event_id>")
def event(event_id):
    return "todo"
