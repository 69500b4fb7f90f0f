"""Telling people that an event they registered or were invited to has moved or is cancelled.

`events.services` decides what participants see changed (`participant_changes`) and, in the
change's transaction, sends `participants_affected`; this module answers with one outbox message
per person concerned, queued as kind + registration + context. The context keeps the change and
the event as it was then (`event_snapshot`), so the e-mail composed at delivery announces that
change, with a calendar entry a client applies: METHOD:REQUEST (same UID, higher SEQUENCE) to
the confirmed, METHOD:CANCEL to everyone when the event is cancelled.
"""
from datetime import datetime

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..events.calendar import EventAsQueued, event_snapshot, personal_calendar
from ..events.models import Event
from ..events.services import participants_affected, who_is_told
from ..extensions import db
from ..i18n import long_datetime
from ..notify.services import composer, queue_email
from .emails import (event_language, ics_attachment, queue_registration_email, registration_links,
                     ticket_attachments)
from .messages import body_html, recipients
from .models import AttendanceMode, Invitation, Person, Registration

SUBJECTS = {
    "event_changed": _l("Evento modificato: %(title)s"),
    "event_cancelled": _l("Evento annullato: %(title)s"),
}


def concerned(registration, changes):
    """What of `changes` concerns this registration: a new meeting link only remote ones."""
    return {what: values for what, values in changes.items()
            if what != "remote_url" or registration.mode is AttendanceMode.REMOTE}


def audience(event, changes):
    """(registrations, invitations) told of `changes`: the confirmed and waiting it concerns;
    for a cancellation, also whoever was invited and never registered."""
    registrations = [r for r in recipients(event) if concerned(r, changes)]
    invitations = []
    if "cancelled" in changes:
        registered = (db.select(Person.email).join(Registration, Registration.person_id == Person.id)
                      .where(Registration.event_id == event.id))
        invitations = db.session.scalars(
            db.select(Invitation).where(Invitation.event_id == event.id,
                                        Invitation.email.not_in(registered))
            .order_by(Invitation.id)).all()
    return registrations, invitations


@who_is_told.connect
def audience_names(event, changes):
    registrations, invitations = audience(event, changes)
    return {"confirmed": [r.person.full_name for r in registrations if r.is_confirmed],
            "waiting": [r.person.full_name for r in registrations if not r.is_confirmed],
            "invited": [invitation.email for invitation in invitations]}


@participants_affected.connect
def queue_notices(event, changes, note):
    """One message per person concerned, in the change's transaction."""
    kind = "event_cancelled" if "cancelled" in changes else "event_changed"
    snapshot = event_snapshot(event)
    registrations, invitations = audience(event, changes)
    for registration in registrations:
        # the meeting link is kept only where it may be shown
        shown = dict(snapshot, remote_url=snapshot["remote_url"] if registration.is_remote_confirmed else None)
        queue_registration_email(kind, registration, changes=concerned(registration, changes),
                                 note=note, event=shown)
    for invitation in invitations:
        queue_email(kind, invitation.email, context={
            "changes": changes, "note": note, "event": dict(snapshot, remote_url=None),
            "event_id": event.id, "invitation_id": invitation.id})
    current_app.logger.info("event %s: %s queued for %d registrations and %d invitations",
                            event.id, kind, len(registrations), len(invitations))


@composer(*SUBJECTS)
def compose_notice(message):
    """The notice as it was queued: the change, the organiser's note, the calendar entry."""
    context, registration = message.context, message.registration
    event = EventAsQueued(registration.event if registration else db.session.get(Event, context["event_id"]),
                          context["event"])
    cancelled = message.kind == "event_cancelled"
    with force_locale(event_language(event)):
        note = context.get("note")
        values = dict(event=event, kind=message.kind, note=note,
                      note_html=body_html(note) if note else None,
                      changes=change_lines(context["changes"]))
        if registration is None:  # invited, never registered: only a cancellation
            template = f"registration/emails/{message.kind}_invited"
            calendar = personal_calendar(event, f"invitation-{context['invitation_id']}",
                                         attendee=(None, message.to_address),
                                         sequence=event.sequence, cancelled=True, method="CANCEL")
            attachments = [("evento.ics", "text/calendar", calendar.to_ical(), None)]
        else:
            template = f"registration/emails/{message.kind}"
            values.update(registration=registration, person=registration.person,
                          **registration_links(registration))
            attachments = []
            if cancelled:
                attachments = [ics_attachment(registration, "CANCEL", event)]
            elif registration.is_confirmed:  # their ticket, as in the confirmation it updates
                attachments = ticket_attachments(registration, event)
        subject = str(SUBJECTS[message.kind]) % {"title": event.title}
        text = render_template(f"{template}.txt", **values)
        html = render_template(f"{template}.html", **values)
    return subject, text, html, attachments


def change_lines(changes):
    """The change in words, after and before: 'Inizio: … (prima: …)'."""
    lines = []
    for what, (before, after) in changes.items():
        if what in ("starts_at", "ends_at"):
            label = _("Inizio") if what == "starts_at" else _("Fine")
            lines.append(_("%(what)s: %(after)s (prima: %(before)s)", what=label,
                           before=long_datetime(datetime.fromisoformat(before)),
                           after=long_datetime(datetime.fromisoformat(after))))
        elif what == "place":
            lines.append(_("Luogo: %(after)s (prima: %(before)s)", before=before or _("non indicato"),
                           after=after or _("non indicato")))
        elif what == "modes":
            lines.append(_("Modalità di partecipazione: %(after)s (prima: %(before)s)",
                           before=_modes(before), after=_modes(after)))
        elif what == "remote_url":
            lines.append(_("Il collegamento per partecipare da remoto è cambiato: il tuo "
                           "collegamento personale porta già a quello nuovo."))
    return lines


def _modes(offered):
    labels = {"offers_in_person": AttendanceMode.IN_PERSON.label,
              "offers_remote": AttendanceMode.REMOTE.label}
    return f" {_('e')} ".join(str(labels[name]) for name in offered)
