"""JSON API under /api/v1/, described by an OpenAPI 3 document."""
from flask import Blueprint, abort, jsonify, request
from flask_babel import gettext as _

from ..events import services
from ..events.models import EventKind
from ..extensions import db
from ..programme.models import Phase
from .openapi import openapi_document
from .serializers import event_data, event_detail_data

bp = Blueprint("api", __name__, url_prefix="/api/v1")

WHEN_VALUES = ("upcoming", "past", "all")


class InvalidParameter(Exception):
    """A query parameter the API cannot honour; answered with 400, never ignored silently."""


def error_response(status, code, message):
    return jsonify({"error": {"code": code, "message": message}}), status


@bp.errorhandler(InvalidParameter)
def invalid_parameter(error):
    return error_response(400, "invalid_parameter", str(error))


@bp.errorhandler(404)
def not_found(error):
    """Clients of the API expect JSON, not the site's HTML error page."""
    return error_response(404, "not_found", _("Evento non trovato."))


@bp.route("/events")
def events():
    when = request.args.get("when") or "all"
    if when not in services.WHEN:
        raise InvalidParameter(_("Valore non valido per «when»: usa %(values)s.",
                                 values=", ".join(services.WHEN)))
    kind = parse_kind(request.args["kind"]) if request.args.get("kind") else None
    phase_ids = parse_phase(request.args["phase"]) if request.args.get("phase") else None
    found = services.public_events(when, kind=kind, phase_ids=phase_ids, search=request.args.get("q"))
    return jsonify({"events": [event_data(event) for event in found]})


def parse_kind(value):
    try:
        return EventKind(value)
    except ValueError:
        raise InvalidParameter(_("Valore non valido per «kind»: usa %(values)s.",
                                 values=", ".join(k.value for k in EventKind))) from None


def parse_phase(code):
    """The ids of the phases with this code (a code is unique within a programme)."""
    ids = db.session.scalars(db.select(Phase.id).filter_by(code=code)).all()
    if not ids:
        raise InvalidParameter(_("Fase sconosciuta: «%(code)s».", code=code))
    return ids


@bp.route("/events/<int:event_id>")
def event(event_id):
    event = services.get_event(event_id, public=True)
    if event is None:
        abort(404)
    return jsonify(event_detail_data(event))


@bp.route("/openapi.json")
def openapi():
    return jsonify(openapi_document())
