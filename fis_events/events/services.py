"""Rules for events and their agendas: one function per change, used by every entry point."""
import re
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email

from blinker import Namespace
from sqlalchemy.orm import selectinload

from flask_babel import gettext as _

from .. import audit_record as audit
from ..db_types import utcnow
from ..errors import DomainError
from ..extensions import db
from ..i18n import after_clock_minutes, clock_minutes, short_time
from ..search import search_key
from ..text import one_line
from ..programme.services import find_or_create_organisation, organisations_merged, phase_on
from .locks import lock_event
from .models import (AgendaItem, AgendaItemSpeaker, Event, EventStatus, HostEvent, Speaker,
                     event_search_text)

#: the public page's optional content (Designers Italia's event page)
PAGE_FIELDS = ("audience", "costs", "organised_by", "patronage", "contact_email", "contact_phone",
               "more_info")
EVENT_FIELDS = (
    "title", "kind", "description", "starts_at", "ends_at", "venue", "address", "city",
    "host_event", "remote_url", "remote_platform", "programme", "phase", "offers_in_person",
    "offers_remote", "capacity_in_person", "capacity_remote", "registration_opens_at",
    "registration_closes_at", "invitation_only", "beneficiaries", "language",
) + PAGE_FIELDS
#: folded to one line whoever sets them (form, API, CLI, demo loader)
ONE_LINE_FIELDS = ("title", "venue", "address", "city", "remote_url", "remote_platform",
                   "organised_by", "patronage", "contact_email", "contact_phone")


# ---- events -------------------------------------------------------------------------------

def save_event(event, *, note=None, move_agenda=False, below_confirmed=False, **fields):
    """Create or change an event after checking every rule; nothing is written on error.

    `move_agenda`: when the start moves, the agenda's times move with it (on Rome's clock). A
    change participants see (`participant_changes`) raises the calendar SEQUENCE and tells them,
    with the organiser's `note`, in this transaction (`participants_affected`). A capacity lower
    than the people already confirmed in its mode is refused unless `below_confirmed` says so
    explicitly: then nobody loses their seat, and the mode has no free seat until cancellations
    bring it under the new limit."""
    values = event_values(event, fields)
    shift = agenda_shift(event, values) if move_agenda else None
    _check_event(event, values, shift)
    if values["phase"] is None and values["programme"] is not None:
        # No phase chosen: the one the event's date falls in (phases are dated, events too).
        values["phase"] = phase_on(values["programme"], values["starts_at"])
    more_seats = event.id is not None and any(
        _raised(getattr(event, name), values[name]) for name in CAPACITIES)
    fewer_seats = [name for name in CAPACITIES
                   if event.id is not None and _raised(values[name], getattr(event, name))]
    if more_seats or fewer_seats:
        # the seats it frees go to the people waiting, before anyone else; the confirmed are
        # counted while nobody can take a seat
        lock_event(event.id)
    if fewer_seats and not below_confirmed:
        _check_not_below_confirmed(event, values, fewer_seats)
    created = event.id is None
    changes = {} if created else participant_changes(event, values)
    for name, value in values.items():
        setattr(event, name, value)
    if shift:
        for item in event.agenda_items:
            item.starts_at, item.ends_at = _shifted(item.starts_at, shift), _shifted(item.ends_at, shift)
    if created:
        db.session.add(event)
    audit.record("event.created" if created else "event.updated", event=event,
                 **({"changed": sorted(changes)} if changes else {}))
    if more_seats:
        db.session.flush()
        capacity_raised.send(event)
    if changes:
        _tell_participants(event, changes, note)
    return event


def event_values(event, fields):
    """The event's values with `fields` applied (the programme follows the phase)."""
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown event fields: {sorted(unknown)}")
    values = {name: getattr(event, name) for name in EVENT_FIELDS}
    values.update(fields)
    values.update({name: one_line(values[name]) for name in ONE_LINE_FIELDS})
    if values["phase"] is not None and values["programme"] is None:
        values["programme"] = values["phase"].programme
    return values


