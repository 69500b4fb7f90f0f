"""Calendar feeds to subscribe to (all events, one programme) and one event's .ics download."""
from flask import Blueprint, abort
from flask_babel import gettext as _

from ..extensions import db
from ..programme.models import Programme
from .calendar import build_calendar, feed_events
from .models import EventSeries
from .public import get_public_event

bp = Blueprint("calendar", __name__)

CONTENT_TYPE = "text/calendar; charset=utf-8"


def ics_response(calendar, filename=None):
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'} if filename else {}
    return calendar.to_ical(), 200, {"Content-Type": CONTENT_TYPE, **headers}


@bp.route("/calendario.ics")
def feed():
    name = _("Eventi FIS - Fondo Innovazione Sociale")
    return ics_response(build_calendar(feed_events(), name, "all"))


@bp.route("/programmi/<code>/calendario.ics")
def programme_feed(code):
    programme = db.session.scalar(db.select(Programme).filter_by(code=code))
    if programme is None:
        abort(404)
    name = _("Eventi %(programme)s", programme=programme.name)
    return ics_response(build_calendar(feed_events(programme), name, f"programme-{code}"))


@bp.route("/serie/<int:series_id>/calendario.ics")
def series_feed(series_id):
    """A series' meetings, the public ones (a cancelled meeting as cancelled), to subscribe to."""
    series = db.session.get(EventSeries, series_id)
    if series is None:
        abort(404)
    return ics_response(build_calendar(feed_events(series=series), series.title, f"series-{series.id}"))


@bp.route("/eventi/<int:event_id>/calendario.ics")
def event_ics(event_id):
    event = get_public_event(event_id)
    calendar = build_calendar([event], event.title, f"event-{event.uid}")
    return ics_response(calendar, filename=f"evento-fis-{event.id}.ics")
