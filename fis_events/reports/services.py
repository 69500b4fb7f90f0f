"""Reports by e-mail: subscribing, the organiser's changes, and the scheduled run.

`send_due_reports` is what `flask reports send` runs, every hour from cron. Each subscription
whose time has come is built first, with nothing written and no lock held (the tables of a
large scope take a while); only then is each one queued, in a savepoint of its own, with its
file attached and its next time moved on. The outbox row carries the unique dedupe key
"report:<subscription id>:<day of the delivery>", so two runs in the same period, or two at
once, queue it once: the second one's insert fails on the key and only its savepoint is undone.

A report that cannot be built (its event deleted, a filter that no longer names anything) or
whose e-mail the sender gave up on counts a failure; a delivered one resets the count; the third
failure in a row disables the subscription and tells its owner. An account that is no longer
active, or no longer an organiser's, gets nothing: its subscriptions are disabled as they fall due.
"""
import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from babel.dates import format_date
from flask import render_template, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload

from .. import spreadsheets
from ..accounts.models import Role
from ..audit_record import record
from ..db_types import parse_id, utcnow
from ..errors import DomainError
from ..events.models import Event
from ..extensions import db
from ..i18n import ROME, date_range
from ..notify.models import OutboxMessage
from ..notify.services import email_rendering, queue_email
from .kinds import KINDS, BuildFailure, parse_scope_args, scope_query
from .models import DisabledReason, Failure, FileFormat, Frequency, ReportSubscription

log = logging.getLogger(__name__)

#: deliveries: Mondays (weekly) and the 1st (monthly) at this hour, Europe/Rome: the week's or
#: the month's first morning, before the working day starts
DELIVERY_HOUR = time(7, 0)
#: consecutive failures that disable a subscription
MAX_FAILURES = 3
#: the form fields of a subscription besides the scope's own (the dashboard's filters)
FORM_FIELDS = ("report", "tabella", "frequenza", "formato")


# ---- the schedule ---------------------------------------------------------------------------

def next_due(frequency, after):
    """The first delivery time strictly after `after`: next Monday, or next 1st of the month,
    at 07:00 Rome time (whatever daylight saving time does in between)."""
    day = after.astimezone(ROME).date()
    if frequency is Frequency.WEEKLY:
        candidate = day - timedelta(days=day.weekday())
        step = lambda d: d + timedelta(days=7)  # noqa: E731
    else:
        candidate = day.replace(day=1)
        step = lambda d: (d.replace(day=28) + timedelta(days=4)).replace(day=1)  # noqa: E731
    while datetime.combine(candidate, DELIVERY_HOUR, ROME) <= after:
        candidate = step(candidate)
    return datetime.combine(candidate, DELIVERY_HOUR, ROME)


def period_words(frequency, due):
    """The period a delivery opens: 'settimana 30 novembre – 6 dicembre 2026', 'dicembre 2026'."""
    day = due.astimezone(ROME).date()
    if frequency is Frequency.WEEKLY:
        return _("settimana %(span)s", span=date_range(day, day + timedelta(days=6)))
    return format_date(day, "MMMM y", locale=str(get_locale() or "it"))


def dedupe_key(subscription, due):
    return f"report:{subscription.id}:{due.astimezone(ROME).date().isoformat()}"


# ---- subscribing and changing ---------------------------------------------------------------

def _choice(enum_class, value, field, message):
    try:
        return enum_class((value or "").strip())
    except ValueError:
        raise DomainError(message, field=field) from None


def _frequency(value):
    return _choice(Frequency, value, "frequenza", _("Scegli ogni settimana oppure ogni mese."))


def _format(value):
    return _choice(FileFormat, value or FileFormat.XLSX.value, "formato",
                   _("Scegli il formato del file: XLSX oppure CSV."))


