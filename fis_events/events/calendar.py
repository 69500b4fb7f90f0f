"""iCalendar (RFC 5545) files of public events, for download and for calendar subscriptions."""
from datetime import date

import icalendar
from flask import current_app, url_for
from flask_babel import gettext as _

from ..i18n import to_rome
from ..text import one_line
from .services import agenda_lines, public_events

PRODID = "-//Formez//fis-events//IT"
TIMEZONE = "Europe/Rome"

def feed_events(programme=None):
    """Every public event, past ones included, so subscribers keep their history."""
    return public_events("all", programme=programme, with_agenda=True)


def uid_domain():
    return current_app.config.get("ICS_UID_DOMAIN", "fis-events")


def event_uid(event):
    """Built from the event's random uid, never its title or id, so clients update in place."""
    return f"fis-events-event-{event.uid}@{uid_domain()}"


def build_calendar(events, name, calendar_key, include_remote_link=False):
    """A VCALENDAR with one VEVENT per event and the VTIMEZONE its times refer to.

    Public calendars never carry the meeting link; only a remote registrant's own calendar
    entry is built with `include_remote_link=True`.
    """
    calendar = icalendar.Calendar.new(
        prodid=PRODID, name=one_line(name), uid=f"fis-events-calendar-{calendar_key}@{uid_domain()}",
    )
    calendar.add("X-WR-TIMEZONE", TIMEZONE)
    for event in events:
        calendar.add_component(build_event(event, include_remote_link))
    if events:
        # Only the years the events span: the full 1970-2038 table is ~5 kB per calendar.
        calendar.add_missing_timezones(
            first_date=date(to_rome(min(e.starts_at for e in events)).year, 1, 1),
            last_date=date(to_rome(max(e.ends_at for e in events)).year + 1, 1, 1),
        )
    return calendar


def build_event(event, include_remote_link=False):
    """One VEVENT; the meeting link goes in only for someone entitled to it (a registrant).
    One-line fields are folded: a row stored with CR/LF must not break the file."""
    location = ", ".join(one_line(part) for part in (event.venue, event.address, event.city) if part)
    return icalendar.Event.new(
        uid=event_uid(event),
        summary=one_line(event.title),
        start=to_rome(event.starts_at),
        end=to_rome(event.ends_at),
        # Without METHOD, DTSTAMP is when the event was last revised (RFC 5545, 3.8.7.2).
        stamp=event.updated_at,
        created=event.created_at,
        last_modified=event.updated_at,
        sequence=event.sequence,
        status="CANCELLED" if event.is_cancelled else "CONFIRMED",
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