def agenda_shift(event, values):
    """(old start, new start) when the start moves, else None: the agenda moves with it when
    asked, on Rome's clock (an item at 15.30 stays at 15.30 across a change of summer time)."""
    if event.id is None or values["starts_at"] is None or values["starts_at"] == event.starts_at:
        return None
    return event.starts_at, values["starts_at"]


def _shifted(moment, shift):
    if moment is None or not shift:
        return moment
    old_start, new_start = shift
    return after_clock_minutes(new_start, clock_minutes(moment, old_start))


# ---- what participants see changed ----------------------------------------------------------

#: what a participant's calendar entry and e-mails show, grouped as the notice names it
PLACE_FIELDS = ("venue", "address", "city")
MODE_FIELDS = ("offers_in_person", "offers_remote")


def participant_changes(event, values):
    """What the people registered would see changed if `event` took `values`: {what: [before,
    after]} in plain JSON, with what among "starts_at", "ends_at", "place", "modes",
    "remote_url" (only remote registrants are told of that one). Anything else (title,
    description, capacity, agenda) changes nothing they must act on, so it tells nobody."""
    changes = {}
    for name in ("starts_at", "ends_at"):
        if values[name] != getattr(event, name):
            changes[name] = [getattr(event, name).isoformat(), values[name].isoformat()]
    place = [_place(getattr(event, n) for n in PLACE_FIELDS), _place(values[n] for n in PLACE_FIELDS)]
    if place[0] != place[1]:
        changes["place"] = place
    modes = [[n for n in MODE_FIELDS if getattr(event, n)], [n for n in MODE_FIELDS if values[n]]]
    if modes[0] != modes[1]:
        changes["modes"] = modes
    if (values["remote_url"] or None) != (event.remote_url or None):
        changes["remote_url"] = [event.remote_url, values["remote_url"]]
    return changes


def _place(parts):
    return ", ".join(part for part in parts if part) or None


def _tell_participants(event, changes, note):
    """A participant-visible change: a new calendar revision, and notices to whoever it concerns
    (registration answers the signal, under this transaction)."""
    event.sequence, event.updated_at = event.sequence + 1, utcnow()
    note = (note or "").replace("\r\n", "\n").strip() or None
    participants_affected.send(event, changes=changes, note=note)


def notice_audience(event, changes):
    """Who a change would tell, for the organiser to see before saving: {"confirmed": [...],
    "waiting": [...], "invited": [...]}, each a list of names or addresses."""
    audience = {"confirmed": [], "waiting": [], "invited": []}
    for _receiver, answer in who_is_told.send(event, changes=changes):
        for group, people in answer.items():
            audience[group].extend(people)
    return audience


#: sent with the event, `changes` and the organiser's `note`, in the change's transaction,
#: after a change participants see; registration queues the notices
participants_affected = Namespace().signal("participants-affected")
#: sent with the event and `changes`; registration answers with who would be told
who_is_told = Namespace().signal("who-is-told")


CAPACITIES = ("capacity_in_person", "capacity_remote")

#: sent with the event under its lock; registration (which builds on events) answers with
#: {capacity field: how many are confirmed in that mode}
confirmed_seats = Namespace().signal("confirmed-seats")


def _check_not_below_confirmed(event, values, names):
    confirmed = {}
    for _receiver, counts in confirmed_seats.send(event):
        confirmed.update(counts)
    for name in names:
        if values[name] is not None and values[name] < confirmed.get(name, 0):
            raise DomainError(
                _("Ci sono già %(count)d iscritti confermati %(mode)s: i posti non possono scendere "
                  "a %(capacity)d. Per accettarlo spunta la conferma qui sotto (nessuno perde il "
                  "posto; non ci saranno posti liberi finché le cancellazioni non riportano gli "
                  "iscritti sotto il limite).", count=confirmed[name], mode=CAPACITY_MODES[name](),
                  capacity=values[name]), field=name)


CAPACITY_MODES = {"capacity_in_person": lambda: _("in presenza"),
                  "capacity_remote": lambda: _("da remoto")}


