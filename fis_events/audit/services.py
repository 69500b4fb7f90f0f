"""Recording staff actions, and reading them back as Italian sentences.

`record()` adds an entry to the current session, so it is written by the commit of the change it
describes, or not at all: services call it before their commit. Who acted comes from the
request: the user it is logged in as and the door device it was made from (put on `g` by
fis_events.checkin.access), or the command line when there is no request. A request with neither
is a participant using their own registration link: every staff route needs a login or a paired
device, so nothing else reaches a service anonymously.
"""
import enum
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import g, has_request_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload

from ..accounts.models import Role, User
from ..db_types import parse_day, parse_id
from ..errors import DomainError
from ..extensions import db
from ..i18n import ROME, long_date, number, to_rome
from .models import ActorKind, AuditEntry

#: code: (kind of action, for the filter; what the actor did, as a sentence)
ACTIONS = {
    "event.created": (_l("Evento creato"), _l("Ha creato l'evento «%(event)s»")),
    "event.updated": (_l("Evento modificato"), _l("Ha modificato l'evento «%(event)s»")),
    "event.published": (_l("Evento pubblicato"), _l("Ha pubblicato l'evento «%(event)s»")),
    "event.unpublished": (_l("Evento riportato in bozza"),
                          _l("Ha riportato in bozza l'evento «%(event)s»")),
    "event.cancelled": (_l("Evento annullato"), _l("Ha annullato l'evento «%(event)s»")),
    "event.held": (_l("Incontro segnato come svolto"),
                   _l("Ha segnato come svolto l'incontro «%(event)s»")),
    "event.held_undone": (_l("Incontro non più segnato come svolto"),
                          _l("Ha tolto il segno di incontro svolto a «%(event)s»")),
    "agenda.item_added": (_l("Punto del programma aggiunto"),
                          _l("Ha aggiunto il punto «%(item)s» al programma di «%(event)s»")),
    "agenda.item_updated": (_l("Punto del programma modificato"),
                            _l("Ha modificato il punto «%(item)s» del programma di «%(event)s»")),
    "agenda.item_deleted": (_l("Punto del programma eliminato"),
                            _l("Ha eliminato un punto dal programma di «%(event)s»")),
    "agenda.item_moved": (_l("Punto del programma spostato"),
                          _l("Ha spostato il punto «%(item)s» nel programma di «%(event)s»")),
    "agenda.speaker_added": (_l("Relatore aggiunto"),
                             _l("Ha aggiunto %(speaker)s ai relatori del punto «%(item)s» di "
                                "«%(event)s»")),
    "agenda.speaker_updated": (_l("Relatore modificato"),
                               _l("Ha segnato %(speaker)s %(remote)s nel punto «%(item)s» di "
                                  "«%(event)s»")),
    "agenda.speaker_removed": (_l("Relatore tolto"),
                               _l("Ha tolto %(speaker)s dai relatori del punto «%(item)s» di "
                                  "«%(event)s»")),
    "agenda.speaker_moved": (_l("Relatore spostato"),
                             _l("Ha spostato %(speaker)s tra i relatori del punto «%(item)s» di "
                                "«%(event)s»")),
    "registration.added": (_l("Iscrizione fatta dall'organizzatore"),
                           _l("Ha iscritto %(person)s a «%(event)s»")),
    "registration.cancelled": (_l("Iscrizione annullata"),
                               _l("Ha annullato l'iscrizione di %(person)s a «%(event)s»")),
    "registration.mode_switched": (_l("Modalità cambiata"),
                                   _l("Ha cambiato la modalità di %(person)s a «%(event)s»: ora "
                                      "%(mode)s")),
    "registration.promoted": (_l("Iscrizione confermata dalla lista d'attesa"),
                              _l("Ha confermato %(person)s, dalla lista d'attesa, a «%(event)s»")),
    "registration.resent": (_l("E-mail dell'iscrizione inviata di nuovo"),
                            _l("Ha inviato di nuovo l'e-mail dell'iscrizione di %(person)s a "
                               "«%(event)s»")),
    "registrations.invited": (_l("Inviti inviati"),
                              _l("Ha inviato inviti per «%(event)s» (indirizzi: %(count)s)")),
    "registrations.messaged": (_l("Messaggio agli iscritti"),
                               _l("Ha scritto agli iscritti di «%(event)s» (destinatari: %(count)s)")),
    "registrations.exported": (_l("Elenco degli iscritti esportato"),
                               _l("Ha esportato l'elenco degli iscritti a «%(event)s» (%(format)s, "
                                  "righe: %(count)s)")),
    "badges.downloaded": (_l("Badge scaricati"),
                          _l("Ha scaricato i badge di «%(event)s» (%(count)s)")),
    "certificates.downloaded": (_l("Attestati scaricati"),
                                _l("Ha scaricato gli attestati di «%(event)s» (%(count)s)")),
    "attendance.marked": (_l("Presenza segnata"),
                          _l("Ha segnato presente %(person)s a «%(event)s»")),
    "attendance.unmarked": (_l("Presenza tolta"),
                            _l("Ha tolto la presenza di %(person)s a «%(event)s»")),
    "attendance.added": (_l("Presente senza iscrizione aggiunto"),
                         _l("Ha aggiunto %(person)s, presente senza iscrizione, a «%(event)s»")),
    "attendance.report_imported": (_l("Report delle presenze importato"),
                                   _l("Ha importato il report delle presenze di «%(event)s» "
                                      "(nuove presenze: %(count)s)")),
    "checkin.manual": (_l("Ingresso registrato a mano"),
                       _l("Ha registrato a mano l'ingresso di %(person)s a «%(event)s»")),
    "checkin.undone": (_l("Ingresso annullato"),
                       _l("Ha annullato l'ingresso di %(person)s a «%(event)s»")),
    "checkin.walk_in": (_l("Iscrizione all'ingresso"),
                        _l("Ha iscritto all'ingresso %(person)s, arrivato senza iscrizione, a "
                           "«%(event)s»")),
    "checkin.staff_assigned": (_l("Personale assegnato all'ingresso"),
                               _l("Ha assegnato %(user)s all'ingresso di «%(event)s»")),
    "checkin.staff_removed": (_l("Personale tolto dall'ingresso"),
                              _l("Ha tolto %(user)s dall'ingresso di «%(event)s»")),
    "checkin.pairing_created": (_l("Codice di abbinamento creato"),
                                _l("Ha creato un codice per abbinare telefoni all'ingresso di "
                                   "«%(event)s»")),
    "checkin.device_paired": (_l("Dispositivo abbinato"),
                              _l("Ha abbinato il dispositivo «%(device)s» all'ingresso di "
                                 "«%(event)s»")),
    "checkin.device_revoked": (_l("Dispositivo disabilitato"),
                               _l("Ha disabilitato il dispositivo «%(device)s» all'ingresso di "
                                  "«%(event)s»")),
    "organisation.updated": (_l("Ente modificato"),
                             _l("Ha modificato i dati dell'ente %(organisation)s")),
    "organisation.stage_recorded": (_l("Tappa del programma registrata"),
                                    _l("Ha registrato la tappa «%(stage)s» dell'ente "
                                       "%(organisation)s, con data %(date)s")),
    "organisation.stage_deleted": (_l("Tappa del programma eliminata"),
                                   _l("Ha eliminato la tappa «%(stage)s» dell'ente "
                                      "%(organisation)s")),
    "person.erased": (_l("Persona anonimizzata"),
                      _l("Ha anonimizzato i dati personali della persona n. %(target_id)s")),
    "people.purged": (_l("Periodo di conservazione applicato"),
                      _l("Ha applicato il periodo di conservazione (persone "
                         "anonimizzate: %(count)s)")),
    "results.recounted": (_l("Cifre ricalcolate"), _l("Ha ricalcolato le cifre della partecipazione")),
    "results.exported": (_l("Partecipanti esportati dai risultati"),
                         _l("Ha esportato l'elenco dei partecipanti dai risultati (%(format)s, "
                            "righe: %(count)s)")),
    "account.login": (_l("Accesso"), _l("È entrato nell'area riservata")),
    "account.logout": (_l("Uscita"), _l("È uscito dall'area riservata")),
    "account.created": (_l("Account creato"), _l("Ha creato l'account di %(user)s (%(role)s)")),
    "audit.exported": (_l("Registro delle attività esportato"),
                       _l("Ha esportato il registro delle attività (righe: %(count)s)")),
}

