"""Organiser forms for organisations and their programme stages. Formats here, rules in services."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

from ..forms import REQUIRED, Form, enum_options
from .models import OrganisationKind, ProgrammeStage


class OrganisationForm(Form):
    name = StringField(_l("Nome"), validators=[DataRequired(REQUIRED), Length(max=200)])
    kind = SelectField(_l("Tipo di ente"), choices=enum_options(OrganisationKind),
                       validators=[DataRequired(REQUIRED)])
    istat_code = StringField(_l("Codice ISTAT (facoltativo)"),
                             validators=[Length(max=20)], render_kw={"inputmode": "numeric"},
                             description=_l("Il codice del Comune, di 6 cifre: ad esempio 016024 per Bergamo."))

    def fill_from(self, organisation):
        self.name.data, self.kind.data = organisation.name, organisation.kind.value
        self.istat_code.data = organisation.istat_code or ""


class StageForm(Form):
    programme = SelectField(_l("Programma"), coerce=int)
    stage = SelectField(_l("Tappa raggiunta"), choices=enum_options(ProgrammeStage),
                        validators=[DataRequired(REQUIRED)])
    reached_on = DateField(_l("Data"), validators=[DataRequired(_l("Indica la data (gg/mm/aaaa)."))])
    note = StringField(_l("Nota (facoltativa)"), validators=[Length(max=300)],
                       description=_l("Ad esempio l'atto o la comunicazione che lo attesta."))

    def set_programmes(self, programmes):
        self.programme.choices = [SelectChoice(p.id, p.name) for p in programmes]


class MergeForm(Form):
    """Which organisation disappears into the one whose page this is."""

    merged_name = StringField(_l("Ente doppione da unire a questo"),
                              validators=[DataRequired(REQUIRED), Length(max=200)],
                              render_kw={"list": "known-organisations", "autocomplete": "off"},
                              description=_l("Il nome esatto dell'altro ente, come compare "
                                             "nell'elenco: le sue persone, presenze, inviti e "
                                             "tappe passano a questo, e il suo nome resta come "
                                             "altro nome di questo ente."))
