"""The invitation to answer and its reminder: queued as what happened, composed at delivery in
the event's language, with the personal link and the closing day."""
from flask import render_template, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..notify.services import composer, queue_email
from ..registration.emails import event_language
from .models import FeedbackInvitation
from .services import last_day

SUBJECTS = {
    "feedback": _l("Com'è andata? Il questionario su «%(title)s»"),
    "feedback_reminder": _l("Promemoria: il questionario su «%(title)s»"),
}


def invitation_key(attendance_id):
    return f"feedback:{attendance_id}"


def reminder_key(attendance_id):
    return f"feedback-reminder:{attendance_id}"


def queue_feedback_email(kind, invitation):
    """Queue the invitation (or its reminder) of someone with an address; None without one."""
    attendance = invitation.attendance
    if attendance.person.email is None:
        return None
    key = (invitation_key if kind == "feedback" else reminder_key)(attendance.id)
    return queue_email(kind, attendance.person.email, registration=attendance.registration,
                       dedupe_key=key, context={"invitation": invitation.id})


def answer_url(invitation, language):
    """The personal link, opening the page in the event's language (Italian needs no mark)."""
    return url_for("feedback.answer", token=invitation.token,
                   lang="en" if language == "en" else None, _external=True)


@composer(*SUBJECTS)
def compose_feedback_email(message):
    invitation = db.session.get(FeedbackInvitation, message.context["invitation"])
    event = invitation.questionnaire.event
    language = event_language(event)
    with force_locale(language):
        context = dict(event=event, person=invitation.attendance.person,
                       reminder=message.kind == "feedback_reminder",
                       answer_url=answer_url(invitation, language),
                       closes_on=last_day(invitation.questionnaire.closes_at))
        subject = str(SUBJECTS[message.kind]) % {"title": event.title}
        text = render_template("feedback/emails/invitation.txt", **context)
        html = render_template("feedback/emails/invitation.html", **context)
    return subject, text, html, []