#: sent with the event, inside save_event's transaction and under the event's lock, when a
#: capacity was raised; registration (which builds on events) gives the new seats to the people
#: waiting, so that nobody registering meanwhile can take them first
capacity_raised = Namespace().signal("capacity-raised")


def _raised(old, new):
    """More seats than before (no limit counts as infinitely many)."""
    return old is not None and (new is None or new > old)


def registration_closes_at(event):
    """Registration closes when the organiser said, or when the event starts."""
    return event.registration_closes_at or event.starts_at


def registration_state(event, now=None):
    """'open', or why not: 'cancelled', 'not_published', 'not_yet', 'closed'."""
    now = now or utcnow()
    if event.is_cancelled:
        return "cancelled"
    if event.status is not EventStatus.PUBLISHED:
        return "not_published"
    if event.registration_opens_at and now < event.registration_opens_at:
        return "not_yet"
    if now >= registration_closes_at(event):
        return "closed"
    return "open"


def create_event(**fields):
    return save_event(Event(status=EventStatus.DRAFT), **fields)


def _check_event(event, v, shift=None):
    if not (v["title"] or "").strip():
        raise DomainError(_("Il titolo è obbligatorio."), field="title")
    if v["starts_at"] is None or v["ends_at"] is None:
        raise DomainError(_("Indica inizio e fine dell'evento."), field="starts_at")
    if v["ends_at"] <= v["starts_at"]:
        raise DomainError(_("La fine dell'evento deve essere successiva all'inizio."), field="ends_at")
    if not (v["offers_in_person"] or v["offers_remote"]):
        raise DomainError(
            _("Scegli almeno una modalità di partecipazione (in presenza o da remoto)."),
            field="offers_in_person",
        )
    for name in ("capacity_in_person", "capacity_remote"):
        if v[name] is not None and v[name] < 0:
            raise DomainError(_("I posti disponibili non possono essere negativi."), field=name)
    if v["remote_url"]:
        check_remote_url(v["remote_url"])
    _check_contacts(v["contact_email"], v["contact_phone"])
    opens, closes = v["registration_opens_at"], v["registration_closes_at"]
    if opens and closes and closes <= opens:
        raise DomainError(
            _("La chiusura delle iscrizioni deve essere successiva all'apertura."),
            field="registration_closes_at",
        )
    if closes and closes > v["ends_at"]:
        raise DomainError(
            _("Le iscrizioni devono chiudersi entro la fine dell'evento."),
            field="registration_closes_at",
        )
    if v["phase"] is not None and v["phase"].programme is not v["programme"]:
        raise DomainError(_("La fase scelta non appartiene al programma dell'evento."), field="phase")
    if event.id is not None:
        for item in event.agenda_items:
            if not _inside(_shifted(item.starts_at, shift), v) or not _inside(_shifted(item.ends_at, shift), v):
                raise DomainError(
                    _("Con questi orari il punto «%(title)s» del programma resterebbe fuori "
                      "dall'evento: correggi prima il programma.", title=item.title),
                    field="starts_at",
                )


#: a phone number as people write it: digits, spaces, + . - / ( ), at least six digits
PHONE = re.compile(r"\+?[\d\s./()-]*")


def _check_contacts(email, phone):
    """The page's contact points are published: a wrong one sends people nowhere."""
    if email:
        try:
            validate_email(email, check_deliverability=False)
        except EmailNotValidError:
            raise DomainError(_("Indirizzo e-mail di contatto non valido, ad esempio "
                                "eventi@comune.esempio.it."), field="contact_email") from None
    if phone and (not PHONE.fullmatch(phone) or sum(c.isdigit() for c in phone) < 6):
        raise DomainError(_("Numero di telefono non valido: solo cifre, spazi e il prefisso "
                            "internazionale, ad esempio +39 06 1234567."), field="contact_phone")


def _inside(moment, span):
    return moment is None or span["starts_at"] <= moment <= span["ends_at"]


