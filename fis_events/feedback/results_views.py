"""An event's feedback results for its organisers: the figures of figures.event_figures as a
page, with charts and their tables, and as CSV or XLSX."""
from flask import Blueprint, render_template
from flask_babel import gettext as _

from .. import spreadsheets
from ..accounts.access import organiser_required
from ..charts import chart
from ..events.pages import event_or_404
from . import figures
from .exports import event_table

bp = Blueprint("feedback_results", __name__, url_prefix="/gestione/eventi/<int:event_id>/questionario")


@bp.before_request
@organiser_required
def require_organiser():
    """For organisers and admins only."""


def question_charts(result):
    """{question id: chart} for the scale and choice questions."""
    charts = {}
    for item in result.questions:
        if item.counts:
            charts[item.question.id] = chart(item.question.text,
                                             [str(label) for label, _count in item.counts],
                                             [(_("Risposte"), [count for _label, count in item.counts])],
                                             horizontal=item.question.kind.has_choices)
    return charts


@bp.route("/risultati")
def results(event_id):
    event = event_or_404(event_id)
    result = figures.event_figures(event)
    return render_template("feedback/results.html", event=event, result=result,
                           charts=question_charts(result),
                           below_threshold=figures.below_threshold_sentence())


@bp.route("/risultati.<any(csv, xlsx):fmt>")
def export(event_id, fmt):
    event = event_or_404(event_id)
    header, rows, title = event_table(figures.event_figures(event))
    return spreadsheets.download(header, rows, fmt, f"questionario-evento-{event.id}.{fmt}", title)
