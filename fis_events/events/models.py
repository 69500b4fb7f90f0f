"""Events, agenda items and speakers."""
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from ..db_types import EnumText, LabelledEnum, UTCDateTime, utcnow
from ..extensions import db
from ..programme.models import Organisation
from ..search import search_key


class EventKind(LabelledEnum):
    SUPPORT_MEETING = "support_meeting"
    PUBLIC_EVENT = "public_event"
    WORKSHOP = "workshop"
    WEBINAR = "webinar"

    @classmethod
    def _labels(cls):
        return {
            cls.SUPPORT_MEETING: _l("Incontro di supporto"),
            cls.PUBLIC_EVENT: _l("Evento pubblico"),
            cls.WORKSHOP: _l("Workshop"),
            cls.WEBINAR: _l("Webinar"),
        }


class EventStatus(LabelledEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"

    @classmethod
    def _labels(cls):
        return {
            cls.DRAFT: _l("Bozza"),
            cls.PUBLISHED: _l("Pubblicato"),
            cls.CANCELLED: _l("Annullato"),
        }


class AgendaItemKind(LabelledEnum):
    REGISTRATION = "registration"
    TALK = "talk"
    PANEL = "panel"
    BREAK = "break"
    CONCLUSIONS = "conclusions"
    OTHER = "other"

    @classmethod
    def _labels(cls):
        return {
            cls.REGISTRATION: _l("Registrazione"),
            cls.TALK: _l("Intervento"),
            cls.PANEL: _l("Tavola rotonda"),
            cls.BREAK: _l("Pausa"),
            cls.CONCLUSIONS: _l("Conclusioni"),
            cls.OTHER: _l("Altro"),
        }


event_beneficiary = db.Table(
    "event_beneficiary",
    db.Column("event_id", db.ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
    db.Column("organisation_id", db.ForeignKey("organisation.id"), primary_key=True),
)


class HostEvent(db.Model):
    """A larger event that hosts ours, e.g. "40ª Assemblea ANCI, Genova"."""

    __table_args__ = (db.UniqueConstraint("title", "starts_on"),)

    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    city = db.Column(db.String(100))
    starts_on = db.Column(db.Date, nullable=False)
    ends_on = db.Column(db.Date, nullable=False)

    def __str__(self):
        return self.title


def _new_uid():
    return secrets.token_hex(16)


class Event(db.Model):
    __table_args__ = (
        db.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        db.CheckConstraint("capacity_in_person IS NULL OR capacity_in_person >= 0",
                           name="capacity_in_person_positive"),
        db.CheckConstraint("capacity_remote IS NULL OR capacity_remote >= 0",
                           name="capacity_remote_positive"),
        # a programme's events newest first: the results' event table
        db.Index("ix_event_programme_id_starts_at", "programme_id", "starts_at"),
        db.UniqueConstraint("series_id", "series_number", name="uq_event_series_number"),
    )

    id = db.Column(db.Integer, primary_key=True)
    #: stable identifier for calendars; never changes, even when the title does
    uid = db.Column(db.String(32), nullable=False, unique=True, default=_new_uid)
    title = db.Column(db.String(300), nullable=False)
    kind = db.Column(EnumText(EventKind), nullable=False, default=EventKind.PUBLIC_EVENT)
    description = db.Column(db.Text, nullable=False, default="")
    starts_at = db.Column(UTCDateTime, nullable=False, index=True)
    ends_at = db.Column(UTCDateTime, nullable=False)
    venue = db.Column(db.String(200))
    address = db.Column(db.String(300))
    city = db.Column(db.String(100))
    host_event_id = db.Column(db.ForeignKey("host_event.id"), index=True)
    #: meeting link, shown only to people entitled to it
    remote_url = db.Column(db.String(500))
    remote_platform = db.Column(db.String(50))
    status = db.Column(EnumText(EventStatus), nullable=False, default=EventStatus.DRAFT, index=True)
    programme_id = db.Column(db.ForeignKey("programme.id"), index=True)
    phase_id = db.Column(db.ForeignKey("phase.id"), index=True)
    offers_in_person = db.Column(db.Boolean, nullable=False, default=True)
    offers_remote = db.Column(db.Boolean, nullable=False, default=False)
    #: seats per attendance mode; empty means no limit
    capacity_in_person = db.Column(db.Integer)
    capacity_remote = db.Column(db.Integer)
    registration_opens_at = db.Column(UTCDateTime)
    registration_closes_at = db.Column(UTCDateTime)
    #: support meetings are by invitation; public events are open
    invitation_only = db.Column(db.Boolean, nullable=False, default=False)
    #: language of the event's e-mails ("it" or "en"); Italian when empty
    language = db.Column(db.String(5))
    #: an organiser confirmed the meeting took place (and its attendance list is complete)
    held_at = db.Column(UTCDateTime)
    #: the public page's content (Designers Italia's event page); all optional, shown when set
    audience = db.Column(db.Text)
    #: what taking part costs; empty means free
    costs = db.Column(db.Text)
    organised_by = db.Column(db.String(300))
    patronage = db.Column(db.String(300))
    contact_email = db.Column(db.String(254))
    contact_phone = db.Column(db.String(40))
    more_info = db.Column(db.Text)
    #: iCalendar SEQUENCE: raised on every change participants see, so calendar clients apply it
    sequence = db.Column(db.Integer, nullable=False, default=0)
    #: the series it is a meeting of, and which one (1 = the event the series was made from)
    series_id = db.Column(db.ForeignKey("event_series.id", ondelete="SET NULL"), index=True)
    series_number = db.Column(db.Integer)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    #: title, description, city, speakers and organisations as one `search_key`, for the public
    #: search; kept up to date at every flush (`_refresh_search_text`)
    search_text = db.Column(db.Text, nullable=False, default="")

    host_event = db.relationship("HostEvent")
    series = db.relationship("EventSeries", back_populates="events")
    programme = db.relationship("Programme")
    phase = db.relationship("Phase")
    beneficiaries = db.relationship(
        "Organisation", secondary=event_beneficiary, order_by="Organisation.name"
    )
    agenda_items = db.relationship(
        "AgendaItem", back_populates="event", cascade="all, delete-orphan",
        order_by="(AgendaItem.position, AgendaItem.id)",
    )

    @property
    def is_public(self):
        return self.status in (EventStatus.PUBLISHED, EventStatus.CANCELLED)

    @property
    def is_free(self):
        return not (self.costs or "").strip()

    @property
    def is_cancelled(self):
        return self.status is EventStatus.CANCELLED

    def is_held(self, now=None):
        """It took place: confirmed by an organiser (possible once it has started), or published
        and over. Cancelled never counts; a draft counts only once confirmed. The counting rule
        for support meetings, the same as `held_condition` in SQL."""
        if self.is_cancelled:
            return False
        return self.held_at is not None or (
            self.status is EventStatus.PUBLISHED and self.ends_at <= (now or utcnow()))

    @classmethod
    def held_condition(cls, now):
        return db.and_(cls.status != EventStatus.CANCELLED, db.or_(
            cls.held_at.isnot(None), db.and_(cls.status == EventStatus.PUBLISHED, cls.ends_at <= now)))

    def __str__(self):
        return self.title


class EventSeries(db.Model):
    """Meetings repeated on a rule ("ogni mese, il secondo martedì"): each one an event of its
    own, with its own registrations; the rule is kept to describe the series."""

    __tablename__ = "event_series"
    __table_args__ = (
        db.CheckConstraint("interval >= 1", name="interval_positive"),
    )

    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(300), nullable=False)
    #: the meetings' titles: {n} their number, {data} their date
    title_pattern = db.Column(db.String(300), nullable=False)
    frequency = db.Column(db.String(10), nullable=False)
    interval = db.Column(db.Integer, nullable=False, default=1)
    #: 0 = Monday … 6 = Sunday, comma-separated
    weekdays = db.Column(db.String(20), nullable=False)
    #: 1 to 4, or -1 for the last (monthly series)
    week_of_month = db.Column(db.Integer)
    until = db.Column(db.Date)
    count = db.Column(db.Integer)
    skip_holidays = db.Column(db.Boolean, nullable=False, default=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    events = db.relationship("Event", back_populates="series", order_by="Event.series_number")

    def __str__(self):
        return self.title


class EventTemplate(db.Model):
    """An event's shape without dates or people, to start new events from: its fields, its
    registration window and agenda as minutes from the start on Rome's clock."""

    __tablename__ = "event_template"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(200), nullable=False)
    outline = db.Column(db.JSON, nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    def __str__(self):
        return self.name


class AgendaItem(db.Model):
    __table_args__ = (
        db.CheckConstraint("ends_at IS NULL OR (starts_at IS NOT NULL AND ends_at > starts_at)",
                           name="ends_after_start"),
    )

    id = db.Column(db.Integer, primary_key=True)
    event_id = db.Column(db.ForeignKey("event.id", ondelete="CASCADE"), nullable=False, index=True)
    position = db.Column(db.Integer, nullable=False, default=0)
    #: empty when the item simply follows the one before it
    starts_at = db.Column(UTCDateTime)
    ends_at = db.Column(UTCDateTime)
    title = db.Column(db.String(300), nullable=False)
    kind = db.Column(EnumText(AgendaItemKind), nullable=False, default=AgendaItemKind.TALK)
    #: heading of the section this item opens, e.g. "Sessione pomeridiana"
    section = db.Column(db.String(200))
    description = db.Column(db.Text)

    event = db.relationship("Event", back_populates="agenda_items")
    speaker_links = db.relationship(
        "AgendaItemSpeaker", back_populates="agenda_item", cascade="all, delete-orphan",
        order_by="(AgendaItemSpeaker.position, AgendaItemSpeaker.id)",
    )


class Speaker(db.Model):
    """A person who speaks at events; reused across events."""

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(200), nullable=False, index=True)
    role = db.Column(db.String(200))
    organisation_id = db.Column(db.ForeignKey("organisation.id"), index=True)

    organisation = db.relationship("Organisation")

    def __str__(self):
        return self.name


class AgendaItemSpeaker(db.Model):
    __table_args__ = (db.UniqueConstraint("agenda_item_id", "speaker_id"),)

    id = db.Column(db.Integer, primary_key=True)
    agenda_item_id = db.Column(
        db.ForeignKey("agenda_item.id", ondelete="CASCADE"), nullable=False, index=True
    )
    speaker_id = db.Column(db.ForeignKey("speaker.id"), nullable=False, index=True)
    position = db.Column(db.Integer, nullable=False, default=0)
    #: speaking "in collegamento", from elsewhere
    remote = db.Column(db.Boolean, nullable=False, default=False)

    agenda_item = db.relationship("AgendaItem", back_populates="speaker_links")
    speaker = db.relationship("Speaker")


@sa_event.listens_for(Session, "before_flush")
def _touch_event(session, flush_context, instances):
    """Any change to an event or its agenda is a new revision (LAST-MODIFIED, and DTSTAMP in
    the feeds); SEQUENCE rises only for what participants see (events.services)."""
    touched = set()
    for obj in list(session.dirty) + list(session.new) + list(session.deleted):
        if isinstance(obj, Event):
            if obj in session.dirty and not session.is_modified(obj, include_collections=True):
                continue
            touched.add(obj)
        elif isinstance(obj, AgendaItem):
            touched.add(obj.event)
        elif isinstance(obj, AgendaItemSpeaker):
            item = obj.agenda_item
            touched.add(item.event if item is not None else None)
    for ev in touched:
        if ev is None or ev in session.new:
            continue
        ev.updated_at = utcnow()


def event_search_text(event):
    """What the public search looks in: the event's words, its host event, its beneficiaries,
    its speakers and their organisations."""
    host = event.host_event
    speakers = [link.speaker for item in event.agenda_items for link in item.speaker_links]
    return search_key(
        event.title, event.description, event.city, host and host.title, host and host.city,
        *(organisation.name for organisation in event.beneficiaries),
        *(part for speaker in speakers if speaker is not None
          for part in (speaker.name, speaker.organisation and speaker.organisation.name)))


def _changed(obj, *fields):
    state = db.inspect(obj)
    return any(state.attrs[field].history.has_changes() for field in fields)


@sa_event.listens_for(Session, "before_flush")
def _refresh_search_text(session, flush_context, instances):
    """Events whose words, agenda, speakers, host event or organisations change get their
    search text again, whichever service changed them."""
    changed = [obj for obj in list(session.dirty) + list(session.new)
               if session.is_modified(obj, include_collections=True) or obj in session.new]
    events = {obj for obj in changed if isinstance(obj, Event)}
    events |= {obj.event for obj in changed if isinstance(obj, AgendaItem)}
    events |= {obj.agenda_item.event for obj in changed
               if isinstance(obj, AgendaItemSpeaker) and obj.agenda_item is not None}
    speakers, hosts, organisations = (
        [obj.id for obj in session.dirty if isinstance(obj, model) and _changed(obj, *fields)]
        for model, fields in ((Speaker, ("name", "organisation")), (HostEvent, ("title", "city")),
                              (Organisation, ("name",))))
    if speakers or hosts or organisations:
        with session.no_autoflush:
            events |= set(session.scalars(db.select(Event).where(db.or_(
                Event.host_event_id.in_(hosts),
                Event.id.in_(db.select(event_beneficiary.c.event_id).where(
                    event_beneficiary.c.organisation_id.in_(organisations))),
                Event.id.in_(db.select(AgendaItem.event_id).join(AgendaItemSpeaker).join(Speaker)
                             .where(db.or_(Speaker.id.in_(speakers),
                                           Speaker.organisation_id.in_(organisations))))))))
    with session.no_autoflush:
        for ev in events - {None} - set(session.deleted):
            ev.search_text = event_search_text(ev)