def check_remote_url(url):
    """Meeting links are https URLs (Zoom, Teams, Webex, Jitsi or any other platform)."""
    parts = urlsplit(url.strip())
    if parts.scheme != "https" or not parts.netloc or " " in url.strip():
        raise DomainError(
            _("Il collegamento deve essere un indirizzo https valido, ad esempio "
              "https://teams.microsoft.com/…"),
            field="remote_url",
        )


def publish_event(event):
    if event.status is EventStatus.CANCELLED:
        raise DomainError(_("Un evento annullato non può essere pubblicato."))
    event.status = EventStatus.PUBLISHED
    audit.record("event.published", event=event)


def unpublish_event(event):
    if event.status is not EventStatus.PUBLISHED:
        raise DomainError(_("Solo un evento pubblicato può tornare in bozza."))
    event.status = EventStatus.DRAFT
    audit.record("event.unpublished", event=event)


#: the change a cancellation is, in `participant_changes`' terms
CANCELLED = {"cancelled": [False, True]}


def cancel_event(event, note=None):
    """Cancelled events stay visible (and in calendars, as cancelled) so people find out; the
    people registered or invited are told, with the organiser's `note`."""
    if event.status is EventStatus.CANCELLED:
        raise DomainError(_("L'evento è già annullato."))
    event.status = EventStatus.CANCELLED
    audit.record("event.cancelled", event=event)
    _tell_participants(event, CANCELLED, note)


PUBLIC_STATUSES = (EventStatus.PUBLISHED, EventStatus.CANCELLED)
WHEN = ("upcoming", "past", "home", "all")
SEARCH_LENGTH, SEARCH_WORDS = 200, 10


def agenda_loading():
    """Loader options that fetch an agenda, its speakers and their organisations in a few queries."""
    speakers = selectinload(Event.agenda_items).selectinload(AgendaItem.speaker_links)
    return (
        speakers.selectinload(AgendaItemSpeaker.speaker).selectinload(Speaker.organisation),
        selectinload(Event.host_event), selectinload(Event.programme), selectinload(Event.phase),
        selectinload(Event.beneficiaries),
    )


def refresh_search_text(event_ids):
    """The search text of events written in bulk, past the ORM's flush (the demo generator)."""
    for start in range(0, len(event_ids), 500):
        for event in db.session.scalars(db.select(Event).where(
                Event.id.in_(event_ids[start:start + 500])).options(*agenda_loading())):
            event.search_text = event_search_text(event)


@organisations_merged.connect
def _refresh_after_merge(survivor):
    """A merge moves beneficiaries and speakers past the ORM: their events take the survivor's name."""
    speaking = AgendaItem.speaker_links.any(AgendaItemSpeaker.speaker.has(organisation_id=survivor.id))
    refresh_search_text(db.session.scalars(db.select(Event.id).where(db.or_(
        Event.beneficiaries.any(id=survivor.id), Event.agenda_items.any(speaking)))).all())


def get_event(event_id, public=False, with_agenda=True):
    """An event with its whole agenda (or only its own row: a page that shows no agenda need
    not read one); None if missing, or not public when `public` is asked."""
    query = db.select(Event).where(Event.id == event_id)
    event = db.session.scalar(query.options(*agenda_loading()) if with_agenda else query)
    if event is not None and public and not event.is_public:
        return None
    return event


def public_events(*args, **kwargs):
    return db.session.scalars(public_events_query(*args, **kwargs)).all()


def search_words(text):
    """The words of a visitor's search as `search_key`s; odd characters and long texts are cut
    down, never refused (at most SEARCH_WORDS words of the first SEARCH_LENGTH characters)."""
    return search_key((text or "")[:SEARCH_LENGTH]).split()[:SEARCH_WORDS]


