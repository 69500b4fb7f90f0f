"""What the dashboard's charts draw (fis_events.charts). Every chart is also shown as a table
beside it, built from the same figures."""
from flask_babel import gettext as _

from ..charts import chart
from . import services


def dashboard_charts(totals):
    phases = [p.phase.name for p in totals.phases]
    charts = [
        chart(_("Partecipanti distinti per fase"), phases,
             [(_("Partecipanti distinti"), [p.participants for p in totals.phases]),
              (_("Partecipazioni"), [p.participations for p in totals.phases])]),
        chart(_("Incontri di supporto svolti per fase"), phases,
             [(_("Incontri svolti"), [p.meetings_held for p in totals.phases])]),
        chart(_("Comuni e partenariato"), [services.group_label(g) for g in totals.groups],
             [(_("Partecipanti distinti"), [f.participants for f in totals.groups.values()]),
              (_("Partecipazioni"), [f.participations for f in totals.groups.values()])]),
    ]
    if totals.pipeline:
        charts.append(chart(_("Comuni nelle fasi del programma"),
                           [stage.label for stage in totals.pipeline],
                           [(_("Comuni"), list(totals.pipeline.values()))], horizontal=True))
    return charts


def feedback_charts(overview):
    """Average satisfaction and usefulness by phase and by month (gaps where a cell has fewer
    answers than the threshold)."""
    def averages(cells):
        return [(_("Soddisfazione media"), [_rounded(c.satisfaction) for c in cells]),
                (_("Utilità media"), [_rounded(c.usefulness) for c in cells])]
    return [
        chart(_("Gradimento per fase (media da 1 a 5)"), [c.label for c in overview.by_phase],
              averages(overview.by_phase)),
        chart(_("Andamento nel tempo (media da 1 a 5, per mese dell'evento)"),
              [c.label for c in overview.by_month], averages(overview.by_month), kind="line"),
    ]


def _rounded(value):
    return round(value, 1) if value is not None else None
