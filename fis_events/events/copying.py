"""New events from old ones: a copy, a template, the meetings of a series.

What they take is an event's shape (what, where, how people join, its agenda); what they never
take is what happened at it (registrations, invitations, attendance, scans, door staff and
devices, held status, certificates): those belong to the people of that one occasion. Times in a
shape are minutes from the event's start on Rome's clock, so an item at 15.30 stays at 15.30 in
an event moved across a change of daylight saving time.
"""
from flask_babel import gettext as _

from .. import audit_record as audit
from ..errors import DomainError
from ..extensions import db
from ..i18n import after_clock_minutes, clock_minutes, short_time
from ..text import required_line
from .models import AgendaItem, AgendaItemKind, AgendaItemSpeaker, Event, EventKind, EventTemplate, Speaker
from .services import PAGE_FIELDS, check_item_times, create_event

#: set by the organiser's form in a copy; the rest follows from the original
WINDOW = ("registration_opens_at", "registration_closes_at")
#: what a template keeps of an event: no dates, no people, nothing tied to one occasion (a phase
#: is chosen by date, a host event and beneficiaries belong to one meeting)
TEMPLATE_FIELDS = ("title", "kind", "description", "venue", "address", "city", "remote_url",
                   "remote_platform", "offers_in_person", "offers_remote", "capacity_in_person",
                   "capacity_remote", "invitation_only", "language", *PAGE_FIELDS)
MAX_TEMPLATE_NAME = 200


def agenda_outline(event):
    """The agenda as plain data: items in order, times as minutes from the event's start."""
    return [{"start": clock_minutes(item.starts_at, event.starts_at),
             "end": clock_minutes(item.ends_at, event.starts_at),
             "title": item.title, "kind": item.kind.value, "section": item.section,
             "description": item.description,
             "speakers": [{"id": link.speaker_id, "remote": link.remote} for link in item.speaker_links]}
            for item in event.agenda_items]


def window_outline(event):
    return {name: clock_minutes(getattr(event, name), event.starts_at) for name in WINDOW}


def create_from_outline(fields, agenda, window):
    """A draft event from the organiser's `fields`, with `window` and `agenda` placed from its
    start; refused whole when an item no longer fits its times."""
    start = fields["starts_at"]
    fields.update({name: after_clock_minutes(start, minutes) for name, minutes in window.items()})
    event = create_event(**fields)
    build_agenda(event, agenda)
    return event


def build_agenda(event, agenda):
    """`agenda` (as `agenda_outline` gives it) appended to the event, placed from its start."""
    start, first = event.starts_at, len(event.agenda_items)
    speakers = {s.id: s for s in db.session.scalars(db.select(Speaker).where(Speaker.id.in_(
        {s["id"] for item in agenda for s in item["speakers"]})))}
    for position, entry in enumerate(agenda, first):
        starts_at, ends_at = after_clock_minutes(start, entry["start"]), after_clock_minutes(start, entry["end"])
        try:
            check_item_times(event, starts_at, ends_at)
        except DomainError:
            raise DomainError(
                _("Il punto «%(title)s» del programma (%(time)s) non rientra nei nuovi orari: scegli "
                  "orari che contengano tutto il programma (potrai modificarlo dopo la copia).",
                  title=entry["title"], time=short_time(starts_at)),
                field="ends_at") from None
        item = AgendaItem(event=event, position=position, starts_at=starts_at, ends_at=ends_at,
                          title=entry["title"], kind=AgendaItemKind(entry["kind"]),
                          section=entry["section"], description=entry["description"])
        db.session.add(item)
        for place, speaker in enumerate(entry["speakers"]):
            if speaker["id"] in speakers:  # a speaker merged away since the template was saved
                db.session.add(AgendaItemSpeaker(agenda_item=item, speaker=speakers[speaker["id"]],
                                                 position=place, remote=speaker["remote"]))


def copy_event(source, *, with_beneficiaries=False, **fields):
    """A new draft with its own UID: `fields` as the organiser set them in the pre-filled form
    (new dates at least), the registration window and the agenda moved with the start, the
    same speakers with their "in collegamento" flags."""
    fields["beneficiaries"] = list(source.beneficiaries) if with_beneficiaries else []
    event = create_from_outline(fields, agenda_outline(source), window_outline(source))
    audit.record("event.copied", event=event, copied_from=source.id)
    return event


# ---- templates ----------------------------------------------------------------------------

def _template_name(name):
    return required_line(name, field="name", limit=MAX_TEMPLATE_NAME,
                         missing=_("Dai un nome al modello."),
                         too_long=_("Il nome può avere al massimo %(n)s caratteri.", n=MAX_TEMPLATE_NAME))


def save_as_template(event, name=None):
    """The event's shape, never public: its fields, duration, window and agenda, no dates."""
    fields = {name: getattr(event, name) for name in TEMPLATE_FIELDS}
    fields["kind"] = event.kind.value
    template = EventTemplate(name=_template_name(name or event.title), outline={
        "fields": fields, "programme_id": event.programme_id,
        "duration": clock_minutes(event.ends_at, event.starts_at),
        "window": window_outline(event), "agenda": agenda_outline(event)})
    db.session.add(template)
    audit.record("template.saved", event=event, target=template)
    return template


def rename_template(template, name):
    template.name = _template_name(name)
    audit.record("template.renamed", target=template)


def delete_template(template):
    audit.record("template.deleted", target=template)
    db.session.delete(template)


def template_event(template):
    """An unsaved event carrying the template's fields, to pre-fill the event form with."""
    fields = dict(template.outline["fields"], kind=EventKind(template.outline["fields"]["kind"]))
    return Event(programme_id=template.outline.get("programme_id"), **fields)


def event_from_template(template, **fields):
    event = create_from_outline(fields, template.outline["agenda"], template.outline["window"])
    audit.record("template.used", event=event, target=template)
    return event

