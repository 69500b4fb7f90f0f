"""The event an organiser or door page is about, with its agenda, or 404."""
from flask import abort

from . import services


def event_or_404(event_id):
    event = services.get_event(event_id)
    if event is None:
        abort(404)
    return event
