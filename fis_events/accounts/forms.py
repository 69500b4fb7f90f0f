from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from ..forms import Form


class LoginForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(_l("Inserisci l'e-mail.")), Length(max=254)],
                       render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Inserisci la password."))],
                             render_kw={"autocomplete": "current-password"})


class PasswordChangeForm(Form):
    current_password = PasswordField(_l("Password attuale"),
                                     validators=[DataRequired(_l("Inserisci la password attuale."))],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(_l("Nuova password"),
                                 validators=[DataRequired(_l("Inserisci la nuova password."))],
                                 render_kw={"autocomplete": "new-password"})
