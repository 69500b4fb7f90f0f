"""What can be subscribed to: a small registry of report kinds, each building its table.

A kind names its tables (for a results kind, tables of fis_events.results.exports) and knows
how to build one for a subscription and how to say its scope in words. Adding a report over
another group of results tables is one entry in KINDS.
"""
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..errors import DomainError
from ..i18n import long_date
from ..registration import export as registration_export
from ..registration import services as registrations
from ..results import exports, services as results
from .models import Failure

#: the results dashboard's own parameter that a table takes besides the scope
GROUP = "gruppo"


class BuildFailure(Exception):
    """A report that cannot be built as subscribed; `failure` says why (models.Failure)."""

    def __init__(self, failure):
        super().__init__(failure.value)
        self.failure = failure


@dataclass(frozen=True)
class Report:
    """A built report: its table and what the e-mail says about it."""

    header: list
    rows: list
    title: str
    sheet: str
    filename: str


def scope_query(scope, group=None):
    """The scope as it is stored: the dashboard's query string, sorted (plus its group)."""
    values = scope.query_args()
    if group:
        values[GROUP] = group
    return urlencode(sorted(values.items()))


def parse_scope_args(args):
    """(Scope, group) of the dashboard's filters and its group, as typed in a form or stored;
    DomainError naming the field for one that does not name a real thing."""
    args = dict(args)
    group = (args.pop(GROUP, "") or "").strip() or None
    if group is not None and group not in results.GROUPS:
        raise DomainError(_("Gruppo sconosciuto."), field=GROUP)
    return results.parse_scope(args), group


def parse_stored_scope(query):
    """(Scope, group) of a stored query string; DomainError if it no longer names real things."""
    return parse_scope_args(parse_qsl(query or ""))


def scope_words(scope, group=None):
    """'programma FIS, fase …, dal …': the filters as a sentence, or 'tutti gli eventi'."""
    parts = []
    if scope.programme is not None:
        parts.append(_("programma %(code)s", code=scope.programme.code))
    if scope.phase is not None:
        parts.append(_("fase «%(name)s»", name=scope.phase.name))
    if scope.event is not None:
        parts.append(_("evento «%(title)s»", title=scope.event.title))
    if scope.date_from is not None:
        parts.append(_("dal %(day)s", day=long_date(scope.date_from)))
    if scope.date_to is not None:
        parts.append(_("al %(day)s", day=long_date(scope.date_to)))
    if scope.event_kind is not None:
        parts.append(_("tipo di evento: %(kind)s", kind=scope.event_kind.label))
    if scope.organisation_kind is not None:
        parts.append(_("tipo di ente: %(kind)s", kind=scope.organisation_kind.label))
    if group:
        parts.append(results.group_label(group))
    return ", ".join(parts) or _("tutti gli eventi")


@dataclass(frozen=True)
class ResultsKind:
    """Tables of the results dashboard over a scope (results.exports.table)."""

    code: str
    label: object
    #: {results.exports table name: its label in the forms and e-mails}
    tables: dict
    needs_event = False

    def build(self, subscription):
        if subscription.table not in self.tables or subscription.table not in exports.TABLES:
            raise BuildFailure(Failure.REPORT_GONE)
        try:
            scope, group = parse_stored_scope(subscription.scope)
        except DomainError:
            raise BuildFailure(Failure.SCOPE_INVALID) from None
        header, rows, title = exports.table(subscription.table, scope, group=group)
        return Report(header, list(rows), title, title,
                      f"fis-{subscription.table}.{subscription.file_format.value}")

    def describe(self, subscription):
        """(what, scope in words) for pages and e-mails; a scope that no longer parses says so."""
        what = f"{self.label}: {self.tables.get(subscription.table, subscription.table)}"
        try:
            return what, scope_words(*parse_stored_scope(subscription.scope))
        except DomainError:
            return what, _("filtri non più validi")


@dataclass(frozen=True)
class RegistrationsKind:
    """The registration list of one event, as its export gives it."""

    code: str
    label: object
    tables = {}
    needs_event = True

    def build(self, subscription):
        event = subscription.event
        if event is None:
            raise BuildFailure(Failure.EVENT_GONE)
        rows = registrations.registrations_of(event)
        return Report(registration_export.header(),
                      list(registration_export.rows(rows, registrations.waiting_positions(event))),
                      event.title, _("Iscritti"),
                      f"iscritti-evento-{event.id}.{subscription.file_format.value}")

    def describe(self, subscription):
        if subscription.event is None:
            return str(self.label), _("evento eliminato")
        return str(self.label), _("evento «%(title)s»", title=subscription.event.title)


KINDS = {kind.code: kind for kind in (
    ResultsKind("risultati", _l("Risultati e partecipazione"),
                {"fasi": _l("Fasi"), "gruppi": _l("Comuni e partenariato"), "eventi": _l("Eventi"),
                 "enti": _l("Enti"), "partecipanti": _l("Partecipanti")}),
    ResultsKind("gradimento", _l("Risultati dei questionari"),
                {"gradimento": _l("tutte le suddivisioni"),
                 **{table: title for table, _heading, title, _field in exports.FEEDBACK_BREAKDOWNS}}),
    RegistrationsKind("iscritti", _l("Elenco degli iscritti")),
)}


def kind_of_table(table):
    """The code of the results kind offering this dashboard table, None if none does."""
    return next((kind.code for kind in KINDS.values() if table in kind.tables), None)
