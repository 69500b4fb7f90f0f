"""Who may check people in at an event: organisers, its assigned door staff, its paired devices."""
from flask import abort, g, request
from flask_login import current_user

from .services import device_for, user_may_check_in

DEVICE_COOKIE = "fis_device_{event_id}"


def checkin_actor(event):
    """(user, device) allowed at this event's door; 403 for anyone else, 401 for nobody. Kept on
    `g` as well: the audit log names them as the actor of what the request changes."""
    cookie = request.cookies.get(DEVICE_COOKIE.format(event_id=event.id))
    device = device_for(event, cookie) if cookie else None
    user = current_user if current_user.is_authenticated else None
    if user is not None and user_may_check_in(user, event):
        g.checkin_actor = user, device
    elif device is not None:
        g.checkin_actor = None, device
    else:
        abort(403 if user is not None else 401)
    return g.checkin_actor
