"""The public form that looks a certificate up by its code."""
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from ..forms import Form


class VerifyForm(Form):
    """A GET search form: it changes nothing, so it carries no CSRF token, and its address
    can be bookmarked or printed."""

    class Meta:
        csrf = False

    code = StringField(_l("Codice di verifica"), name="codice",
                       validators=[DataRequired(_l("Scrivi il codice riportato sull'attestato.")),
                                   Length(max=40, message=_l("Il codice ha 12 caratteri."))],
                       description=_l("12 caratteri, ad esempio ABCD-EFGH-JKLM: trattini e spazi "
                                      "non contano, maiuscole e minuscole nemmeno."),
                       render_kw={"autocomplete": "off", "spellcheck": "false",
                                  "autocapitalize": "characters"})
