"""Every table of the dashboard as rows for CSV and XLSX (through fis_events.spreadsheets)."""
from dataclasses import replace

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..feedback import figures
from ..i18n import to_rome
from . import services


def _rate(value):
    return round(value * 100, 1) if value is not None else ""


def _events(scope, group):
    rows, _total = services.event_rows(scope, per_page=None)
    header = [_("Data"), _("Evento"), _("Tipo"), _("Fase"), _("Svolto"), _("Iscritti confermati"),
              _("Presenti in presenza"), _("Presenti da remoto"), _("Presenze"), _("Assenti"),
              _("Tasso di assenza (%)")]
    return header, [[r.event.starts_at, r.event.title,
                     r.event.kind.label, r.event.phase.name if r.event.phase else "",
                     _("sì") if r.held else _("no"), r.confirmed, r.in_person, r.remote,
                     r.attendances, r.no_shows, _rate(r.no_show_rate)] for r in rows], _("Eventi")


def _organisations(scope, group):
    rows, _total = services.organisation_rows(scope, per_page=None)
    header = [_("Ente"), _("Tipo di ente"), _("Codice ISTAT"), _("Partecipazioni"),
              _("Partecipanti distinti"), _("Incontri di supporto svolti"), _("Fase del programma")]
    return header, [[r.organisation.name, r.organisation.kind.label, r.organisation.istat_code or "",
                     r.participations, r.participants, r.meetings_held,
                     r.stage.label if r.stage else ""] for r in rows], _("Enti")


def _phases(scope, group):
    totals = services.totals(scope)
    header = [_("Fase"), _("Partecipazioni"), _("Partecipanti distinti"), _("Incontri di supporto svolti")]
    rows = [[p.phase.name, p.participations, p.participants, p.meetings_held] for p in totals.phases]
    if totals.without_phase.participations or totals.without_phase.meetings_held:
        rows.append([_("Senza fase"), totals.without_phase.participations,
                     totals.without_phase.participants, totals.without_phase.meetings_held])
    rows.append([_("Somma dei partecipanti per fase"), "", totals.phase_sum, ""])
    rows.append([_("Partecipanti distinti in tutto"), totals.attendance.participations,
                 totals.attendance.participants, totals.meetings_held])
    return header, rows, _("Fasi")


def _groups(scope, group):
    totals = services.totals(scope)
    header = [_("Gruppo"), _("Partecipazioni"), _("Partecipanti distinti"), _("In presenza"), _("Da remoto")]
    return header, [[services.group_label(name), f.participations, f.participants, f.in_person, f.remote]
                    for name, f in totals.groups.items()], _("Comuni e partenariato")


def _participants(scope, group):
    rows, _total = services.participant_rows(scope, group=group if group in services.GROUPS else None,
                                             per_page=None)
    header = [_("Cognome"), _("Nome"), _("Ente"), _("Partecipazioni"), _("Ultima partecipazione")]
    return header, [[r.person.last_name, r.person.first_name,
                     r.person.organisation.name if r.person.organisation else "", r.participations,
                     to_rome(r.last_attended).date()] for r in rows], _("Partecipanti")


def _average(value):
    return round(value, 2) if value is not None else ""


def feedback_overview(scope):
    return figures.overview(scope.event_conditions(), scope.organisation_kind)


#: the feedback dashboard's breakdowns, in its order: (table, heading of the first column, title,
#: the figures.Overview field)
FEEDBACK_BREAKDOWNS = (
    ("gradimento_fasi", _l("Fase"), _l("Gradimento per fase"), "by_phase"),
    ("gradimento_programmi", _l("Programma"), _l("Gradimento per programma"), "by_programme"),
    ("gradimento_tipi_evento", _l("Tipo di evento"), _l("Gradimento per tipo di evento"),
     "by_event_kind"),
    ("gradimento_tipi_ente", _l("Tipo di ente"), _l("Gradimento per tipo di ente dei partecipanti"),
     "by_organisation_kind"),
    ("gradimento_mesi", _l("Mese dell'evento"), _l("Andamento nel tempo, per mese dell'evento"),
     "by_month"),
    ("gradimento_eventi", _l("Evento"), _l("Gradimento per evento"), "by_event"),
)


def feedback_breakdowns(overview):
    """[(table, heading, title, cells)] of an overview."""
    return [(table, str(heading), str(title), getattr(overview, name))
            for table, heading, title, name in FEEDBACK_BREAKDOWNS]


FEEDBACK_HEADER = (_l("Invitati"), _l("Risposte"), _l("Tasso di risposta (%)"),
                   _l("Soddisfazione media (1-5)"), _l("Utilità media (1-5)"))


def _feedback_cells(cells):
    """A breakdown's cells as rows: below 5 answers the counts only (feedback.figures)."""
    return [[cell.label, cell.invited, cell.answers, _rate(cell.response_rate),
             _average(cell.satisfaction), _average(cell.usefulness)] for cell in cells]


def _feedback(scope, group):
    """Every breakdown of the feedback dashboard in one table: the "feedback results" report."""
    overview = feedback_overview(scope)
    header = [_("Suddivisione"), _("Voce"), *map(str, FEEDBACK_HEADER)]
    total = replace(overview.total, label=_("Tutti gli eventi"))
    rows = [[_("Totale"), *_feedback_cells([total])[0]]]
    for _table, name, _title, cells in feedback_breakdowns(overview):
        rows += [[name, *row] for row in _feedback_cells(cells)]
    return header, rows, _("Gradimento")


def _feedback_breakdown(table):
    def rows(scope, group):
        _table, heading, title, cells = next(
            b for b in feedback_breakdowns(feedback_overview(scope)) if b[0] == table)
        return [heading, *map(str, FEEDBACK_HEADER)], _feedback_cells(cells), title
    return rows


TABLES = {"eventi": _events, "enti": _organisations, "fasi": _phases, "gruppi": _groups,
          "partecipanti": _participants, "gradimento": _feedback,
          **{table: _feedback_breakdown(table) for table, *_rest in FEEDBACK_BREAKDOWNS}}


def table(name, scope, group=None):
    """(header, rows, title) of one dashboard table over the whole scope, not one page."""
    return TABLES[name](scope, group)
