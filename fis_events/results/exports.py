"""Every table of the dashboard as rows for CSV and XLSX (through fis_events.spreadsheets)."""
from flask_babel import gettext as _

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


TABLES = {"eventi": _events, "enti": _organisations, "fasi": _phases, "gruppi": _groups,
          "partecipanti": _participants}


def table(name, scope, group=None):
    """(header, rows, title) of one dashboard table over the whole scope, not one page."""
    return TABLES[name](scope, group)
