"""The participant's forms. Lengths bounded here; the rules are in services."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from ..forms import REQUIRED, Form, enum_options
from ..programme.models import DECLARABLE_KINDS

class PersonForm(Form):
    """A person's details: typed once when registering, corrected later by the person (from
    their manage link) or by staff."""

    first_name = StringField(_l("Nome"), validators=[DataRequired(REQUIRED), Length(max=100)],
                             render_kw={"autocomplete": "given-name"})
    last_name = StringField(_l("Cognome"), validators=[DataRequired(REQUIRED), Length(max=100)],
                            render_kw={"autocomplete": "family-name"})
    organisation = StringField(_l("Ente o organizzazione"), validators=[Length(max=200)],
                               render_kw={"autocomplete": "organization", "list": "known-organisations"})
    organisation_kind = SelectField(_l("Tipo di ente"), validators=[Optional()],
                                    description=_l("Serve solo se il tuo ente non è nell'elenco."))
    role = StringField(_l("Ruolo"), validators=[Length(max=200)],
                       render_kw={"autocomplete": "organization-title"})
    municipality = StringField(_l("Comune di riferimento (se pertinente)"),
                               validators=[Length(max=100)], render_kw={"autocomplete": "address-level2"})

    def set_kind_choices(self):
        self.organisation_kind.choices = [SelectChoice("", "—")] + enum_options(DECLARABLE_KINDS)()

    def fill_from(self, person):
        for name in ("first_name", "last_name", "role", "municipality"):
            getattr(self, name).data = getattr(person, name)
        self.organisation.data = person.organisation.name if person.organisation else ""


class RegistrationForm(PersonForm):
    email = EmailField(_l("E-mail"),
                       validators=[DataRequired(REQUIRED), Length(max=254),
                                   Email(_l("Indirizzo e-mail non valido."), check_deliverability=False)],
                       render_kw={"autocomplete": "email"})
    organisation = StringField(_l("Ente o organizzazione"),
                               validators=[DataRequired(REQUIRED), Length(max=200)],
                               render_kw={"autocomplete": "organization", "list": "known-organisations"})
    mode = RadioField(_l("Come parteciperai"), validators=[DataRequired(_l("Scegli come parteciperai."))])
    accessibility_needs = TextAreaField(
        _l("Esigenze di accessibilità (facoltativo)"), filters=[lambda v: v.strip() if v else v],
        validators=[Length(max=1000)], render_kw={"rows": 2},
        description=_l("Ad esempio interprete LIS, accesso senza barriere, esigenze alimentari."))
    privacy_notice = BooleanField(
        _l("Ho letto l'informativa sul trattamento dei dati personali"),
        validators=[DataRequired(_l("Per iscriverti conferma di aver letto l'informativa."))])
    photo_consent = BooleanField(_l("Acconsento all'uso di fotografie e riprese in cui compaio per la comunicazione del programma (facoltativo)"))
    newsletter_consent = BooleanField(_l("Desidero ricevere notizie sulle prossime iniziative del programma (facoltativo)"))
    invito = HiddenField()

    def set_choices(self, modes, with_kind_choices=True):
        self.mode.choices = [SelectChoice(m.value, m.label) for m in modes]
        if len(modes) == 1 and not self.mode.data:
            self.mode.data = modes[0].value
        self.set_kind_choices()


class SwitchModeForm(Form):
    mode = HiddenField(validators=[DataRequired()])


class CancelForm(Form):
    pass


class ConfirmCancelForm(Form):
    """The second step of cancelling: only the confirmation page's button sends `confirmed`."""

    confirmed = HiddenField(validators=[DataRequired()])


class OrganiserRegistrationForm(RegistrationForm):
    """An organiser registers a participant directly (support meetings, phone requests)."""

    privacy_notice = BooleanField(
        _l("Il partecipante ha ricevuto l'informativa sul trattamento dei dati personali"),
        validators=[DataRequired(_l("Conferma che il partecipante ha ricevuto l'informativa."))])


class InvitationForm(Form):
    emails = TextAreaField(_l("Indirizzi e-mail da invitare"), render_kw={"rows": 4},
                           description=_l("Uno per riga, oppure separati da virgola o punto e virgola."),
                           validators=[Length(max=20000)])
    organisation = SelectField(_l("Oppure invita tutte le persone note di un ente"), validators=[Optional()])


class MessageForm(Form):
    subject = StringField(_l("Oggetto"), validators=[DataRequired(REQUIRED), Length(max=200)])
    body = TextAreaField(_l("Testo del messaggio"), validators=[DataRequired(REQUIRED), Length(max=10000)],
                         render_kw={"rows": 6})
    include_waiting = BooleanField(_l("Anche alle persone in lista d'attesa"), default=True)
