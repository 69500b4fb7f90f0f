"""The one exception that services raise when a rule says no."""


class DomainError(Exception):
    """A rule was broken; `message` is for the user, `field` names the form field at fault."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field
