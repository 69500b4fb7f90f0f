"""The one exception that services raise when a rule says no."""


class DomainError(Exception):
    """A rule was broken; `message` is for the user, `field` names the form field at fault."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


def attach_error(form, error):
    """Show a service's refusal beside the form field it concerns, or above the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = list(field.errors) + [error.message]
    else:
        form.form_errors.append(error.message)
