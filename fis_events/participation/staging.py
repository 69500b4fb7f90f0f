"""Uploaded attendance reports waiting between the preview and the confirmation.

They wait in the database, bound to the event and to the organiser who uploaded them, for at
most MAX_AGE: the preview may be shown by one web process and the confirmation taken by
another. Taking an upload deletes it in the transaction that imports it, with one conditional
DELETE, so two confirmations of the same upload (twice the same form, or two machines at once)
import it once: the second finds nothing.
"""
import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l

from ..db_types import utcnow
from ..extensions import db
from .models import StagedReport
from .report import ReportError

#: an uploaded report waits this long for its confirmation
MAX_AGE = timedelta(hours=1)

UNKNOWN = _l("Il file caricato non è più disponibile (già importato, annullato o mai "
             "caricato): caricalo di nuovo.")
EXPIRED = _l("Il file caricato è scaduto: si conserva al massimo un'ora tra l'anteprima e "
             "la conferma. Caricalo di nuovo.")


def _owned(event, user, token):
    """The upload named `token`, if it is of this event and this organiser."""
    return (StagedReport.token == token, StagedReport.event_id == event.id,
            StagedReport.uploaded_by_id == user.id)


def stage(event, user, filename, data, now=None):
    """Keep the uploaded `data` for the confirmation; returns the name the form carries. Uploads
    nobody confirmed go on the way (one indexed DELETE), so the table stays small without cron."""
    now = now or utcnow()
    purge_expired(now)
    staged = StagedReport(token=secrets.token_urlsafe(24), event_id=event.id,
                          uploaded_by_id=user.id, filename=(filename or "")[:255], content=data,
                          created_at=now, expires_at=now + MAX_AGE)
    db.session.add(staged)
    return staged.token


def take(event, user, token, now=None):
    """The bytes of the upload, deleted in the current transaction (a rollback keeps it).
    ReportError when it is unknown, of another event or organiser, already taken or expired."""
    taken = db.session.execute(
        db.delete(StagedReport).where(*_owned(event, user, token))
        .returning(StagedReport.content, StagedReport.expires_at)).one_or_none()
    if taken is None:
        raise ReportError(UNKNOWN)
    if taken.expires_at <= (now or utcnow()):
        raise ReportError(EXPIRED)
    return taken.content


def discard(event, user, token):
    """Delete the upload, if there is one by that name for this event and organiser."""
    db.session.execute(db.delete(StagedReport).where(*_owned(event, user, token)))


def purge_expired(now=None):
    """Delete every upload past its expiry; returns how many."""
    return db.session.execute(
        db.delete(StagedReport).where(StagedReport.expires_at <= (now or utcnow()))).rowcount