def public_events_query(when="upcoming", kind=None, phase_ids=None, programme=None,
                        series=None, with_agenda=False, search=None, invitation_only=None):
    """Published and cancelled events (never drafts): upcoming soonest first, past latest first,
    home (upcoming, then past latest first) or all by start. The same selection feeds the public
    list, the API and the calendars. `search` keeps the events whose search text holds every
    word; `invitation_only` True or False keeps only those by invitation or only the open ones."""
    if when not in WHEN:
        raise ValueError(when)
    query = db.select(Event).where(Event.status.in_(PUBLIC_STATUSES))
    query = query.options(*agenda_loading()) if with_agenda else query.options(
        selectinload(Event.host_event), selectinload(Event.programme), selectinload(Event.phase))
    now = utcnow()
    if when == "past":
        query = query.where(Event.ends_at < now).order_by(Event.starts_at.desc(), Event.id.desc())
    elif when == "upcoming":
        query = query.where(Event.ends_at >= now).order_by(Event.starts_at, Event.id)
    elif when == "home":
        upcoming = Event.ends_at >= now
        query = query.order_by(db.case((upcoming, 0), else_=1),
                               db.case((upcoming, Event.starts_at)),
                               db.case((upcoming, None), else_=Event.starts_at).desc(), Event.id)
    else:
        query = query.order_by(Event.starts_at, Event.id)
    if kind is not None:
        query = query.where(Event.kind == kind)
    if phase_ids is not None:
        query = query.where(Event.phase_id.in_(phase_ids))
    if programme is not None:
        query = query.where(Event.programme_id == programme.id)
    if series is not None:
        query = query.where(Event.series_id == series.id)
    if invitation_only is not None:
        query = query.where(Event.invitation_only == invitation_only)
    for word in search_words(search):
        query = query.where(Event.search_text.contains(word, autoescape=True))
    return query


# ---- agenda -------------------------------------------------------------------------------

def check_item_times(event, starts_at, ends_at):
    if ends_at is not None and starts_at is None:
        raise DomainError(_("Indica l'ora di inizio se indichi quella di fine."), field="start_time")
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        raise DomainError(_("L'ora di fine deve essere successiva all'ora di inizio."), field="end_time")
    span = {"starts_at": event.starts_at, "ends_at": event.ends_at}
    for moment, field in ((starts_at, "start_time"), (ends_at, "end_time")):
        if not _inside(moment, span):
            raise DomainError(
                _("L'orario deve essere compreso nella durata dell'evento (%(start)s – %(end)s).",
                  start=short_time(event.starts_at), end=short_time(event.ends_at)),
                field=field,
            )


def add_agenda_item(event, title, kind, starts_at=None, ends_at=None, section=None,
                    description=None):
    """Append an item at the end of the agenda."""
    check_item_title(title)
    check_item_times(event, starts_at, ends_at)
    item = AgendaItem(
        event=event, title=one_line(title), kind=kind, starts_at=starts_at, ends_at=ends_at,
        section=one_line(section) or None, description=(description or "").strip() or None,
        position=len(event.agenda_items),
    )
    db.session.add(item)
    audit.record("agenda.item_added", event=event, target=item)
    return item


def update_agenda_item(item, title, kind, starts_at=None, ends_at=None, section=None,
                       description=None):
    check_item_title(title)
    check_item_times(item.event, starts_at, ends_at)
    item.title, item.kind = one_line(title), kind
    item.starts_at, item.ends_at = starts_at, ends_at
    item.section = one_line(section) or None
    item.description = (description or "").strip() or None
    audit.record("agenda.item_updated", event=item.event_id, target=item)
    return item


def check_item_title(title):
    if not (title or "").strip():
        raise DomainError(_("Il titolo è obbligatorio."), field="title")


def delete_agenda_item(item):
    audit.record("agenda.item_deleted", event=item.event_id, target=item)
    _remove(item.event.agenda_items, item)


def move_agenda_item(item, offset=None, position=None):
    """Move an item up (-1) or down (+1), or to `position` (0 first; dragged there); a no-op at
    either end."""
    audit.record("agenda.item_moved", event=item.event_id, target=item)
    rows = item.event.agenda_items
    if position is None:
        position = list(rows).index(item) + offset
    _put(rows, item, position)


def _renumber(rows):
    for position, row in enumerate(rows):
        row.position = position


def _remove(rows, row):
    """Take a row out of an ordered collection (agenda, speakers) and close the gap."""
    rows.remove(row)
    _renumber(rows)


