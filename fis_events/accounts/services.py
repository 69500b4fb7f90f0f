"""Account rules: creating staff users and checking passwords."""
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from ..db_types import utcnow
from ..extensions import db
from ..errors import DomainError
from .models import Role, User

MIN_PASSWORD_LENGTH = 10
# A hash to compare against when the account does not exist, so both paths cost the same.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def normalise_email(email):
    return (email or "").strip().lower()


def create_user(email, name, password, role):
    email = normalise_email(email)
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        raise DomainError(_("Indirizzo e-mail non valido."), field="email")
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise DomainError(
            _("La password deve avere almeno %(n)d caratteri.", n=MIN_PASSWORD_LENGTH),
            field="password",
        )
    if db.session.scalar(db.select(User.id).filter_by(email=email)):
        raise DomainError(_("Esiste già un utente con questo indirizzo e-mail."), field="email")
    # scrypt, Werkzeug's default: memory-hard and salted.
    user = User(email=email, name=name.strip(), role=Role(role),
                password_hash=generate_password_hash(password))
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(email, password):
    """The active user with these credentials, or None; same work whether or not it exists."""
    user = db.session.scalar(db.select(User).filter_by(email=normalise_email(email)))
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(user.password_hash, password or "") or not user.active:
        return None
    user.last_login_at = utcnow()
    db.session.commit()
    return user
