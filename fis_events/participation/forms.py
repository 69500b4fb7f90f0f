"""Organiser forms for attendance: the platform report upload and its confirmation, the
attendance register and the people who came without registering."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (BooleanField, EmailField, HiddenField, RadioField, SelectChoice, SelectField,
                     SelectMultipleField, StringField)
from wtforms.validators import DataRequired, Email, Length, Optional

from ..db_types import parse_id
from ..forms import REQUIRED, Form, enum_options, row_id
from ..programme.models import DECLARABLE_KINDS
from ..registration.models import AttendanceMode


class ReportUploadForm(Form):
    report = FileField(
        _l("Report delle presenze (file CSV)"),
        validators=[FileRequired(_l("Scegli il file del report da caricare.")),
                    FileAllowed(["csv", "txt"], _l("Carica un file .csv o .txt esportato da Teams o Zoom."))],
        render_kw={"accept": ".csv,.txt,text/csv,text/plain"})


class ReportConfirmForm(Form):
    #: the random name of the uploaded file kept on the server between preview and confirmation
    upload = HiddenField(validators=[DataRequired(), Length(max=64)])
    include_known = BooleanField(
        _l("Registra la presenza anche per le persone note ma non iscritte a questo evento"))


class ReportDiscardForm(Form):
    upload = HiddenField(validators=[DataRequired(), Length(max=64)])


class AttendanceRegisterForm(Form):
    """The register: a `present` checkbox per person (value: the person's id), the ids that were
    ticked when the page was shown (`shown_present`), and a `mode-<person id>` choice for
    people not yet present. The rows vary, so the fields are read as lists."""

    present = SelectMultipleField(coerce=row_id, validate_choice=False)
    shown_present = SelectMultipleField(coerce=row_id, validate_choice=False)

    def modes(self, formdata):
        """{person id: mode} of the choices posted; anything else is ignored."""
        chosen = {}
        for name, value in formdata.items():
            person_id = parse_id(name.removeprefix("mode-")) if name.startswith("mode-") else None
            if person_id is not None and value in AttendanceMode._value2member_map_:
                chosen[person_id] = AttendanceMode(value)
        return chosen


class UnregisteredAttendeeForm(Form):
    """Someone present who never registered. The e-mail is optional: municipal staff around a
    table do not always give one. No autocomplete: the organiser types someone else's data."""

    first_name = StringField(_l("Nome"), validators=[DataRequired(REQUIRED), Length(max=100)],
                             render_kw={"autocomplete": "off"})
    last_name = StringField(_l("Cognome"), validators=[DataRequired(REQUIRED), Length(max=100)],
                            render_kw={"autocomplete": "off"})
    email = EmailField(_l("E-mail (facoltativa)"),
                       validators=[Optional(), Length(max=254),
                                   Email(_l("Indirizzo e-mail non valido."), check_deliverability=False)],
                       render_kw={"autocomplete": "off"})
    organisation = StringField(_l("Ente o organizzazione"),
                               validators=[DataRequired(REQUIRED), Length(max=200)],
                               render_kw={"autocomplete": "off", "list": "known-organisations"})
    organisation_kind = SelectField(_l("Tipo di ente"), validators=[Optional()],
                                    choices=lambda: [SelectChoice("", "—")] + enum_options(DECLARABLE_KINDS)(),
                                    description=_l("Serve solo se l'ente non è nell'elenco."))
    role = StringField(_l("Ruolo"), validators=[Length(max=200)],
                       render_kw={"autocomplete": "off"})
    mode = RadioField(_l("Modalità di partecipazione"),
                      validators=[DataRequired(_l("Scegli la modalità di partecipazione."))])

    def set_modes(self, modes):
        self.mode.choices = [SelectChoice(m.value, m.label) for m in modes]
        if len(modes) == 1 and not self.mode.data:
            self.mode.data = modes[0].value


class OverviewRequestForm(Form):
    email = EmailField(_l("Il tuo indirizzo e-mail"),
                       validators=[DataRequired(REQUIRED), Email(_l("Indirizzo e-mail non valido."))],
                       render_kw={"autocomplete": "email"})
