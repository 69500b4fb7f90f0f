"""An event's feedback results as a table for CSV and XLSX (through fis_events.spreadsheets):
aggregates and texts only, and below the threshold the counts alone. No row per response,
nothing that names or dates a respondent."""
from flask_babel import gettext as _

from .figures import MIN_ANSWERS
from .models import QuestionKind


def _percent(value):
    return round(value * 100, 1) if value is not None else ""


def event_table(result):
    """(header, rows, title) of figures.event_figures(event)."""
    header = [_("Domanda"), _("Voce"), _("Valore")]
    rows = [["", _("Invitati"), result.invited], ["", _("Risposte"), result.answers],
            ["", _("Tasso di risposta (%)"), _percent(result.response_rate)]]
    if not result.shown:
        rows.append(["", _("Nota"), _("Meno di %(n)s risposte: nessun altro dato.", n=MIN_ANSWERS)])
    for figures in result.questions:
        text = figures.question.text
        rows.append([text, _("Risposte alla domanda"), figures.answered])
        if figures.question.kind is QuestionKind.SCALE:
            rows.append([text, _("Media (1-5)"), round(figures.average, 2) if figures.average else ""])
            rows += [[text, str(value), count] for value, count in figures.counts]
        elif figures.question.kind.has_choices:
            rows += [[text, label, count] for label, count in figures.counts]
        else:
            rows += [[text, _("Risposta"), answer] for answer in figures.texts]
    return header, rows, _("Questionario")
