"""Organiser pages of a support meeting's record (``/gestione/eventi/<id>/verbale``): the
minutes, the decisions, the next steps and each person's outcome, on one page, each part with
its own form; the minutes as PDF; and the open next steps shown on an organisation's page."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import audit_record as audit
from ..accounts.access import organiser_required
from ..errors import DomainError, attach_error
from ..events.models import Event
from ..forms import Form
from ..pages import get_or_404
from ..participation.services import check_register_open
from ..pdf import pdf_response
from ..programme.manage import organisation_sections
from ..programme.services import known_organisations, today
from ..registration.views import organisation_from_form
from . import services
from .forms import DecisionForm, DoneForm, MinutesForm, NextStepForm, OutcomesForm
from .models import MeetingDecision, NextStep, Outcome
from .pdf import minutes_pdf

bp = Blueprint("meetings", __name__, url_prefix="/gestione")


@bp.before_request
@organiser_required
def require_organiser():
    """Every route here is for organisers and admins only, including ones added later."""


def user():
    return current_user._get_current_object()


def meeting_or_404(event_id):
    """The support meeting; any other kind of event has no record (a 404 that says so)."""
    event = get_or_404(Event, event_id)
    if not services.has_record(event):
        return event, (render_template("meetings/no_record.html", event=event), 404)
    return event, None


def render_record(event, *, minutes_form=None, decision_form=None, step_form=None, edited=None,
                  outcome_error=None, typed=None):
    """The record page; a refused form is passed in with its errors (and `edited`, the form of
    the decision or next step being corrected, with its row's id), or the outcomes' refusal
    with what was `typed`, and the page answers 422."""
    record = services.record_of(event)
    if minutes_form is None:
        minutes_form = MinutesForm(formdata=None, minutes=record.minutes if record else "")
    decision_forms = {d.id: DecisionForm(formdata=None, prefix=f"decision-{d.id}", text=d.text)
                      for d in (record.decisions if record else [])}
    step_forms = {}
    for step in record.next_steps if record else []:
        step_forms[step.id] = NextStepForm(formdata=None, prefix=f"step-{step.id}")
        step_forms[step.id].fill_from(step)
    if edited is not None:
        kind, row_id, form = edited
        (decision_forms if kind == "decision" else step_forms)[row_id] = form
    try:
        check_register_open(event)
        outcomes_closed = None
    except DomainError as error:
        outcomes_closed = error.message
    lines = services.meeting_lines(event)
    refused = any(f is not None and (f.errors or f.form_errors)
                  for f in (minutes_form, decision_form, step_form, edited and edited[2])) or outcome_error
    return render_template(
        "meetings/record.html", event=event, record=record, minutes_form=minutes_form,
        decision_form=decision_form or DecisionForm(formdata=None, prefix="decision"),
        step_form=step_form or NextStepForm(formdata=None, prefix="step"), decision_forms=decision_forms,
        step_forms=step_forms, edited=edited[:2] if edited else None,
        due_before=services.due_before_meeting(record), meeting_day=services.meeting_day(event),
        today=today(), lines=lines, outcomes=list(Outcome), typed=typed or {},
        counts={outcome.value: n for outcome, n in services.outcome_counts(lines).items()},
        outcomes_form=OutcomesForm(formdata=None), outcomes_closed=outcomes_closed,
        outcome_error=outcome_error,
        organisations=known_organisations(),
    ), 422 if refused else 200


def back(event_id, anchor):
    return redirect(url_for(".record", event_id=event_id, _anchor=anchor))


def saved(form, change, message, event_id, anchor):
    """Apply `change` when the form is valid and go back to its part of the page; None when the
    form or the service refused (its reason beside the fields), for the caller to render."""
    if not form.validate_on_submit():
        return None
    try:
        change()
    except DomainError as error:
        attach_error(form, error)
        return None
    flash(message, "success")
    return back(event_id, anchor)


@bp.route("/eventi/<int:event_id>/verbale")
def record(event_id):
    event, refusal = meeting_or_404(event_id)
    return refusal or render_record(event)


@bp.route("/eventi/<int:event_id>/verbale", methods=["POST"])
def save_minutes(event_id):
    event, refusal = meeting_or_404(event_id)
    if refusal:
        return refusal
    form = MinutesForm()
    return (saved(form, lambda: services.save_minutes(event, form.minutes.data, user=user()),
                  _("Verbale salvato."), event.id, "record-minutes")
            or render_record(event, minutes_form=form))


@bp.route("/eventi/<int:event_id>/verbale/decisioni", methods=["POST"])
def add_decision(event_id):
    event, refusal = meeting_or_404(event_id)
    if refusal:
        return refusal
    form = DecisionForm(prefix="decision")
    return (saved(form, lambda: services.add_decision(event, form.text.data, user=user()),
                  _("Decisione aggiunta."), event.id, "decisions")
            or render_record(event, decision_form=form))


@bp.route("/verbale/decisioni/<int:decision_id>", methods=["POST"])
def edit_decision(decision_id):
    decision = get_or_404(MeetingDecision, decision_id)
    event = decision.record.event
    form = DecisionForm(prefix=f"decision-{decision.id}")
    return (saved(form, lambda: services.update_decision(decision, form.text.data, user=user()),
                  _("Decisione modificata."), event.id, "decisions")
            or render_record(event, edited=("decision", decision.id, form)))


@bp.route("/verbale/decisioni/<int:decision_id>/elimina", methods=["POST"])
def delete_decision(decision_id):
    decision = get_or_404(MeetingDecision, decision_id)
    event_id = decision.record.event_id
    if Form().validate_on_submit():
        services.remove_decision(decision, user=user())
        flash(_("Decisione eliminata."), "success")
    return back(event_id, "decisions")


def step_values(form):
    """What the next step form says, for the services; the organisation is looked up (or
    created) only once the rest is accepted."""
    return dict(text=form.text.data, due_on=form.due_on.data,
                organisation=lambda: organisation_from_form(form, by_organiser=True))


@bp.route("/eventi/<int:event_id>/verbale/passi", methods=["POST"])
def add_step(event_id):
    event, refusal = meeting_or_404(event_id)
    if refusal:
        return refusal
    form = NextStepForm(prefix="step")
    return (saved(form, lambda: services.add_next_step(event, user=user(), **step_values(form)),
                  _("Prossimo passo aggiunto."), event.id, "next-steps")
            or render_record(event, step_form=form))


@bp.route("/verbale/passi/<int:step_id>", methods=["POST"])
def edit_step(step_id):
    step = get_or_404(NextStep, step_id)
    event = step.record.event
    form = NextStepForm(prefix=f"step-{step.id}")
    return (saved(form, lambda: services.update_next_step(step, user=user(), **step_values(form)),
                  _("Prossimo passo modificato."), event.id, "next-steps")
            or render_record(event, edited=("step", step.id, form)))


@bp.route("/verbale/passi/<int:step_id>/elimina", methods=["POST"])
def delete_step(step_id):
    step = get_or_404(NextStep, step_id)
    event_id = step.record.event_id
    if Form().validate_on_submit():
        services.remove_next_step(step, user=user())
        flash(_("Prossimo passo eliminato."), "success")
    return back(event_id, "next-steps")


@bp.route("/verbale/passi/<int:step_id>/fatto", methods=["POST"])
def step_done(step_id):
    step = get_or_404(NextStep, step_id)
    form = DoneForm()
    if form.validate_on_submit():
        services.set_done(step, form.done.data, user=user())
        flash(_("Prossimo passo segnato come fatto.") if form.done.data
              else _("Prossimo passo riaperto."), "success")
    return back(step.record.event_id, "next-steps")


@bp.route("/eventi/<int:event_id>/verbale/esiti", methods=["POST"])
def save_outcomes(event_id):
    event, refusal = meeting_or_404(event_id)
    if refusal:
        return refusal
    form = OutcomesForm()
    if not form.validate():
        return render_record(event, outcome_error=_("Il modulo non è valido: ricarica la pagina e riprova."),
                             typed=request.form)
    chosen, shown = form.outcomes(request.form)
    try:
        changes = services.save_outcomes(event, chosen, shown, user())
    except DomainError as error:
        return render_record(event, outcome_error=error.message, typed=request.form)
    if not (changes.changed or changes.kept):
        flash(_("Nessuna modifica agli esiti."), "info")
    else:
        flash(_("Esiti salvati: %(n)s modifiche.", n=len(changes.changed)), "success")
    for line, sources in changes.kept:
        flash(_("%(name)s resta presente: la presenza risulta anche da %(sources)s.",
                name=line.name, sources=", ".join(source.label for source in sources)), "warning")
    return back(event.id, "outcomes")


@bp.route("/eventi/<int:event_id>/verbale.pdf")
def minutes_document(event_id):
    event, refusal = meeting_or_404(event_id)
    if refusal:
        return refusal
    facts = services.minutes_facts(event)
    audit.record("meeting.minutes_downloaded", event=event,
                 count=len(facts.present) + len(facts.excused) + len(facts.absent))
    return pdf_response(minutes_pdf(facts), f"verbale-evento-{event.id}.pdf")


@organisation_sections.connect
def open_next_steps(organisation):
    """The organisation's page shows what it still has to do, across meetings."""
    return "meetings/_organisation_steps.html", dict(steps=services.open_steps_of(organisation),
                                                     today=today())
