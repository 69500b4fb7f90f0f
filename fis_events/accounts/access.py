"""Role checks for staff routes."""
from functools import wraps

from flask import abort, request
from flask_login import current_user

from ..extensions import login_manager
from .models import Role


def wants_json():
    """The client asked for JSON (the organisers' page scripts do), not for a page."""
    return request.accept_mimetypes.best == "application/json"


def roles_required(*roles):
    """Anonymous visitors go to the login page, or get 401 when they asked for JSON (a script
    cannot follow a redirect to a form); staff without the role get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                if wants_json():
                    abort(401)
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


organiser_required = roles_required(Role.ADMIN, Role.ORGANISER)