def subscribe(user, form, locale, now=None):
    """A new subscription of `user` from the "Ricevi per e-mail" form: the report kind, its table,
    the frequency, the format, and the dashboard's filters (or the event of a registration
    list). DomainError naming the field for a value that is not one; nothing is stored then."""
    kind = KINDS.get((form.get("report") or "").strip())
    if kind is None:
        raise DomainError(_("Report sconosciuto."), field="report")
    frequency, file_format = _frequency(form.get("frequenza")), _format(form.get("formato"))
    subscription = ReportSubscription(user=user, kind=kind.code, frequency=frequency,
                                      file_format=file_format, locale=locale)
    scope_args = {name: value for name, value in form.items()
                  if name not in FORM_FIELDS and name != "csrf_token"}
    if kind.needs_event:
        event_id = parse_id((scope_args.get("evento") or "").strip())
        event = db.session.get(Event, event_id) if event_id is not None else None
        if event is None or set(scope_args) - {"evento"}:
            raise DomainError(_("Evento sconosciuto."), field="evento")
        subscription.event = event
    else:
        table = (form.get("tabella") or "").strip()
        if table not in kind.tables:
            raise DomainError(_("Tabella sconosciuta: scegli una delle tabelle del cruscotto."),
                              field="tabella")
        subscription.table = table
        subscription.scope = scope_query(*parse_scope_args(scope_args))
    subscription.next_due_at = next_due(frequency, now or utcnow())
    db.session.add(subscription)
    record("report.subscribed", target=subscription, event=subscription.event,
           format=file_format.value)
    return subscription


def visible_to(user):
    """The subscriptions a user manages: their own; an admin, everyone's."""
    query = (db.select(ReportSubscription)
             .options(joinedload(ReportSubscription.user), joinedload(ReportSubscription.event),
                      joinedload(ReportSubscription.pending_message))
             .order_by(ReportSubscription.created_at, ReportSubscription.id))
    if not user.has_role(Role.ADMIN):
        query = query.where(ReportSubscription.user_id == user.id)
    return db.session.scalars(query).all()


def subscription_for(user, subscription_id):
    """The subscription if the user may manage it (theirs, or any for an admin), else None."""
    subscription = db.session.get(ReportSubscription, subscription_id)
    if subscription is None or not (subscription.user_id == user.id or user.has_role(Role.ADMIN)):
        return None
    return subscription


def change(subscription, form, now=None):
    """New frequency and format; a new frequency starts a new schedule from now."""
    frequency, file_format = _frequency(form.get("frequenza")), _format(form.get("formato"))
    if frequency is not subscription.frequency:
        subscription.next_due_at = next_due(frequency, now or utcnow())
    subscription.frequency, subscription.file_format = frequency, file_format
    record("report.changed", target=subscription, event=subscription.event_id,
           format=file_format.value)


def pause(subscription):
    subscription.paused = True
    record("report.paused", target=subscription, event=subscription.event_id)


def resume(subscription, now=None):
    """Deliveries start again at the next delivery time; a disabled subscription is enabled
    again with its count of failures back to zero."""
    now = now or utcnow()
    subscription.paused, subscription.disabled_at, subscription.disabled_reason = False, None, None
    subscription.failures = 0
    if subscription.next_due_at <= now:
        subscription.next_due_at = next_due(subscription.frequency, now)
    record("report.resumed", target=subscription, event=subscription.event_id)


def delete(subscription):
    record("report.deleted", target=subscription, event=subscription.event_id)
    db.session.delete(subscription)


def describe(subscription):
    """(what the report is, its scope in words)."""
    kind = KINDS.get(subscription.kind)
    if kind is None:
        return subscription.kind, ""
    return kind.describe(subscription)


# ---- the scheduled run ----------------------------------------------------------------------

@dataclass
class Built:
    """A report built for one subscription, ready to be queued."""

    subscription: ReportSubscription
    due: datetime
    subject: str
    text: str
    html: str
    #: (filename, content type, bytes, None) as queue_email takes it
    attachment: tuple
    count: int


def send_due_reports(now=None):
    """Count the deliveries since the last run, then build and queue every report that is due;
    returns {"queued", "failed", "disabled"} counts of this run."""
    now = now or utcnow()
    counts = {"queued": 0, "failed": 0, "disabled": 0}
    counts["failed"] += settle_deliveries(now, counts)
    built, failed = [], []
    for subscription in due_subscriptions(now):
        reason = _no_longer_allowed(subscription.user)
        if reason is not None:
            subscription.disabled_at, subscription.disabled_reason = now, reason
            counts["disabled"] += 1
            continue
        try:
            with db.session.begin_nested():  # a failing query cannot spoil the transaction
                built.append(build(subscription, now))
        except BuildFailure as failure:
            failed.append((subscription, failure.failure))
        except Exception:  # noqa: BLE001  (any other fault of one report must not stop the rest)
            log.exception("report subscription %s could not be built", subscription.id)
            failed.append((subscription, Failure.BUILD_FAILED))
    for item in built:
        counts["queued"] += queue_built(item, now)
    for subscription, failure in failed:
        counts["failed"] += 1
        _count_failure(subscription, failure, now, counts)
    return counts


