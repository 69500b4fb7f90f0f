"""Copying an event: the next meeting like the last one, without retyping it.

What a copy takes is the event's shape (what, where, how people join, its agenda); what it never
takes is what happened at it (registrations, invitations, attendance, scans, door staff and
devices, held status, certificates): those belong to the people of that one occasion.
"""
from flask_babel import gettext as _

from .. import audit_record as audit
from ..errors import DomainError
from ..extensions import db
from ..i18n import moved_with, short_time
from .models import AgendaItem, AgendaItemSpeaker
from .services import check_item_times, create_event

#: what the organiser chooses in the copy form; the rest follows from the original
MOVED_WITH_THE_EVENT = ("registration_opens_at", "registration_closes_at")


def copy_event(source, *, with_beneficiaries=False, **fields):
    """A new draft with its own UID: `fields` as the organiser set them in the pre-filled form
    (new dates at least), the registration window and every agenda item moved on Rome's clock
    as the start moved, speakers with their "in collegamento" flags."""
    new_start = fields["starts_at"]
    for name in MOVED_WITH_THE_EVENT:
        fields[name] = moved_with(getattr(source, name), source.starts_at, new_start)
    fields["beneficiaries"] = list(source.beneficiaries) if with_beneficiaries else []
    event = create_event(**fields)
    for item in source.agenda_items:
        _copy_item(event, item, moved_with(item.starts_at, source.starts_at, new_start),
                   moved_with(item.ends_at, source.starts_at, new_start))
    audit.record("event.copied", event=event, copied_from=source.id)
    return event


def _copy_item(event, item, starts_at, ends_at):
    try:
        check_item_times(event, starts_at, ends_at)
    except DomainError:
        raise DomainError(
            _("Il punto «%(title)s» del programma (%(time)s) non rientra nei nuovi orari: scegli "
              "orari che contengano tutto il programma (potrai modificarlo dopo la copia).",
              title=item.title, time=short_time(starts_at)),
            field="ends_at") from None
    copy = AgendaItem(event=event, position=item.position, starts_at=starts_at, ends_at=ends_at,
                      title=item.title, kind=item.kind, section=item.section,
                      description=item.description)
    db.session.add(copy)
    for link in item.speaker_links:
        db.session.add(AgendaItemSpeaker(agenda_item=copy, speaker=link.speaker,
                                         position=link.position, remote=link.remote))
