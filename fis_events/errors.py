"""The one exception that services raise when a rule says no, and the database errors that
mean "try again later" rather than "this request is wrong"."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import exc as sa_exc


class DomainError(Exception):
    """A rule was broken; `message` is for the user, `field` names the form field at fault."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


def attach_error(form, error):
    """Show a service's refusal beside the form field it concerns, or above the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = list(field.errors) + [error.message]
    else:
        form.form_errors.append(error.message)


#: What SQLAlchemy raises when the database cannot answer now rather than because a request is
#: wrong: the server down or restarting, a connection lost, no connection free in the pool, a
#: lock or a conflict worth retrying (SQLite's "database is locked", PostgreSQL's deadlocks and
#: serialization failures are OperationalErrors too).
DATABASE_UNAVAILABLE = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)
#: seconds clients are told to wait (Retry-After) before trying again
RETRY_AFTER_SECONDS = 5


def database_unavailable_reason(error):
    """One line for the log: the driver's error and its first line, never the SQL or its
    parameters (names, e-mail addresses, tokens)."""
    cause = getattr(error, "orig", None) or error
    first_line = (str(cause).strip().splitlines() or [""])[0]
    return f"{type(cause).__name__}: {first_line}"[:300]


#: HTTP errors as the JSON API names and explains them (also the OpenAPI document's codes)
ERROR_CODES = {
    400: ("bad_request", _l("Richiesta non valida.")),
    401: ("unauthorized", _l("Accesso richiesto.")),
    403: ("forbidden", _l("Accesso non consentito.")),
    404: ("not_found", _l("Risorsa non trovata.")),
    413: ("too_large", _l("Richiesta troppo grande.")),
    405: ("method_not_allowed", _l("Metodo non consentito per questo indirizzo.")),
    429: ("too_many_requests", _l("Troppe richieste in poco tempo: riprova tra qualche minuto.")),
    500: ("server_error", _l("Errore interno: riprova tra qualche istante.")),
    503: ("unavailable", _l("Servizio momentaneamente non disponibile: riprova tra qualche istante.")),
}
