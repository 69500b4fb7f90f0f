"""The participant's e-mails: rendered in the event's language and queued in the outbox."""
from flask import render_template, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ..events.calendar import personal_calendar
from ..notify.services import composer, queue_email
from .models import RegistrationStatus
from .qr import qr_png

SUBJECTS = {
    "confirmed": _l("Iscrizione confermata: %(title)s"),
    "waiting": _l("Sei in lista d'attesa: %(title)s"),
    "promoted": _l("Si è liberato un posto: la tua iscrizione è confermata - %(title)s"),
    "changed": _l("Iscrizione modificata: %(title)s"),
    "cancelled": _l("Iscrizione annullata: %(title)s"),
    "already_registered": _l("Sei già iscritto: %(title)s"),
    "details_changed": _l("I tuoi dati sono stati aggiornati: %(title)s"),
    "reminder": _l("Promemoria: %(title)s, domani"),
    "invitation": _l("Invito: %(title)s"),
}
#: messages that carry the QR code and the calendar entry, when the registration is confirmed
WITH_TICKET = {"confirmed", "promoted", "changed", "already_registered", "reminder"}


def event_language(event):
    return event.language if event.language in ("it", "en") else "it"


def registration_links(registration):
    return {
        "manage_url": url_for("registration.manage", token=registration.manage_token, _external=True),
        "join_url": url_for("participation.join", token=registration.join_token, _external=True),
        "event_url": url_for("public.event", event_id=registration.event_id, _external=True),
    }


def ics_bytes(registration, method=None, event=None):
    """The registrant's own calendar entry (of `event` as a notice shows it, or as it is):
    cancelled with the registration or the event; with the meeting link only for confirmed
    remote ones; its SEQUENCE the event's plus the registration's own revisions."""
    event = event or registration.event
    cancelled = registration.status is RegistrationStatus.CANCELLED or event.is_cancelled
    calendar = personal_calendar(
        event, f"registration-{registration.id}", method=method, cancelled=cancelled,
        attendee=(registration.person.full_name, registration.person.email),
        sequence=event.sequence + registration.calendar_revision,
        include_remote_link=registration.is_remote_confirmed and not cancelled)
    return calendar.to_ical()


def ics_attachment(registration, method, event=None):
    return ("evento.ics", "text/calendar", ics_bytes(registration, method, event), None)


def ticket_attachments(registration, event=None):
    """A confirmed registrant's QR code and calendar entry (METHOD:REQUEST, which a calendar
    client adds, or applies over the entry it has)."""
    return [("qr.png", "image/png", qr_png(registration), "qr"),
            ics_attachment(registration, "REQUEST", event)]


def queue_registration_email(kind, registration, dedupe_key=None, **context):
    """Queue the participant's e-mail about this registration: only what happened is written
    now (so nothing is rendered while the event's lock is held); the sender composes it from
    `context` (JSON values; None ones are left out). Nothing for a person without an
    address (a walk-in who gave none, as at the register)."""
    if registration.person.email is None:
        return None
    return queue_email(kind, registration.person.email, registration=registration,
                       dedupe_key=dedupe_key,
                       context={name: value for name, value in context.items()
                                if value is not None} or None)


@composer(*(set(SUBJECTS) - {"invitation"}))
def compose_registration_email(message):
    """Subject, bodies and attachments of a registration's e-mail, in the event's language,
    from the registration as it is when the e-mail leaves."""
    registration = message.registration
    event = registration.event
    with force_locale(event_language(event)):
        context = dict(registration=registration, event=event, person=registration.person,
                       kind=message.kind, **registration_links(registration),
                       **(message.context or {}))
        subject = str(SUBJECTS[message.kind]) % {"title": event.title}
        text = render_template(f"registration/emails/{message.kind}.txt", **context)
        html = render_template(f"registration/emails/{message.kind}.html", **context)
        attachments = []
        if message.kind in WITH_TICKET and registration.is_confirmed:
            attachments = ticket_attachments(registration)
        elif message.kind == "cancelled":
            attachments = [ics_attachment(registration, "CANCEL")]
    return subject, text, html, attachments


def queue_invitation_email(invitation):
    event = invitation.event
    with force_locale(event_language(event)):
        url = url_for("registration.register", event_id=event.id, invito=invitation.token,
                      _external=True)
        context = dict(invitation=invitation, event=event, register_url=url,
                       event_url=url_for("public.event", event_id=event.id, _external=True))
        subject = str(SUBJECTS["invitation"]) % {"title": event.title}
        text = render_template("registration/emails/invitation.txt", **context)
        html = render_template("registration/emails/invitation.html", **context)
    return queue_email("invitation", invitation.email, subject, text, html)
