"""The base of every form of the site."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectChoice, StringField, TextAreaField

from .db_types import is_id, parse_id
from .text import clean_text, one_line


REQUIRED = _l("Campo obbligatorio.")


def enum_options(enum_class):
    """Options for a LabelledEnum, labels translated when the form is rendered."""
    return lambda: [SelectChoice(member.value, member.label) for member in enum_class]


def row_id(value):
    """coerce= of a field that chooses rows: the id, or ValueError (WTForms' "invalid choice")
    for a value no row can have, so that no query is ever sent one."""
    found = value if is_id(value) else parse_id(value if isinstance(value, str) else None)
    if found is None:
        raise ValueError(value)
    return found


def optional_row_id(value):
    """row_id, with None for the "none" choice."""
    return None if value in (None, "", "None") else row_id(value)


class Form(FlaskForm):
    """A FlaskForm whose text fields (hidden ones and text areas too) refuse control and
    invisible characters, and whose one-line fields fold line breaks to spaces, so no form can
    forget it (a crafted POST puts CR/LF in any field); passwords are never stored as text."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            field = super().bind_field(form, unbound_field, options)
            if isinstance(field, StringField) and not isinstance(field, PasswordField):
                field.validators = [*field.validators, clean_text]
                if not isinstance(field, TextAreaField):
                    field.filters = (*field.filters, one_line)
            return field
