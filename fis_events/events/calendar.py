"""iCalendar (RFC 5545) files of public events, for download and for calendar subscriptions;
one person's own entry, and the iTIP (RFC 5546) REQUEST and CANCEL that update it."""
from datetime import date, datetime
from email.utils import parseaddr

import icalendar
from flask import current_app, url_for
from flask_babel import gettext as _

from ..i18n import to_rome
from ..text import one_line
from .services import agenda_lines, public_events

PRODID = "-//Formez//fis-events//IT"
TIMEZONE = "Europe/Rome"

def feed_events(programme=None, series=None):
    """Every public event, past ones included, so subscribers keep their history."""
    return public_events("all", programme=programme, series=series, with_agenda=True)


def uid_domain():
    return current_app.config.get("ICS_UID_DOMAIN", "fis-events")


def event_uid(event):
    """Built from the event's random uid, never its title or id, so clients update in place."""
    return f"fis-events-event-{event.uid}@{uid_domain()}"


def build_calendar(events, name, calendar_key):
    """A VCALENDAR with one VEVENT per event and the VTIMEZONE its times refer to. Public
    calendars never carry the meeting link."""
    return _calendar(events, [build_event(event) for event in events], name, calendar_key)


def personal_calendar(event, calendar_key, *, attendee, sequence, cancelled=False,
                      include_remote_link=False, method=None):
    """One person's own entry for `event`: `attendee` is (name, e-mail), `sequence` the entry's
    revision, `cancelled` gives STATUS:CANCELLED. With `method` ("REQUEST", "CANCEL") it is an
    iTIP message (RFC 5546) that a calendar client applies to the entry with the same UID:
    ORGANIZER and ATTENDEE are then required. Only a confirmed remote registrant's entry is
    built with `include_remote_link=True`."""
    vevent = build_event(event, include_remote_link, sequence=sequence, cancelled=cancelled)
    if method:
        organiser_name, organiser_address = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])
        vevent.add("ORGANIZER", f"mailto:{organiser_address}",
                   parameters={"CN": organiser_name or organiser_address})
        name, address = attendee
        parameters = {"CN": name or address, "ROLE": "REQ-PARTICIPANT", "CUTYPE": "INDIVIDUAL",
                      "RSVP": "FALSE"}
        if method == "REQUEST":  # they registered: nothing to answer
            parameters["PARTSTAT"] = "ACCEPTED"
        vevent.add("ATTENDEE", f"mailto:{address}", parameters=parameters)
    return _calendar([event], [vevent], event.title, calendar_key, method)


def _calendar(events, vevents, name, calendar_key, method=None):
    calendar = icalendar.Calendar.new(
        prodid=PRODID, name=one_line(name), uid=f"fis-events-calendar-{calendar_key}@{uid_domain()}",
    )
    if method:
        calendar.add("METHOD", method)
    calendar.add("X-WR-TIMEZONE", TIMEZONE)
    for vevent in vevents:
        calendar.add_component(vevent)
    if events:
        # Only the years the events span: the full 1970-2038 table is ~5 kB per calendar.
        calendar.add_missing_timezones(
            first_date=date(to_rome(min(e.starts_at for e in events)).year, 1, 1),
            last_date=date(to_rome(max(e.ends_at for e in events)).year + 1, 1, 1),
        )
    return calendar


def build_event(event, include_remote_link=False, sequence=None, cancelled=False):
    """One VEVENT; the meeting link goes in only for someone entitled to it (a registrant).
    One-line fields are folded: a row stored with CR/LF must not break the file."""
    location = ", ".join(one_line(part) for part in (event.venue, event.address, event.city) if part)
    return icalendar.Event.new(
        uid=event_uid(event),
        summary=one_line(event.title),
        start=to_rome(event.starts_at),
        end=to_rome(event.ends_at),
        # Without METHOD, DTSTAMP is when the event was last revised (RFC 5545, 3.8.7.2); with
        # it, when the message was made: the same moment for us, as a notice leaves with a change.
        stamp=event.updated_at,
        created=event.created_at,
        last_modified=event.updated_at,
        sequence=event.sequence if sequence is None else sequence,
        status="CANCELLED" if cancelled or event.is_cancelled else "CONFIRMED",
        categories=[event.kind.label],
        location=location or None,
        url=url_for("public.event", event_id=event.id, _external=True),
        description=event_description(event, include_remote_link),
    )


def event_description(event, include_remote_link=False):
    """The description, then the agenda the way the programme prints it."""
    blocks = [event.description.strip()]
    if include_remote_link and event.remote_url:
        blocks.append(_("Collegamento:") + " " + event.remote_url)
    lines = agenda_lines(event)
    if lines:
        blocks.append("\n".join([_("Programma:"), *lines]))
    return "\n\n".join(block for block in blocks if block)


# ---- the event as a notice announced it ---------------------------------------------------

#: what a notice about a change keeps of the event, so that it shows that change when it is
#: composed later, even if the event changed again meanwhile
SNAPSHOT_FIELDS = ("starts_at", "ends_at", "venue", "address", "city", "remote_url", "sequence",
                   "updated_at")


def event_snapshot(event):
    """The event's participant-visible values, in plain JSON, for an outbox message's context."""
    values = {name: getattr(event, name) for name in SNAPSHOT_FIELDS}
    values = {name: v.isoformat() if isinstance(v, datetime) else v for name, v in values.items()}
    return {**values, "cancelled": event.is_cancelled}


class EventAsQueued:
    """`event` with the values of `event_snapshot`: what e-mail and calendar entry show."""

    def __init__(self, event, snapshot):
        self._event = event
        self._values = {name: datetime.fromisoformat(v) if name.endswith("_at") and v else v
                        for name, v in snapshot.items()}

    def __getattr__(self, name):
        if name in self._values:
            return self._values[name]
        return getattr(self._event, name)

    @property
    def is_cancelled(self):
        return self._values["cancelled"]
