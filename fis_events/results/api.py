"""Programme totals as JSON for open-data publication (public: aggregates only, no people)."""
from flask import Blueprint, abort, jsonify, request
from flask_babel import gettext as _

from ..errors import DomainError
from ..extensions import db
from ..feedback import figures
from ..programme.models import Phase
from . import services

bp = Blueprint("results_api", __name__, url_prefix="/api/v1")

#: every parameter the API takes: its own names, and the dashboard's for the same filters
ACCEPTED = ("phase", *services.ENGLISH_NAMES, *services.ENGLISH_NAMES.values())


def counting_rules():
    return [
        _("Una partecipazione è una presenza registrata di una persona a un evento; al massimo una "
          "per persona ed evento, qualunque sia la fonte."),
        _("I partecipanti sono persone distinte con almeno una presenza nell'ambito."),
        _("phase_sum, i «partecipanti complessivi», è la somma dei partecipanti distinti di ciascuna "
          "fase; distinct conta ogni persona una volta sola."),
        _("Comuni (comuni capoluogo e città metropolitane) e partenariato si distinguono per l'ente "
          "rappresentato all'evento."),
        _("Un incontro di supporto conta quando è svolto: confermato, oppure pubblicato e concluso; "
          "mai se annullato."),
        _("feedback riporta solo cifre complessive dei questionari anonimi: le medie (da 1 a 5) "
          "sono null dove ci sono meno di %(n)s risposte.", n=figures.MIN_ANSWERS),
    ]


@bp.route("/programmes/<code>/results")
def programme_results(code):
    programme = services.programme_by_code(code)
    if programme is None:
        abort(404)
    try:
        args = services.filter_values(request.args, ACCEPTED)
    except services.UnknownParameter as error:
        return invalid(error.field, error.message, "unknown_parameter", 422)
    args.update(programma=programme.code, fase="", evento="")
    if request.args.get("phase"):
        phase = db.session.scalar(db.select(Phase).filter_by(programme_id=programme.id,
                                                             code=request.args["phase"]))
        if phase is None:
            return invalid("phase", _("Fase sconosciuta."))
        args["fase"] = str(phase.id)
    try:
        scope = services.parse_scope(args)
    except DomainError as error:
        english = {ours: theirs for theirs, ours in services.ENGLISH_NAMES.items()}
        used = error.field if error.field in request.args else english.get(error.field, error.field)
        return invalid(used, error.message)
    feedback = figures.overview(scope.event_conditions(), scope.organisation_kind)
    return jsonify(results_data(programme, scope, services.totals(scope), feedback))


def invalid(field, message, code="invalid_parameter", status=400):
    return jsonify(error={"code": code, "field": field, "message": message}), status


def feedback_data(cell):
    return {"invited": cell.invited, "answers": cell.answers, "response_rate": cell.response_rate,
            "average_satisfaction": cell.satisfaction, "average_usefulness": cell.usefulness}


def results_data(programme, scope, totals, feedback):
    by_phase = {cell.key: cell for cell in feedback.by_phase}
    return {
        "programme": {"code": programme.code, "name": programme.name},
        "scope": {"phase": scope.phase.code if scope.phase else None,
                  "from": scope.date_from.isoformat() if scope.date_from else None,
                  "to": scope.date_to.isoformat() if scope.date_to else None,
                  "kind": scope.event_kind.value if scope.event_kind else None,
                  "organisation_kind": scope.organisation_kind.value if scope.organisation_kind else None},
        "computed_at": totals.computed_at.isoformat(),
        "counting_rules": counting_rules(),
        "events": totals.events,
        "registrations": totals.registrations,
        "attendances": {"in_person": totals.attendance.in_person, "remote": totals.attendance.remote,
                        "total": totals.attendance.participations},
        "no_shows": {"count": totals.no_shows, "expected": totals.expected_past,
                     "rate": totals.no_show_rate},
        "participants": {
            "distinct": totals.attendance.participants, "phase_sum": totals.phase_sum,
            "by_group": {group: {"participants": f.participants, "participations": f.participations}
                         for group, f in totals.groups.items()}},
        "phases": [{"code": p.phase.code, "name": p.phase.name,
                    "label_in_results": p.phase.label_in_results, "participants": p.participants,
                    "participations": p.participations, "support_meetings_held": p.meetings_held}
                   for p in totals.phases],
        "support_meetings_held": totals.meetings_held,
        "pipeline": {stage.value: count for stage, count in (totals.pipeline or {}).items()},
        "feedback": {
            "minimum_answers": figures.MIN_ANSWERS, **feedback_data(feedback.total),
            "phases": [{"code": p.phase.code, **feedback_data(by_phase.get(p.phase.id, figures.Cell()))}
                       for p in totals.phases]},
    }
