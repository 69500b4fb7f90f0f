"""Reports by e-mail: what an organiser asked to receive, how often, and how the last runs went."""
from flask_babel import lazy_gettext as _l

from ..db_types import EnumText, LabelledEnum, UTCDateTime, utcnow
from ..extensions import db


class Frequency(LabelledEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"

    @classmethod
    def _labels(cls):
        return {cls.WEEKLY: _l("ogni settimana"), cls.MONTHLY: _l("ogni mese")}


class FileFormat(LabelledEnum):
    XLSX = "xlsx"
    CSV = "csv"

    @classmethod
    def _labels(cls):
        return {cls.XLSX: _l("Excel (XLSX)"), cls.CSV: _l("CSV")}


class Failure(LabelledEnum):
    """Why a run did not deliver a subscription's report."""

    EVENT_GONE = "event_gone"
    SCOPE_INVALID = "scope_invalid"
    REPORT_GONE = "report_gone"
    BUILD_FAILED = "build_failed"
    DELIVERY_FAILED = "delivery_failed"

    @classmethod
    def _labels(cls):
        return {
            cls.EVENT_GONE: _l("l'evento del report non esiste più"),
            cls.SCOPE_INVALID: _l("i filtri del report non sono più validi (un programma, una fase o "
                                  "un evento non esiste più)"),
            cls.REPORT_GONE: _l("questo tipo di report non esiste più"),
            cls.BUILD_FAILED: _l("il report non si è potuto preparare"),
            cls.DELIVERY_FAILED: _l("l'e-mail non è stata consegnata"),
        }


class DisabledReason(LabelledEnum):
    FAILURES = "failures"
    ACCOUNT_DISABLED = "account_disabled"
    NOT_ORGANISER = "not_organiser"

    @classmethod
    def _labels(cls):
        return {
            cls.FAILURES: _l("disattivato dopo tre invii non riusciti di fila"),
            cls.ACCOUNT_DISABLED: _l("disattivato: l'account non è più attivo"),
            cls.NOT_ORGANISER: _l("disattivato: l'account non è più di un organizzatore"),
        }


class ReportSubscription(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    #: who receives it (at the account's address); their subscriptions go with the account
    user_id = db.Column(db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True)
    #: a code of fis_events.reports.kinds.KINDS ("risultati", "iscritti", ...)
    kind = db.Column(db.String(30), nullable=False)
    #: the table of the kind (a results.exports table), when the kind has several
    table = db.Column(db.String(30))
    #: the results dashboard's query string (Scope.query_args, sorted), "" for everything
    scope = db.Column(db.String(500), nullable=False, default="", server_default="")
    #: the event of a registration list; emptied if the event is deleted (the run then fails)
    event_id = db.Column(db.ForeignKey("event.id", ondelete="SET NULL"), index=True)
    frequency = db.Column(EnumText(Frequency), nullable=False)
    file_format = db.Column(EnumText(FileFormat), nullable=False, default=FileFormat.XLSX,
                            server_default="xlsx")
    #: the interface language when subscribing: the e-mail's and the file's language
    locale = db.Column(db.String(5), nullable=False, default="it", server_default="it")
    #: the next delivery (Monday or the 1st at 07:00 Europe/Rome); `flask reports send` serves
    #: subscriptions whose time has come, then moves it on
    next_due_at = db.Column(UTCDateTime, nullable=False, index=True)
    paused = db.Column(db.Boolean, nullable=False, default=False, server_default=db.false())
    #: consecutive failures; a delivered report resets it, three disable the subscription
    failures = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    last_failure = db.Column(EnumText(Failure))
    last_failure_at = db.Column(UTCDateTime)
    disabled_at = db.Column(UTCDateTime)
    disabled_reason = db.Column(EnumText(DisabledReason))
    #: the last report queued whose delivery has not been counted yet (sent or failed)
    pending_message_id = db.Column(db.ForeignKey("outbox_message.id", ondelete="SET NULL"))
    last_sent_at = db.Column(UTCDateTime)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    user = db.relationship("User")
    event = db.relationship("Event")
    pending_message = db.relationship("OutboxMessage")

    @property
    def is_active(self):
        return not self.paused and self.disabled_at is None
