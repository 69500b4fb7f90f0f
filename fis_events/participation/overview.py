""""Le mie iscrizioni": one page with every registration of a person, without an account.

The person types their address; whatever it is, the answer on screen is the same and one
e-mail goes to that address (so nobody learns who is registered): with a signed, expiring link
when it has registrations, saying there are none otherwise. The link carries only the address,
signed with the app's secret, so it opens that address's page and no other.
"""
from flask import current_app, render_template, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import contains_eager

from ..events.models import Event
from ..extensions import db
from ..notify.services import composer, queue_email
from ..registration.models import Person, Registration
from ..registration.services import normalise_email
from .models import Attendance

SALT = "fis-events-my-registrations"
KIND = "my_registrations"


def _signer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def request_overview(email):
    """One e-mail to the address, whether it is known or not."""
    queue_email(KIND, normalise_email(email))


def link_token(email):
    """The signed link's secret: the address, signed and timed (itsdangerous)."""
    return _signer().dumps(email)


def overview_url(email):
    return url_for("participation.my_registrations", token=link_token(email), _external=True)


def email_of(token):
    """The address the link was sent to; 'expired' or 'invalid' when it cannot open a page."""
    try:
        return _signer().loads(token, max_age=current_app.config["MY_REGISTRATIONS_MAX_AGE"]), None
    except SignatureExpired:
        return None, "expired"
    except BadSignature:
        return None, "invalid"


def registrations_of(email):
    """The person's registrations, the latest event first, each with whether they attended
    (what a certificate needs); a fixed number of queries whatever their number."""
    registrations = db.session.scalars(
        db.select(Registration).join(Person).join(Event).where(Person.email == email)
        .order_by(Event.starts_at.desc(), Registration.id)
        .options(contains_eager(Registration.event), contains_eager(Registration.person))).all()
    attended = set(db.session.scalars(db.select(Attendance.event_id).join(
        Person, Person.id == Attendance.person_id).where(Person.email == email)))
    return [(registration, registration.event_id in attended) for registration in registrations]


@composer(KIND)
def compose_overview_email(message):
    """Composed when it leaves: the link, or the news that the address has no registration."""
    registrations = registrations_of(message.to_address)
    context = dict(url=overview_url(message.to_address) if registrations else None,
                   count=len(registrations),
                   hours=current_app.config["MY_REGISTRATIONS_MAX_AGE"] // 3600)
    subject = _("Le tue iscrizioni agli eventi FIS")
    return (subject, render_template("participation/emails/my_registrations.txt", **context),
            render_template("participation/emails/my_registrations.html", **context), [])
