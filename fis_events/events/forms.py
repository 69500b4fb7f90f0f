"""Organiser forms. Formats are checked here; domain rules live in services."""
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from wtforms import (BooleanField, DateField, DateTimeLocalField, HiddenField, IntegerField,
                     RadioField, SelectChoice, SelectField, SelectMultipleField, StringField,
                     TextAreaField, TimeField, widgets)
from flask_wtf.file import FileAllowed, FileField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ..forms import REQUIRED, Form, enum_options, optional_row_id, row_id
from ..i18n import ROME
from .models import AgendaItemKind, EventKind
from .series import week_of_month_names, weekday_names

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
NOTE_MAX = 2000
PLATFORMS = [("", "—")] + [(p, p) for p in ("Zoom", "Microsoft Teams", "Webex", "Jitsi", "Google Meet")] \
    + [("Altro", _l("Altra piattaforma"))]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class LocalDateTimeField(DateTimeLocalField):
    """A Rome wall-clock time typed by the organiser, handed on as an aware datetime."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", DATETIME_FORMAT)
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None:
            self.data = self.data.replace(tzinfo=ROME)

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.astimezone(ROME).strftime(DATETIME_FORMAT) if self.data else ""


class ClockField(TimeField):
    """A time of day, hh:mm, refused in Italian (WTForms' Italian catalogue lacks this one)."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(_l("Ora non valida: scrivila come hh:mm, ad esempio 14:30."))) from None


class NoticeForm(Form):
    """The organiser's note to the people a change tells (and, alone, the cancellation form)."""
    notice_note = TextAreaField(_l("Nota per le persone avvisate (facoltativa)"), filters=[_strip],
                                validators=[Length(max=NOTE_MAX)], render_kw={"rows": 3})


class EventForm(NoticeForm):
    title = StringField(_l("Titolo"),
                        validators=[DataRequired(REQUIRED), Length(max=300)])
    kind = SelectField(_l("Tipo di evento"), choices=enum_options(EventKind), validators=[DataRequired(REQUIRED)])
    description = TextAreaField(_l("Descrizione"), filters=[_strip], render_kw={"rows": 5})
    starts_at = LocalDateTimeField(
        _l("Inizio"), validators=[DataRequired(_l("Indica data e ora di inizio (gg/mm/aaaa hh:mm)."))])
    ends_at = LocalDateTimeField(
        _l("Fine"), validators=[DataRequired(_l("Indica data e ora di fine (gg/mm/aaaa hh:mm)."))])
    venue = StringField(_l("Luogo"), validators=[Length(max=200)])
    address = StringField(_l("Indirizzo"), validators=[Length(max=300)])
    city = StringField(_l("Città"), validators=[Length(max=100)])
    host_event = SelectField(_l("Evento ospitante"), coerce=optional_row_id, validate_choice=False)
    host_title = StringField(_l("Nuovo evento ospitante: titolo"),
                             validators=[Length(max=200)])
    host_city = StringField(_l("Nuovo evento ospitante: città"),
                            validators=[Length(max=100)])
    host_starts_on = DateField(_l("Nuovo evento ospitante: primo giorno"), validators=[Optional()])
    host_ends_on = DateField(_l("Nuovo evento ospitante: ultimo giorno"), validators=[Optional()])
    programme = SelectField(_l("Programma"), coerce=optional_row_id, validate_choice=False)
    phase = SelectField(_l("Fase"), coerce=optional_row_id, validate_choice=False)
    offers_in_person = BooleanField(_l("Partecipazione in presenza"), default=True)
    offers_remote = BooleanField(_l("Partecipazione da remoto"))
    capacity_in_person = IntegerField(
        _l("Posti in presenza"), validators=[Optional(), NumberRange(min=0, message=_l("Inserisci un numero intero non negativo."))])
    capacity_remote = IntegerField(
        _l("Posti da remoto"), validators=[Optional(), NumberRange(min=0, message=_l("Inserisci un numero intero non negativo."))])
    below_confirmed = BooleanField(
        _l("Accetto posti inferiori agli iscritti già confermati: nessuno perde il posto, e non "
           "ci saranno posti liberi finché le cancellazioni non li riportano sotto il limite"))
    remote_url = StringField(_l("Collegamento per la partecipazione da remoto"),
                             validators=[Length(max=500)], render_kw={"inputmode": "url"})
    remote_platform = SelectField(_l("Piattaforma"), choices=[SelectChoice(value, label) for value, label in PLATFORMS])
    registration_opens_at = LocalDateTimeField(_l("Apertura iscrizioni"), validators=[Optional()])
    registration_closes_at = LocalDateTimeField(_l("Chiusura iscrizioni"), validators=[Optional()])
    invitation_only = BooleanField(_l("Solo su invito"))
    language = SelectField(_l("Lingua delle e-mail ai partecipanti"),
                           choices=[SelectChoice("it", "Italiano"), SelectChoice("en", "English")])
    audience = TextAreaField(_l("A chi è rivolto"), filters=[_strip], render_kw={"rows": 2})
    costs = TextAreaField(_l("Costi"), filters=[_strip], render_kw={"rows": 2})
    organised_by = StringField(_l("Organizzato da"), validators=[Length(max=300)])
    patronage = StringField(_l("Patrocinato da"), validators=[Length(max=300)])
    #: checked by the service (`_check_contacts`), the same for the API and the demo loader
    contact_email = StringField(_l("E-mail di contatto"), validators=[Length(max=254)],
                                render_kw={"inputmode": "email", "autocomplete": "off"})
    contact_phone = StringField(_l("Telefono di contatto"), validators=[Length(max=40)],
                                render_kw={"inputmode": "tel", "autocomplete": "off"})
    more_info = TextAreaField(_l("Ulteriori informazioni"), filters=[_strip], render_kw={"rows": 3})
    beneficiaries = SelectMultipleField(_l("Enti beneficiari"), coerce=row_id, validate_choice=False)
    move_agenda = BooleanField(_l("Sposta anche il programma: i suoi orari si spostano quanto l'inizio"),
                               default=True)
    #: the notice the organiser saw and confirmed (`manage.notice_to_confirm`)
    confirm_notice = HiddenField()
    #: for a meeting of a series: whether place, link, capacities and times go to the later ones
    apply_to = RadioField(_l("Applica le modifiche a"), default="only", choices=[
        SelectChoice("only", _l("Solo questo incontro")),
        SelectChoice("following", _l("Questo incontro e i successivi della serie (luogo, "
                                     "collegamento, posti e orari)"))])

    def set_choices(self, host_events, programmes, organisations=()):
        self.host_event.choices = [SelectChoice(None, _l("Nessuno"))] + [
            SelectChoice(h.id, f"{h.title}, {h.city or ''} ({h.starts_on:%d/%m/%Y})") for h in host_events]
        self.programme.choices = [SelectChoice(None, _l("Nessuno"))] + [
            SelectChoice(p.id, p.name) for p in programmes]
        self.phase.choices = [SelectChoice(None, _l("In base alla data"))] + [
            SelectChoice(ph.id, ph.name, optgroup=p.name) for p in programmes for ph in p.phases]
        if "beneficiaries" in self:
            self.beneficiaries.choices = [SelectChoice(o.id, o.name) for o in organisations]


class CopyEventForm(EventForm):
    """The event form pre-filled from another event: its registration window moves with the
    dates chosen here, and its beneficiaries come along only when asked."""
    registration_opens_at = registration_closes_at = beneficiaries = move_agenda = None
    below_confirmed = apply_to = None
    copy_beneficiaries = BooleanField(_l("Copia anche gli enti beneficiari"))


class AgendaPasteForm(Form):
    """An agenda as the organiser has it: pasted text, or a CSV or XLSX file."""
    text = TextAreaField(_l("Il programma, come ce l'hai"), render_kw={"rows": 14},
                         description=_l("Incollalo da un'e-mail, da un documento Word o PDF, da una "
                                        "pagina web: orari, titoli e relatori, una riga per volta."))
    upload = FileField(_l("Oppure un foglio CSV o XLSX"),
                       validators=[FileAllowed(["csv", "txt", "xlsx"],
                                               _l("Carica un file .csv o .xlsx."))],
                       render_kw={"accept": ".csv,.txt,.xlsx,text/csv"})


class AgendaConfirmForm(Form):
    """The preview's own fields; the items are read from the request by `posted_agenda`."""
    digest = HiddenField(validators=[DataRequired()])
    unplaced = HiddenField()
    mode = RadioField(_l("Come inserirlo"), default="append", choices=[
        SelectChoice("append", _l("Aggiungilo in fondo al programma attuale")),
        SelectChoice("replace", _l("Sostituisci il programma attuale"))])


class CheckboxesField(SelectMultipleField):
    """Several choices as tick boxes (days of the week), rendered by the `choices` macro."""
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class TemplateEventForm(EventForm):
    """The event form started from a template: dates to choose, the registration window placed
    from them as the template keeps it."""
    registration_opens_at = registration_closes_at = move_agenda = below_confirmed = None
    apply_to = None


class TemplateNameForm(Form):
    name = StringField(_l("Nome del modello"),
                       validators=[DataRequired(REQUIRED), Length(max=200)])


def _weekdays():
    return [SelectChoice(number, name) for number, name in enumerate(weekday_names())]


def _weeks_of_month():
    return [SelectChoice(number, name) for number, name in week_of_month_names().items()]


class SeriesForm(Form):
    """A series made from an event: the rule, how it ends, the meetings' titles. "Mostra le
    date" previews; "Crea la serie" (shown with the preview) creates."""
    title = StringField(_l("Nome della serie"), validators=[Length(max=300)])
    title_pattern = StringField(_l("Titolo degli incontri"),
                                validators=[DataRequired(REQUIRED), Length(max=300)])
    frequency = RadioField(_l("Si ripete"), default="monthly", choices=[
        SelectChoice("monthly", _l("Ogni mese, in un giorno della settimana scelto")),
        SelectChoice("weekly", _l("Ogni settimana, o ogni alcune settimane, nei giorni scelti"))])
    interval = IntegerField(_l("Ogni quanti mesi o settimane"), default=1,
                            validators=[DataRequired(REQUIRED), NumberRange(min=1, max=12)])
    week_of_month = SelectField(_l("Settimana del mese"), coerce=int, choices=_weeks_of_month)
    weekday = SelectField(_l("Giorno (serie mensile)"), coerce=int, choices=_weekdays)
    weekdays = CheckboxesField(_l("Giorni (serie settimanale)"), coerce=int, choices=_weekdays)
    ends = RadioField(_l("Fine della serie"), default="count", choices=[
        SelectChoice("count", _l("Dopo un numero di incontri")),
        SelectChoice("until", _l("In una data"))])
    count = IntegerField(_l("Numero di incontri (compreso il primo)"), validators=[Optional()])
    until = DateField(_l("Ultimo giorno possibile"), validators=[Optional()])
    skip_holidays = BooleanField(_l("Salta le festività nazionali"), default=True)


class AgendaItemForm(Form):
    title = StringField(_l("Titolo"), validators=[DataRequired(REQUIRED), Length(max=300)])
    kind = SelectField(_l("Tipo"), choices=enum_options(AgendaItemKind), default=AgendaItemKind.TALK.value)
    day = SelectField(_l("Giorno"), validate_choice=False)
    start_time = ClockField(_l("Ora di inizio"), validators=[Optional()],
                            description=_l("Lascia vuoto se il punto segue quello precedente."))
    end_time = ClockField(_l("Ora di fine"), validators=[Optional()])
    section = StringField(_l("Titolo di sezione (facoltativo)"),
                          validators=[Length(max=200)])
    description = TextAreaField(_l("Descrizione (facoltativa)"), filters=[_strip], render_kw={"rows": 2})

    def set_days(self, event):
        first = event.starts_at.astimezone(ROME).date()
        last = event.ends_at.astimezone(ROME).date()
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        self.day.choices = [SelectChoice(d.isoformat(), d.strftime("%d/%m/%Y")) for d in days]
        if not self.day.data:
            self.day.data = first.isoformat()
        return len(days) > 1

    def validate_day(self, field):
        """Only the event's days are offered: anything else would make no time (and no 500)."""
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Scegli uno dei giorni dell'evento."))

    def moment(self, clock):
        """The aware datetime for a time typed on the chosen day, or None."""
        if clock is None:
            return None
        day = datetime.fromisoformat(self.day.data).date()
        return datetime.combine(day, clock, tzinfo=ROME)

    def fill_from(self, item):
        for name in ("title", "section", "description"):
            getattr(self, name).data = getattr(item, name)
        self.kind.data = item.kind.value
        if item.starts_at:
            local = item.starts_at.astimezone(ROME)
            self.day.data, self.start_time.data = local.date().isoformat(), local.time()
        if item.ends_at:
            self.end_time.data = item.ends_at.astimezone(ROME).time()


class SpeakerForm(Form):
    name = StringField(_l("Nome e cognome"), validators=[DataRequired(REQUIRED), Length(max=200)],
                       render_kw={"list": "known-speakers", "autocomplete": "off"})
    role = StringField(_l("Ruolo"), validators=[Length(max=200)])
    organisation = StringField(_l("Ente"), validators=[Length(max=200)],
                               render_kw={"list": "known-organisations", "autocomplete": "off"})
    remote = BooleanField(_l("In collegamento (interviene da remoto)"))
