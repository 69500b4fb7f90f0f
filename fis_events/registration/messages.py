"""The organiser's message to everyone registered to an event; rendering e-mails outside a request.

Service only: the organiser form calls `message_registrants` and shows DomainError.message
beside DomainError.field ("subject" or "body").
"""
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from .. import audit_record as audit
from ..errors import DomainError
from ..extensions import db
from ..notify.services import email_rendering, queue_email
from ..text import required_line
from .emails import event_language, registration_links
from .models import Person, Registration, RegistrationStatus

SUBJECT_MAX = 200
BODY_MAX = 10_000
DEFAULT_STATUSES = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)


def clean_subject(subject):
    """One line: no header tricks."""
    return required_line(subject, field="subject", limit=SUBJECT_MAX,
                         missing=_("Scrivi l'oggetto del messaggio."),
                         too_long=_("L'oggetto può avere al massimo %(max)d caratteri.", max=SUBJECT_MAX))


def clean_body(body):
    body = (body or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not body:
        raise DomainError(_("Scrivi il testo del messaggio."), field="body")
    if len(body) > BODY_MAX:
        raise DomainError(_("Il testo può avere al massimo %(max)d caratteri.", max=BODY_MAX),
                          field="body")
    return body


def body_html(body):
    """The organiser's plain text as HTML: escaped, paragraphs on blank lines, line breaks kept."""
    paragraphs = [p for p in body.split("\n\n") if p.strip()]
    return Markup("\n").join(
        Markup("<p>{}</p>").format(Markup("<br>\n").join(escape(line) for line in p.split("\n")))
        for p in paragraphs)


def recipients(event, statuses=DEFAULT_STATUSES):
    return db.session.scalars(
        db.select(Registration).join(Person)
        .where(Registration.event_id == event.id, Registration.status.in_(list(statuses)),
               Person.email.is_not(None))
        .order_by(Registration.id)).all()


def message_registrants(event, subject, body, statuses=DEFAULT_STATUSES, sender_user=None):
    """Queue the organiser's message for every registration of `event` in `statuses`; returns
    how many. The text is the organiser's, the greeting-free footer (why you get this, your
    link to manage the registration) is in the event's language. All or nothing: one commit."""
    subject, body = clean_subject(subject), clean_body(body)
    registrations = recipients(event, statuses)
    with email_rendering(), force_locale(event_language(event)):
        html_body = body_html(body)
        for registration in registrations:
            context = dict(event=event, registration=registration, person=registration.person,
                           body=body, body_html=html_body, **registration_links(registration))
            queue_email("organiser_message", registration.person.email, subject,
                        render_template("notify/organiser_message.txt", **context),
                        render_template("notify/organiser_message.html", **context),
                        registration=registration)
    audit.record("registrations.messaged", event=event, user=sender_user, count=len(registrations))
    current_app.logger.info("organiser message for event %s queued for %d registrations (by user %s)",
                            event.id, len(registrations), getattr(sender_user, "id", None))
    return len(registrations)
