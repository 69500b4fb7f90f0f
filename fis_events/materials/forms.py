from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import Length

from ..forms import Form, enum_options, optional_row_id
from .models import Visibility


class MaterialForm(Form):
    """A file or a link; which agenda item, if any; who sees it."""
    title = StringField(_l("Titolo"), validators=[Length(max=200)],
                        description=_l("Se lo lasci vuoto: il nome del file, o il sito del collegamento."))
    upload = FileField(_l("File (PDF, presentazione, documento, foglio di calcolo, immagine)"))
    url = StringField(_l("Oppure un collegamento (https://…)"), validators=[Length(max=500)])
    agenda_item = SelectField(_l("Punto del programma"), coerce=optional_row_id, validate_choice=False)
    visibility = RadioField(_l("Chi lo vede"), default=Visibility.PUBLIC.value,
                            choices=enum_options(Visibility))

    def set_items(self, event):
        self.agenda_item.choices = [SelectChoice(None, _l("Tutto l'evento"))] + [
            SelectChoice(item.id, item.title) for item in event.agenda_items]