PER_PAGE = 50


# ---- recording ------------------------------------------------------------------------------

def record(action, *, event=None, target=None, user=None, device=None, **details):
    """Add an entry for `action` (a code of ACTIONS) to the session; the caller's commit writes
    it. `event` and `target` are rows (or, for the event, an id); `user` and `device` name the
    actor when the caller knows better than the request (logging in, pairing a phone, a service
    told who acts). `details`: numbers, codes, dates, enums; never names or addresses."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action: {action}")
    if any(getattr(row, "id", 0) is None for row in (event, target)):
        db.session.flush()  # a row created in this transaction: its id
    kind, user_id, device_id = _actor(user, device)
    entry = AuditEntry(
        actor_kind=kind, actor_user_id=user_id, actor_device_id=device_id, action=action,
        event_id=getattr(event, "id", event),
        target_type=target.__tablename__ if target is not None else None,
        target_id=target.id if target is not None else None,
        details={name: _plain(value) for name, value in details.items()} or None)
    db.session.add(entry)
    return entry


def _plain(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _actor(user, device):
    """(kind, user id, device id) of whoever acts now."""
    if user is not None and not getattr(user, "is_authenticated", True):
        user = None
    if user is None and device is None:
        if not has_request_context():
            return ActorKind.COMMAND_LINE, None, None
        user, device = g.get("checkin_actor", (None, None))
        if user is None and device is None and current_user.is_authenticated:
            user = current_user
    if user is None and device is None:
        return ActorKind.PARTICIPANT, None, None
    return (ActorKind.USER if user is not None else ActorKind.DEVICE,
            getattr(user, "id", None), getattr(device, "id", None))


# ---- reading --------------------------------------------------------------------------------

#: the "chi" filter's values besides a user id
ACTOR_FILTERS = {"dispositivi": ActorKind.DEVICE, "riga-di-comando": ActorKind.COMMAND_LINE,
                 "partecipanti": ActorKind.PARTICIPANT}


@dataclass
class Filters:
    user: User | None = None
    actor_kind: ActorKind | None = None
    event_id: int | None = None
    action: str | None = None
    date_from: date | None = None
    date_to: date | None = None


def parse_filters(args):
    """Filters from the query string (chi, evento, azione, dal, al); DomainError naming the field
    for a value that is not one, so that nothing is silently ignored."""
    def value(name):
        return (args.get(name) or "").strip()

    def day(name, message):
        if not value(name):
            return None
        found = parse_day(value(name))
        if found is None:
            raise DomainError(message, field=name)
        return found

    filters = Filters()
    actor = value("chi")
    if actor in ACTOR_FILTERS:
        filters.actor_kind = ACTOR_FILTERS[actor]
    elif actor:
        user_id = parse_id(actor)
        filters.user = db.session.get(User, user_id) if user_id is not None else None
        if filters.user is None:
            raise DomainError(_("Autore sconosciuto."), field="chi")
    if value("evento"):
        filters.event_id = parse_id(value("evento"))
        if filters.event_id is None:
            raise DomainError(_("Il numero dell'evento è un numero intero, ad esempio 12."),
                              field="evento")
    if value("azione"):
        if value("azione") not in ACTIONS:
            raise DomainError(_("Tipo di azione sconosciuto."), field="azione")
        filters.action = value("azione")
    filters.date_from = day("dal", _("Data iniziale non valida (aaaa-mm-gg)."))
    filters.date_to = day("al", _("Data finale non valida (aaaa-mm-gg)."))
    if filters.date_from and filters.date_to and filters.date_to < filters.date_from:
        raise DomainError(_("La data finale viene prima di quella iniziale."), field="al")
    return filters


def _rome_midnight(day):
    return datetime.combine(day, time(), ROME)


def log_query(filters):
    """The entries that match, newest first."""
    query = db.select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if filters.user is not None:
        query = query.where(AuditEntry.actor_user_id == filters.user.id)
    elif filters.actor_kind is ActorKind.DEVICE:
        query = query.where(AuditEntry.actor_device_id.is_not(None))
    elif filters.actor_kind is not None:
        query = query.where(AuditEntry.actor_kind == filters.actor_kind)
    if filters.event_id is not None:
        query = query.where(AuditEntry.event_id == filters.event_id)
    if filters.action is not None:
        query = query.where(AuditEntry.action == filters.action)
    if filters.date_from is not None:
        query = query.where(AuditEntry.at >= _rome_midnight(filters.date_from))
    if filters.date_to is not None:
        query = query.where(AuditEntry.at < _rome_midnight(filters.date_to + timedelta(days=1)))
    return query


@dataclass
class LogRow:
    """One entry as the page and the export show it."""

    entry: AuditEntry
    who: str
    what: str
    #: None without an event, or when the event no longer exists
    event_title: str | None

    @property
    def kind(self):
        return str(ACTIONS[self.entry.action][0])


#: what each kind of target is called in the sentences
TARGET_PLACEHOLDERS = {"registration": "person", "person": "person", "agenda_item": "item",
                       "speaker": "speaker", "organisation": "organisation", "user": "user",
                       "checkin_device": "device"}


def describe(entries):
    """The entries as rows with names read now (so an anonymised person reads as such), in a
    fixed number of queries whatever their number: one per kind of thing they mention."""
    names = _names(entries)
    rows = []
    for entry in entries:
        values = defaultdict(lambda: _("(eliminato)"))
        details = entry.details or {}
        if entry.event_id is not None:
            values["event"] = names["event"].get(entry.event_id, _("evento n. %(id)s, eliminato",
                                                                   id=entry.event_id))
        if entry.target_type in TARGET_PLACEHOLDERS and entry.target_id in names[entry.target_type]:
            values[TARGET_PLACEHOLDERS[entry.target_type]] = names[entry.target_type][entry.target_id]
        if details.get("item") in names["agenda_item"]:
            values["item"] = names["agenda_item"][details["item"]]
        values.update(_detail_values(details), target_id=entry.target_id)
        what = str(ACTIONS[entry.action][1]) % values + _suffix(entry, details, values)
        rows.append(LogRow(entry, _who(entry, names), what, names["event"].get(entry.event_id)))
    return rows


def _names(entries):
    """{kind of row: {id: name}} for everything the entries mention."""
    from ..checkin.models import CheckinDevice
    from ..events.models import AgendaItem, Event, Speaker
    from ..programme.models import Organisation
    from ..registration.models import Person, Registration

    ids = defaultdict(set)
    for entry in entries:
        if entry.event_id is not None:
            ids["event"].add(entry.event_id)
        if entry.target_type is not None:
            ids[entry.target_type].add(entry.target_id)
        if entry.actor_user_id is not None:
            ids["user"].add(entry.actor_user_id)
        if entry.actor_device_id is not None:
            ids["checkin_device"].add(entry.actor_device_id)
        if (entry.details or {}).get("item") is not None:
            ids["agenda_item"].add(entry.details["item"])

    def load(kind, model, *columns, options=()):
        if not ids[kind]:
            return []
        query = db.select(*(columns or (model,))).where(model.id.in_(ids[kind])).options(*options)
        return db.session.execute(query).all()

    registrations = [row[0] for row in load("registration", Registration,
                                            options=[joinedload(Registration.person)])]
    users = {row.id: row for row in load("user", User, User.id, User.name, User.role)}
    return {
        "event": dict(load("event", Event, Event.id, Event.title)),
        "registration": {r.id: r.person.full_name for r in registrations},
        "person": {row.id: f"{row.first_name} {row.last_name}"
                   for row in load("person", Person, Person.id, Person.first_name, Person.last_name)},
        "agenda_item": dict(load("agenda_item", AgendaItem, AgendaItem.id, AgendaItem.title)),
        "speaker": dict(load("speaker", Speaker, Speaker.id, Speaker.name)),
        "organisation": dict(load("organisation", Organisation, Organisation.id, Organisation.name)),
        "user": {user_id: row.name for user_id, row in users.items()},
        "users": users,
        "checkin_device": dict(load("checkin_device", CheckinDevice, CheckinDevice.id,
                                    CheckinDevice.name)),
    }


def _detail_values(details):
    from ..programme.models import ProgrammeStage
    from ..registration.models import AttendanceMode

    values = {}
    if "count" in details:
        values["count"] = number(details["count"])
    if "mode" in details:
        values["mode"] = AttendanceMode(details["mode"]).label
    if "remote" in details:
        values["remote"] = _("in collegamento") if details["remote"] else _("in presenza")
    if "stage" in details:
        values["stage"] = ProgrammeStage(details["stage"]).label
    if "reached_on" in details:
        values["date"] = long_date(date.fromisoformat(details["reached_on"]))
    if "format" in details:
        values["format"] = details["format"].upper()
    if "role" in details:
        values["role"] = Role(details["role"]).label
    return values


def _suffix(entry, details, values):
    """What some entries add to their sentence."""
    if details.get("outcome") == "waiting":
        return " " + _("(in lista d'attesa)")
    if details.get("kept"):
        return " " + _("(resta presente per altre fonti)")
    if entry.action == "registrations.invited" and entry.target_type == "organisation":
        return " " + _("(ente: %(name)s)", name=values["organisation"])
    return ""


def _who(entry, names):
    user = names["users"].get(entry.actor_user_id)
    device = names["checkin_device"].get(entry.actor_device_id, _("n. %(id)s", id=entry.actor_device_id))
    if entry.actor_kind is ActorKind.USER:
        who = f"{user.name} ({user.role.label})" if user else _("utente n. %(id)s", id=entry.actor_user_id)
        if entry.actor_device_id is not None:
            who += ", " + _("dal dispositivo «%(name)s»", name=device)
        return who
    if entry.actor_kind is ActorKind.DEVICE:
        return _("Dispositivo «%(name)s»", name=device)
    return entry.actor_kind.label


def log_page(filters, page):
    """One page of the log (a Flask-SQLAlchemy pagination) and its rows."""
    pages = db.paginate(log_query(filters), page=page, per_page=PER_PAGE, max_per_page=PER_PAGE,
                        error_out=False)
    return pages, describe(pages.items)


def export_rows(filters):
    """(header, rows) of the whole filtered log for fis_events.spreadsheets."""
    rows = describe(db.session.scalars(log_query(filters)).all())
    header = [_("Quando"), _("Chi"), _("Tipo di azione"), _("Che cosa"), _("Evento (n.)"),
              _("Evento")]
    return header, [[to_rome(row.entry.at).strftime("%d/%m/%Y %H:%M:%S"), row.who, row.kind,
                     row.what, row.entry.event_id or "", row.event_title or ""] for row in rows]


def actor_choices():
    """(value, label) for the "chi" filter: every staff account, then the other kinds."""
    users = db.session.execute(db.select(User.id, User.name, User.role).order_by(User.name)).all()
    return ([(str(user.id), f"{user.name} ({user.role.label})") for user in users]
            + [(value, kind.label) for value, kind in ACTOR_FILTERS.items()])