def due_subscriptions(now):
    return db.session.scalars(
        db.select(ReportSubscription)
        .options(joinedload(ReportSubscription.user), joinedload(ReportSubscription.event))
        .where(ReportSubscription.next_due_at <= now, ReportSubscription.paused.is_(False),
               ReportSubscription.disabled_at.is_(None))
        .order_by(ReportSubscription.next_due_at, ReportSubscription.id)).all()


def _no_longer_allowed(user):
    if not user.active:
        return DisabledReason.ACCOUNT_DISABLED
    if not user.has_role(Role.ADMIN, Role.ORGANISER):
        return DisabledReason.NOT_ORGANISER
    return None


def build(subscription, now):
    """The report's file and e-mail, in the subscriber's language (BuildFailure if it cannot be)."""
    kind = KINDS.get(subscription.kind)
    if kind is None:
        raise BuildFailure(Failure.REPORT_GONE)
    due = subscription.next_due_at
    with email_rendering(), force_locale(subscription.locale):
        report = kind.build(subscription)
        data, content_type = spreadsheets.render(report.header, report.rows,
                                                 subscription.file_format.value, report.title,
                                                 report.sheet)
        what, scope = kind.describe(subscription)
        context = dict(subscription=subscription, what=what, scope=scope,
                       period=period_words(subscription.frequency, due), now=now,
                       count=len(report.rows), filename=report.filename,
                       manage_url=url_for("reports.subscriptions", _external=True))
        subject = _("Report: %(what)s (%(period)s)", what=what, period=context["period"])
        text = render_template("reports/email/report.txt", **context)
        html = render_template("reports/email/report.html", **context)
    return Built(subscription, due, subject, text, html,
                 (report.filename, content_type, data, None), len(report.rows))


def queue_built(item, now):
    """Queue one built report and move its schedule on; 0 if a concurrent run queued it."""
    subscription = item.subscription
    try:
        with db.session.begin_nested():
            message = queue_email("report", subscription.user.email, subject=item.subject,
                                  text=item.text, html=item.html, attachments=[item.attachment],
                                  dedupe_key=dedupe_key(subscription, item.due))
            db.session.flush()
    except IntegrityError:
        return 0  # another run queued this period's report a moment ago: the key said no
    subscription.pending_message = message
    subscription.next_due_at = next_due(subscription.frequency, max(now, item.due))
    record("report.sent", target=subscription, event=subscription.event_id,
           format=subscription.file_format.value, count=item.count)
    return 1


def settle_deliveries(now, counts):
    """What became of the reports queued by earlier runs: a delivered one resets the count of
    failures, one the sender gave up on is a failure. Returns how many failed."""
    waiting = db.session.scalars(
        db.select(ReportSubscription).join(ReportSubscription.pending_message)
        .options(contains_eager(ReportSubscription.pending_message),
                 joinedload(ReportSubscription.user))
        .where(OutboxMessage.status.in_(("sent", "failed")))).all()
    failed = 0
    for subscription in waiting:
        message, subscription.pending_message = subscription.pending_message, None
        if message.status == "sent":
            subscription.failures, subscription.last_sent_at = 0, message.sent_at
        else:
            failed += 1
            _count_failure(subscription, Failure.DELIVERY_FAILED, now, counts)
    return failed


def _count_failure(subscription, failure, now, counts):
    """One more failure in a row; the third disables the subscription and tells its owner."""
    subscription.failures += 1
    subscription.last_failure, subscription.last_failure_at = failure, now
    if subscription.failures < MAX_FAILURES or subscription.disabled_at is not None:
        return
    subscription.disabled_at, subscription.disabled_reason = now, DisabledReason.FAILURES
    counts["disabled"] += 1
    try:
        with db.session.begin_nested():
            _queue_disabled_notice(subscription, now)
    except IntegrityError:
        pass  # a concurrent run told them already


def _queue_disabled_notice(subscription, now):
    with email_rendering(), force_locale(subscription.locale):
        what, scope = describe(subscription)
        context = dict(subscription=subscription, what=what, scope=scope,
                       reason=subscription.last_failure.label,
                       manage_url=url_for("reports.subscriptions", _external=True))
        queue_email("report_disabled", subscription.user.email,
                    subject=_("Report sospeso: %(what)s", what=what),
                    text=render_template("reports/email/disabled.txt", **context),
                    html=render_template("reports/email/disabled.html", **context),
                    dedupe_key=f"report-disabled:{subscription.id}:{now.date().isoformat()}")
        db.session.flush()
