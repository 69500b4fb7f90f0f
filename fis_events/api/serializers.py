"""Events as plain JSON data; the shapes are the schemas in openapi.py, kept field for field.

The meeting link (remote_url) is deliberately absent: the API is public.
"""
from flask import url_for

from ..i18n import to_rome


def rome_iso(value):
    """'2023-10-24T15:00:00+02:00': the Rome time people read, with its offset to be exact."""
    return to_rome(value).isoformat() if value is not None else None


def event_data(event):
    host = event.host_event
    return {
        "id": event.id,
        "title": event.title,
        "kind": event.kind.value,
        "status": event.status.value,
        "starts_at": rome_iso(event.starts_at),
        "ends_at": rome_iso(event.ends_at),
        "venue": event.venue,
        "address": event.address,
        "city": event.city,
        "host_event": None if host is None else {
            "title": host.title,
            "city": host.city,
            "starts_on": host.starts_on.isoformat(),
            "ends_on": host.ends_on.isoformat(),
        },
        "programme": event.programme.code if event.programme else None,
        "phase": event.phase.code if event.phase else None,
        "offers_in_person": event.offers_in_person,
        "offers_remote": event.offers_remote,
        "invitation_only": event.invitation_only,
        "registration_opens_at": rome_iso(event.registration_opens_at),
        "registration_closes_at": rome_iso(event.registration_closes_at),
        "url": url_for("public.event", event_id=event.id, _external=True),
        "ics_url": url_for("calendar.event_ics", event_id=event.id, _external=True),
    }


def event_detail_data(event):
    return {
        **event_data(event),
        "description": event.description,
        "agenda": [agenda_item_data(item) for item in event.agenda_items],
    }


def agenda_item_data(item):
    return {
        "position": item.position,
        "starts_at": rome_iso(item.starts_at),
        "ends_at": rome_iso(item.ends_at),
        "title": item.title,
        "kind": item.kind.value,
        "section": item.section,
        "description": item.description,
        "speakers": [speaker_data(link) for link in item.speaker_links],
    }


def speaker_data(link):
    speaker = link.speaker
    return {
        "name": speaker.name,
        "role": speaker.role,
        "organisation": speaker.organisation.name if speaker.organisation else None,
        "remote": link.remote,
    }
