"""What the staff pages of every domain share: a row or 404, and a named change with its flash."""
from flask import abort, flash

from .errors import DomainError
from .extensions import db
from .unit_of_work import discard_changes


def get_or_404(model, ident):
    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    return obj


def apply_change(changes, action, event, *args):
    """Run the service named by `action` in `changes` ({action: (service, message)}) on the
    event and flash how it went; an unknown action is a 404."""
    if action not in changes:
        abort(404)
    change, message = changes[action]
    try:
        change(event, *args)
        flash(str(message), "success")
    except DomainError as error:
        discard_changes()
        flash(error.message, "error")
