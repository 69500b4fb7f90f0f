"""What text typed into a form or sent to the API may hold, the same for every field.

Refused: control characters (PostgreSQL cannot even store NUL), lone surrogates (not UTF-8),
the bidirectional overrides, embeddings and isolates (they make a name read as another in
lists, badges and exports) and invisible spaces. Tab and line breaks, accents, apostrophes,
right-to-left scripts, emoji and combining marks are text like any other.
"""
import re

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from .errors import DomainError

FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u202a-\u202e\u2060"
                       "\u2066-\u2069\ufeff\ud800-\udfff]")
MESSAGE = _l("Il testo contiene caratteri di controllo o invisibili: riscrivilo senza.")


def one_line(value):
    """A one-line field's text: line breaks, tabs and runs of spaces made one space, the ends
    dropped. Forms, services (API, CLI) and the calendar all fold the same way, so a title typed
    or stored with CR/LF never breaks a header or an iCalendar line."""
    return " ".join(value.split()) if isinstance(value, str) else value


def required_line(value, *, field, limit, missing, too_long):
    """A one-line text that must be given (a name, a title, a subject): folded with one_line,
    refused with `missing` when empty and with `too_long` (already translated, naming the
    limit) when longer than `limit`."""
    value = one_line(value or "")
    if not value:
        raise DomainError(missing, field=field)
    if len(value) > limit:
        raise DomainError(too_long, field=field)
    return value


def is_clean(value):
    return FORBIDDEN.search(value) is None


def check_text(value, field=None):
    """`value` unchanged, or a DomainError naming `field` when it holds a refused character."""
    if not is_clean(value):
        raise DomainError(str(MESSAGE), field=field)
    return value


def clean_text(form, field):
    """WTForms validator of check_text."""
    if isinstance(field.data, str) and not is_clean(field.data):
        raise ValidationError(MESSAGE)
