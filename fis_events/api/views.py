"""JSON API under /api/v1/, described by an OpenAPI 3 document."""
from flask import Blueprint, abort, jsonify, request
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ..db_types import utcnow
from ..events.calendar import AGENDA_LOADING
from ..events.models import Event, EventKind, EventStatus
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
    query = (
        db.select(Event)
        .where(Event.status.in_([EventStatus.PUBLISHED, EventStatus.CANCELLED]))
        .options(selectinload(Event.host_event), selectinload(Event.programme),
                 selectinload(Event.phase))
    )
    query = filter_when(query, request.args.get("when") or "all")
    if kind := request.args.get("kind"):
        query = query.where(Event.kind == parse_kind(kind))
    if phase := request.args.get("phase"):
        query = query.where(Event.phase.has(Phase.code == parse_phase(phase)))
    return jsonify({"events": [event_data(event) for event in db.session.scalars(query)]})


def filter_when(query, when):
    """Same order as the public list: upcoming soonest first, past latest first."""
    now = utcnow()
    if when == "upcoming":
        return query.where(Event.ends_at >= now).order_by(Event.starts_at, Event.id)
    if when == "past":
        return query.where(Event.ends_at < now).order_by(Event.starts_at.desc(), Event.id.desc())
    if when == "all":
        return query.order_by(Event.starts_at, Event.id)
    raise InvalidParameter(_("Valore non valido per «when»: usa %(values)s.",
                             values=", ".join(WHEN_VALUES)))


def parse_kind(value):
    try:
        return EventKind(value)
    except ValueError:
        raise InvalidParameter(_("Valore non valido per «kind»: usa %(values)s.",
                                 values=", ".join(k.value for k in EventKind))) from None


def parse_phase(code):
    if db.session.scalar(db.select(Phase.id).filter_by(code=code).limit(1)) is None:
        raise InvalidParameter(_("Fase sconosciuta: «%(code)s».", code=code))
    return code


@bp.route("/events/<int:event_id>")
def event(event_id):
    event = db.session.get(Event, event_id, options=[AGENDA_LOADING])
    if event is None or not event.is_public:
        abort(404)
    return jsonify(event_detail_data(event))


@bp.route("/openapi.json")
def openapi():
    return jsonify(openapi_document())
