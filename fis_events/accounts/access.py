"""Role checks for staff routes."""
from functools import wraps

from flask import abort
from flask_login import current_user

from ..extensions import login_manager
from .models import Role


def roles_required(*roles):
    """Anonymous visitors go to the login page; staff without the role get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


organiser_required = roles_required(Role.ADMIN, Role.ORGANISER)
