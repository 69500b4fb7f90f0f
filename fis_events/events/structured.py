"""What search engines and link previews read of a public event: schema.org `Event` as JSON-LD.

Built from what the public page already shows, nothing more: a remote event's location is its
public page (a `VirtualLocation`), never the meeting link, which only remote registrants get."""
from flask import url_for

from ..i18n import ROME

SCHEMA = "https://schema.org/"
#: who organises when the organiser's form names nobody: the programme's own staff
DEFAULT_ORGANISER = "Formez PA"


def event_json_ld(event):
    """The schema.org `Event` of a public event page, as a dict ready for `tojson`."""
    page = url_for("public.event", event_id=event.id, _external=True)
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "@id": page,
        "url": page,
        "name": event.title,
        "description": event.description or event.title,
        "startDate": event.starts_at.astimezone(ROME).isoformat(),
        "endDate": event.ends_at.astimezone(ROME).isoformat(),
        "eventStatus": SCHEMA + ("EventCancelled" if event.is_cancelled else "EventScheduled"),
        "eventAttendanceMode": SCHEMA + attendance_mode(event),
        "organizer": {"@type": "Organization", "name": event.organised_by or DEFAULT_ORGANISER},
        "isAccessibleForFree": event.is_free,
        "inLanguage": event.language or "it",
    }
    locations = _locations(event, page)
    if locations:
        data["location"] = locations[0] if len(locations) == 1 else locations
    performers = _performers(event)
    if performers:
        data["performer"] = performers
    if event.patronage:
        data["sponsor"] = {"@type": "Organization", "name": event.patronage}
    if event.audience:
        data["audience"] = {"@type": "Audience", "audienceType": event.audience}
    if event.host_event:
        data["superEvent"] = _host(event.host_event)
    return data


def attendance_mode(event):
    if event.offers_in_person and event.offers_remote:
        return "MixedEventAttendanceMode"
    return "OnlineEventAttendanceMode" if event.offers_remote else "OfflineEventAttendanceMode"


def _place(name, street, city):
    address = {"@type": "PostalAddress", "addressCountry": "IT"}
    if street:
        address["streetAddress"] = street
    if city:
        address["addressLocality"] = city
    return {"@type": "Place", "name": name or street or city, "address": address}


def _locations(event, page):
    locations = []
    if event.offers_in_person and (event.venue or event.address or event.city):
        locations.append(_place(event.venue, event.address, event.city))
    if event.offers_remote:
        locations.append({"@type": "VirtualLocation", "url": page})
    return locations


def _performers(event):
    """Every speaker of the agenda once, in the agenda's order."""
    seen = {}
    for item in event.agenda_items:
        for link in item.speaker_links:
            seen.setdefault(link.speaker_id, link.speaker)
    return [_person(speaker) for speaker in seen.values()]


def _person(speaker):
    person = {"@type": "Person", "name": speaker.name}
    if speaker.role:
        person["jobTitle"] = speaker.role
    if speaker.organisation:
        person["affiliation"] = {"@type": "Organization", "name": speaker.organisation.name}
    return person


def _host(host):
    data = {"@type": "Event", "name": host.title, "startDate": host.starts_on.isoformat(),
            "endDate": host.ends_on.isoformat()}
    if host.city:
        data["location"] = _place(host.city, None, host.city)
    return data
