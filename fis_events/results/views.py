"""Organisers' dashboard with drill-down and exports, and the public results page of a programme."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from .. import spreadsheets
from ..accounts.access import organiser_required
from ..audit_record import record
from ..db_types import parse_page
from ..errors import DomainError
from ..pages import get_or_404
from ..events.models import EventKind
from ..extensions import db
from ..programme.models import OrganisationKind, Programme, ProgrammeStage
from ..registration.models import Person
from ..feedback import figures
from . import exports, services
from .charts import dashboard_charts, feedback_charts

bp = Blueprint("results", __name__, url_prefix="/gestione/risultati")
public_bp = Blueprint("results_public", __name__)


def stage_statement(stage, count):
    """The pipeline as the programme's communication words it ("21 Comuni selezionati…")."""
    return {
        ProgrammeStage.APPLIED: ngettext(
            "Comune sul territorio nazionale che ha risposto all'avviso pubblico",
            "Comuni sul territorio nazionale che hanno risposto all'avviso pubblico", count),
        ProgrammeStage.FEASIBILITY: ngettext(
            "Comune selezionato in fase di studio di fattibilità",
            "Comuni selezionati in fase di studio di fattibilità", count),
        ProgrammeStage.EXPERIMENTATION: ngettext(
            "Comune oggi coinvolto in fase sperimentale",
            "Comuni oggi coinvolti in fase sperimentale", count),
    }[stage]


@bp.context_processor
@public_bp.context_processor
def results_helpers():
    return {"group_label": services.group_label, "stage_statement": stage_statement}


@bp.before_request
@organiser_required
def require_organiser():
    """Every route here is for organisers and admins only, including ones added later."""


#: the dashboard's own parameters besides the filters; its links carry them from page to page
PAGE_PARAMETERS = ("pagina", "svolti", "gruppo")


def page_number(name="pagina"):
    return parse_page(request.args.get(name))


def scoped(template, build, **context):
    """Parse the filters, then render; a bad filter answers 422 with its message beside the
    field, the filters as typed, and no figures."""
    programmes = db.session.scalars(db.select(Programme).order_by(Programme.name)).all()
    common = dict(programmes=programmes, event_kinds=list(EventKind),
                  organisation_kinds=list(OrganisationKind), args=request.args, **context)
    try:
        scope = services.parse_scope(request.args, PAGE_PARAMETERS)
    except DomainError as error:
        return render_template(template, error=error, scope=None, **common), 422
    return render_template(template, error=None, scope=scope, **build(scope), **common)


@bp.route("/")
def dashboard():
    def build(scope):
        totals = services.totals(scope)
        events, events_total = services.event_rows(scope, page=page_number())
        return dict(totals=totals, events=events, events_total=events_total,
                    page=page_number(), per_page=services.PAGE_SIZE, charts=dashboard_charts(totals))
    return scoped("results/dashboard.html", build)


@bp.route("/ricalcola", methods=["POST"])
def recount():
    """Count every figure again now instead of waiting for the snapshots to age."""
    services.forget_totals()
    flash(_("Le cifre sono state ricalcolate ora."), "success")
    return redirect(url_for("results.dashboard", **request.args.to_dict()))


@bp.route("/eventi")
def events():
    held_only = request.args.get("svolti") == "1"

    def build(scope):
        rows, total = services.event_rows(scope, page=page_number(), held_meetings_only=held_only)
        return dict(events=rows, events_total=total, page=page_number(), per_page=services.PAGE_SIZE)
    return scoped("results/events.html", build, held_only=held_only)


@bp.route("/enti")
def organisations():
    def build(scope):
        rows, total = services.organisation_rows(scope, page=page_number())
        return dict(organisations=rows, organisations_total=total, page=page_number(),
                    per_page=services.PAGE_SIZE)
    return scoped("results/organisations.html", build)


@bp.route("/partecipanti")
def participants():
    group = request.args.get("gruppo") or None
    if group is not None and group not in services.GROUPS:
        abort(404)

    def build(scope):
        rows, total = services.participant_rows(scope, group=group, page=page_number())
        return dict(participants=rows, participants_total=total, page=page_number(),
                    per_page=services.PAGE_SIZE)
    return scoped("results/participants.html", build, group=group)


@bp.route("/partecipanti/<int:person_id>")
def participant(person_id):
    person = get_or_404(Person, person_id)
    return scoped("results/person.html",
                  lambda scope: dict(attendances=services.attendances_of(person, scope)),
                  person=person)


@bp.route("/gradimento")
def feedback():
    """Satisfaction, usefulness and response rates of the scope's questionnaires."""
    def build(scope):
        overview = exports.feedback_overview(scope)
        return dict(overview=overview, breakdowns=exports.feedback_breakdowns(overview),
                    charts=feedback_charts(overview), min_answers=figures.MIN_ANSWERS)
    return scoped("results/feedback.html", build)


@bp.route("/gradimento/pubblicazione", methods=["POST"])
def publish_feedback():
    """A programme states its average satisfaction on its public results page, or stops."""
    programme = services.programme_by_code(request.form.get("programma", ""))
    if programme is None:
        flash(_("Programma sconosciuto."), "danger")
        return redirect(url_for("results.feedback", **request.args.to_dict()))
    publish = request.form.get("pubblica") == "1"
    services.publish_feedback(programme, publish)
    flash(_("Il gradimento medio di %(programme)s è ora pubblicato sulla pagina dei risultati.",
            programme=programme.name) if publish else
          _("Il gradimento medio di %(programme)s non è più pubblicato.", programme=programme.name),
          "success")
    return redirect(url_for("results.feedback", **request.args.to_dict()))


@bp.route("/<any(%s):table>.<any(csv, xlsx):fmt>" % ", ".join(exports.TABLES))
def export(table, fmt):
    try:
        scope = services.parse_scope(request.args, PAGE_PARAMETERS)
    except DomainError as error:
        return Response(error.message, status=422, mimetype="text/plain")
    header, rows, title = exports.table(table, scope, group=request.args.get("gruppo") or None)
    if table == "partecipanti":  # names leave the system
        record("results.exported", format=fmt, count=len(rows))
    return spreadsheets.download(header, rows, fmt, f"fis-{table}.{fmt}", title)


@public_bp.route("/programmi/<code>/risultati")
def programme_results(code):
    """The programme's results as its own communication states them, every number computed."""
    programme = services.programme_by_code(code)
    if programme is None:
        abort(404)
    scope = services.Scope(programme=programme)
    feedback = figures.headline(scope.event_conditions()) if programme.publishes_feedback else None
    return render_template("results/public.html", programme=programme,
                           totals=services.totals(scope), feedback=feedback)

