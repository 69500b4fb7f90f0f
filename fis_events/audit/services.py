"""The activity log read back as Italian sentences: filters, pages, the CSV. Entries are
recorded by fis_events/audit_record.py, in the transaction of the change they describe."""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from ..accounts.models import Role, User
from ..audit_record import ACTIONS, ActorKind, AuditEntry
from ..db_types import parse_day, parse_id
from ..errors import DomainError
from ..extensions import db
from ..i18n import ROME, long_date, number

PER_PAGE = 50


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
                       "checkin_device": "device", "event_template": "template",
                       "invitation": "person"}


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
    from ..events.models import AgendaItem, Event, EventTemplate, Speaker
    from ..programme.models import Organisation
    from ..registration.models import Invitation, Person, Registration

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
        # an invitee not yet a person: their address, while the invitation exists
        "invitation": dict(load("invitation", Invitation, Invitation.id, Invitation.email)),
        "agenda_item": dict(load("agenda_item", AgendaItem, AgendaItem.id, AgendaItem.title)),
        "speaker": dict(load("speaker", Speaker, Speaker.id, Speaker.name)),
        "event_template": dict(load("event_template", EventTemplate, EventTemplate.id,
                                    EventTemplate.name)),
        "organisation": dict(load("organisation", Organisation, Organisation.id, Organisation.name)),
        "user": {user_id: row.name for user_id, row in users.items()},
        "users": users,
        "checkin_device": dict(load("checkin_device", CheckinDevice, CheckinDevice.id,
                                    CheckinDevice.name)),
    }


def _detail_values(details):
    from ..events.models import EventKind
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
    if "programme" in details:  # a programme's code
        values["programme"] = details["programme"]
    if "reached_on" in details:
        values["date"] = long_date(date.fromisoformat(details["reached_on"]))
    if "merged" in details:
        values["merged"] = details["merged"]
    if "format" in details:
        values["format"] = details["format"].upper()
    if "role" in details:
        values["role"] = Role(details["role"]).label
    if "event_kind" in details:
        values["event_kind"] = EventKind(details["event_kind"]).label
    if "closes_on" in details:
        values["date"] = long_date(date.fromisoformat(details["closes_on"]))
    return values


def _suffix(entry, details, values):
    """What some entries add to their sentence."""
    if details.get("outcome") == "waiting":
        return " " + _("(in lista d'attesa)")
    if details.get("replaced"):
        return " " + _("(al posto del programma precedente)")
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
    return header, [[row.entry.at, row.who, row.kind,
                     row.what, row.entry.event_id or "", row.event_title or ""] for row in rows]


def actor_choices():
    """(value, label) for the "chi" filter: every staff account, then the other kinds."""
    users = db.session.execute(db.select(User.id, User.name, User.role).order_by(User.name)).all()
    return ([(str(user.id), f"{user.name} ({user.role.label})") for user in users]
            + [(value, kind.label) for value, kind in ACTOR_FILTERS.items()])
