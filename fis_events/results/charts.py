"""What the dashboard's charts draw, as data for Chart.js (static/js/charts.js draws them).
Every chart is also shown as a table beside it, built from the same figures."""
from flask_babel import gettext as _

from . import services

#: Bootstrap Italia blues and a contrasting green, distinguishable and AA against white
COLOURS = ["#0066cc", "#008055", "#a66300", "#5c6f82"]


def _bar(title, labels, datasets, horizontal=False):
    return {"title": title, "type": "bar", "horizontal": horizontal, "labels": labels,
            "datasets": [{"label": label, "data": data, "backgroundColor": COLOURS[i % len(COLOURS)]}
                         for i, (label, data) in enumerate(datasets)]}


def dashboard_charts(totals):
    phases = [p.phase.name for p in totals.phases]
    charts = [
        _bar(_("Partecipanti distinti per fase"), phases,
             [(_("Partecipanti distinti"), [p.participants for p in totals.phases]),
              (_("Partecipazioni"), [p.participations for p in totals.phases])]),
        _bar(_("Incontri di supporto svolti per fase"), phases,
             [(_("Incontri svolti"), [p.meetings_held for p in totals.phases])]),
        _bar(_("Comuni e partenariato"), [services.group_label(g) for g in totals.groups],
             [(_("Partecipanti distinti"), [f.participants for f in totals.groups.values()]),
              (_("Partecipazioni"), [f.participations for f in totals.groups.values()])]),
    ]
    if totals.pipeline:
        charts.append(_bar(_("Comuni nelle fasi del programma"),
                           [stage.label for stage in totals.pipeline],
                           [(_("Comuni"), list(totals.pipeline.values()))], horizontal=True))
    return charts
