from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import Length

from ..forms import Form, enum_options
from .models import QuestionKind


class QuestionForm(Form):
    """A question: its kind, whether it must be answered, its wording, its choices."""
    kind = SelectField(_l("Tipo di domanda"), choices=enum_options(QuestionKind),
                       default=QuestionKind.SCALE.value)
    required = BooleanField(_l("Risposta obbligatoria"))
    text_it = StringField(_l("Testo in italiano"), validators=[Length(max=500)])
    text_en = StringField(_l("Testo in inglese (facoltativo)"), validators=[Length(max=500)])
    choices = TextAreaField(
        _l("Scelte (solo per le domande a scelta)"),
        description=_l("Una scelta per riga; la traduzione inglese, se c'è, dopo una barra "
                       "verticale: «Sì | Yes»."))

    def fill(self, question):
        self.kind.data, self.required.data = question.kind.value, question.required
        self.text_it.data, self.text_en.data = question.text_it, question.text_en or ""
        self.choices.data = "\n".join(
            " | ".join(part for part in (choice["it"], choice.get("en")) if part)
            for choice in question.choices or ())

    def spec(self):
        """The keyword arguments of editing.add_question / update_question."""
        return dict(kind=self.kind.data, required=self.required.data, text_it=self.text_it.data,
                    text_en=self.text_en.data, choices=parse_choices(self.choices.data))


def parse_choices(text):
    """'Sì | Yes' lines as [{"it": "Sì", "en": "Yes"}]; blank lines skipped."""
    choices = []
    for line in (text or "").splitlines():
        italian, _bar, english = line.partition("|")
        if italian.strip() or english.strip():
            choices.append({"it": italian, "en": english})
    return choices


class ClosingForm(Form):
    closes_on = DateField(_l("Risposte accettate fino al (compreso)"))
