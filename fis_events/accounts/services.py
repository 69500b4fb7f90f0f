"""Account rules: creating staff users and checking passwords."""
import re

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from .. import audit_record as audit
from ..db_types import utcnow
from ..extensions import db
from ..errors import DomainError
from .models import Role, User

MIN_PASSWORD_LENGTH = 10
#: a bound on the work one log-in attempt can ask of the hash
MAX_PASSWORD_LENGTH = 128
#: zxcvbn's scale 0-4: 3 is "safely unguessable" against online guessing with throttling
MIN_PASSWORD_SCORE = 3
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
    check_password(password, email, name)
    if db.session.scalar(db.select(User.id).filter_by(email=email)):
        raise DomainError(_("Esiste già un utente con questo indirizzo e-mail."), field="email")
    # scrypt, Werkzeug's default: memory-hard and salted.
    user = User(email=email, name=name.strip(), role=Role(role),
                password_hash=generate_password_hash(password))
    db.session.add(user)
    audit.record("account.created", target=user, role=user.role)
    return user


def change_password(user, current_password, new_password):
    """A new password for a user who proves they know the current one. Every session of theirs
    ends (a stolen cookie with them); the view logs the current one in again."""
    if not check_password_hash(user.password_hash, current_password or ""):
        raise DomainError(_("La password attuale non è corretta."), field="current_password")
    check_password(new_password, user.email, user.name)
    user.password_hash = generate_password_hash(new_password)
    user.end_sessions()
    audit.record("account.password_changed", user=user, target=user)


def user_by_email(email):
    user = db.session.scalar(db.select(User).filter_by(email=normalise_email(email)))
    if user is None:
        raise DomainError(_("Nessun utente con questo indirizzo e-mail."), field="email")
    return user


def staff_users():
    """Every account, active ones first, by name."""
    return db.session.scalars(db.select(User).order_by(User.active.desc(), User.name, User.id)).all()


def disable_user(user, by=None):
    """An admin closes an account: it cannot log in, and its open sessions end at once. An admin
    does not close their own (nobody might be left to open the others again)."""
    if by is not None and by.id == user.id:
        raise DomainError(_("Non puoi disabilitare il tuo stesso account."))
    if not user.active:
        raise DomainError(_("L'account è già disabilitato."))
    user.active = False
    user.end_sessions()
    audit.record("account.disabled", target=user)
    return user


def check_password(password, email, name):
    """Length and guessability, the way NIST SP 800-63B asks: no composition rules, but no common
    words, keyboard walks or dates, nor the person's own name or e-mail."""
    password = password or ""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(_("La password deve avere almeno %(n)d caratteri.", n=MIN_PASSWORD_LENGTH),
                          field="password")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise DomainError(_("La password può avere al massimo %(n)d caratteri.", n=MAX_PASSWORD_LENGTH),
                          field="password")
    local, name = email.partition("@")[0], (name or "").lower()
    own_words = [email, local, re.sub(r"\W", "", local), *re.split(r"\W+", local), *name.split(),
                 re.sub(r"\W", "", name)]
    if zxcvbn(password, user_inputs=own_words)["score"] < MIN_PASSWORD_SCORE:
        raise DomainError(_("Password troppo facile da indovinare: evita parole comuni, sequenze, date "
                            "e il tuo nome; una frase di tre o quattro parole va bene."), field="password")


def authenticate(email, password):
    """The active user with these credentials, or None; same work whether or not it exists."""
    user = db.session.scalar(db.select(User).filter_by(email=normalise_email(email)))
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(user.password_hash, password or "") or not user.active:
        return None
    user.last_login_at = utcnow()
    audit.record("account.login", user=user)
    return user