def _move(rows, row, offset):
    """Swap a row with its neighbour in an ordered collection."""
    _put(rows, row, list(rows).index(row) + offset)


def _put(rows, row, position):
    """Put a row at `position` in an ordered collection (nothing when outside it); the
    collection itself is reordered too (list.sort fires no collection events), as a fresh load
    would give it."""
    order = list(rows)
    if 0 <= position < len(order):
        order.remove(row)
        order.insert(position, row)
    _renumber(order)
    rows.sort(key=lambda r: r.position)


# ---- speakers -----------------------------------------------------------------------------

def find_or_create_speaker(name, role=None, organisation_name=None):
    """Speakers are reused across events: same name, role and organisation, same speaker."""
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_("Il nome del relatore è obbligatorio."), field="name")
    role = " ".join((role or "").split()) or None
    organisation = find_or_create_organisation(organisation_name)
    query = db.select(Speaker).filter_by(name=name, role=role)
    query = query.where(
        Speaker.organisation_id.is_(None) if organisation is None
        else Speaker.organisation_id == organisation.id
    )
    speaker = db.session.scalars(query).first()
    if speaker is None:
        speaker = Speaker(name=name, role=role, organisation=organisation)
        db.session.add(speaker)
    return speaker


def add_speaker(item, name, role=None, organisation_name=None, remote=False):
    speaker = find_or_create_speaker(name, role, organisation_name)
    if any(link.speaker is speaker for link in item.speaker_links):
        raise DomainError(_("%(name)s è già tra i relatori di questo punto.", name=speaker.name),
                          field="name")
    link = AgendaItemSpeaker(agenda_item=item, speaker=speaker, remote=bool(remote),
                             position=len(item.speaker_links))
    db.session.add(link)
    db.session.flush()  # the caller links to it
    _record_speaker("agenda.speaker_added", link)
    return link


def _record_speaker(action, link, **details):
    item = link.agenda_item
    audit.record(action, event=item.event_id, target=link.speaker, item=item.id, **details)


def set_speaker_remote(link, remote):
    link.remote = bool(remote)
    _record_speaker("agenda.speaker_updated", link, remote=link.remote)


def remove_speaker(link):
    _record_speaker("agenda.speaker_removed", link)
    _remove(link.agenda_item.speaker_links, link)


def move_speaker(link, offset):
    _record_speaker("agenda.speaker_moved", link)
    _move(link.agenda_item.speaker_links, link, offset)


def speaker_line(link):
    """'Cinzia Di Fenza, Responsabile del progetto, Formez (in collegamento)'."""
    speaker = link.speaker
    parts = [speaker.name, speaker.role, speaker.organisation.name if speaker.organisation else None]
    text = ", ".join(p for p in parts if p)
    return f"{text} ({_('in collegamento')})" if link.remote else text


def agenda_lines(event):
    """The agenda as plain lines, the way the programme publishes it (calendars, print)."""
    lines = []
    for item in event.agenda_items:
        if item.section:
            lines.append(item.section.upper())
        head = f"{_('ore')} {short_time(item.starts_at)} — " if item.starts_at else ""
        speakers = "; ".join(speaker_line(link) for link in item.speaker_links)
        lines.append(head + item.title + (f" — {speakers}" if speakers else ""))
    return lines


def find_or_create_host_event(title, city, starts_on, ends_on):
    """The larger event hosting a session, e.g. "40ª Assemblea ANCI", Genova, 24–26 ottobre."""
    if starts_on is None or ends_on is None:
        raise DomainError(_("Indica il primo e l'ultimo giorno dell'evento ospitante."),
                          field="host_starts_on")
    if ends_on < starts_on:
        raise DomainError(_("L'ultimo giorno dell'evento ospitante non può precedere il primo."),
                          field="host_ends_on")
    host = db.session.scalar(db.select(HostEvent).filter_by(title=title, starts_on=starts_on))
    if host is None:
        host = HostEvent(title=title, city=city or None, starts_on=starts_on, ends_on=ends_on)
        db.session.add(host)
    return host
