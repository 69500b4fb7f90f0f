"""Organiser forms of a meeting's record. Formats here, rules in services."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Optional

from ..forms import Form, enum_options
from ..programme.models import DECLARABLE_KINDS
from .models import Outcome


class MinutesForm(Form):
    minutes = TextAreaField(_l("Verbale"), render_kw={"rows": 10},
                            description=_l("Che cosa si è detto: i paragrafi restano come li scrivi."))


class DecisionForm(Form):
    text = StringField(_l("Decisione"), render_kw={"autocomplete": "off"})


class NextStepForm(Form):
    text = StringField(_l("Prossimo passo"), render_kw={"autocomplete": "off"})
    organisation = StringField(_l("Ente responsabile"),
                               render_kw={"autocomplete": "off", "list": "known-organisations"},
                               description=_l("Scegli un ente dall'elenco o scrivine uno nuovo."))
    organisation_kind = SelectField(_l("Tipo di ente"), validators=[Optional()],
                                    choices=lambda: [SelectChoice("", "—")] + enum_options(DECLARABLE_KINDS)(),
                                    description=_l("Serve solo se l'ente non è nell'elenco."))
    due_on = DateField(_l("Scadenza"), validators=[DataRequired(_l("Indica la scadenza (gg/mm/aaaa)."))])

    def fill_from(self, step):
        self.text.data, self.organisation.data = step.text, step.organisation.name
        self.due_on.data = step.due_on


class DoneForm(Form):
    done = BooleanField()


class OutcomesForm(Form):
    """The outcomes of every line: `outcome-<key>`, `justification-<key>` and the outcome the
    page showed, `shown-<key>`. The lines vary, so the fields are read from the form data."""

    def outcomes(self, formdata):
        """({key: (outcome or None, justification)}, {key: outcome shown}): a value that is no
        outcome comes as None, for the service to refuse as it refuses an unknown key."""
        chosen, shown = {}, {}
        for name, value in formdata.items():
            kind, _dash, key = name.partition("-")
            outcome = Outcome(value) if value in Outcome._value2member_map_ else None
            if kind == "outcome":
                chosen[key] = (outcome, formdata.get(f"justification-{key}", ""))
            elif kind == "shown" and outcome is not None:
                shown[key] = outcome
        return chosen, shown
