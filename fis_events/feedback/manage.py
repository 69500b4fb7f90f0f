"""The organisers' questionnaire pages: an event's, and each event kind's default. One page and
one question form serve both; only the addresses and the closing date (events only) differ."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..accounts.access import organiser_required
from ..errors import DomainError, attach_error
from ..events.models import EventKind
from ..events.pages import event_or_404
from ..unit_of_work import discard_changes
from . import editing
from .forms import ClosingForm, QuestionForm
from .services import last_day

bp = Blueprint("feedback_manage", __name__, url_prefix="/gestione")

#: page operations on one question: (service, message when done)
QUESTION_OPERATIONS = {
    "delete": (editing.delete_question, _l("Domanda eliminata.")),
    "up": (lambda owner, number: editing.move_question(owner, number, "up"), _l("Domanda spostata.")),
    "down": (lambda owner, number: editing.move_question(owner, number, "down"), _l("Domanda spostata.")),
}


@bp.before_request
@organiser_required
def require_organiser():
    """Every route here is for organisers and admins only."""


def kind_or_404(value):
    try:
        return EventKind(value)
    except ValueError:
        abort(404)


def page_url(owner):
    if owner.event is not None:
        return url_for(".event_questionnaire", event_id=owner.event.id)
    return url_for(".kind_questionnaire", kind=owner.kind.value)


def question_url(owner, number):
    if owner.event is not None:
        return url_for(".event_question", event_id=owner.event.id, number=number)
    return url_for(".kind_question", kind=owner.kind.value, number=number)


@bp.route("/questionari")
def kinds():
    rows = [(kind, editing.stored(editing.for_kind(kind)) is not None) for kind in EventKind]
    return render_template("feedback/kinds.html", rows=rows)


@bp.route("/questionari/<kind>", methods=["GET", "POST"])
def kind_questionnaire(kind):
    return questionnaire_page(editing.for_kind(kind_or_404(kind)))


@bp.route("/questionari/<kind>/domande/<int:number>", methods=["GET", "POST"])
def kind_question(kind, number):
    return question_page(editing.for_kind(kind_or_404(kind)), number)


@bp.route("/eventi/<int:event_id>/questionario", methods=["GET", "POST"])
def event_questionnaire(event_id):
    return questionnaire_page(editing.for_event(event_or_404(event_id)))


@bp.route("/eventi/<int:event_id>/questionario/domande/<int:number>", methods=["GET", "POST"])
def event_question(event_id, number):
    return question_page(editing.for_event(event_or_404(event_id)), number)


def questionnaire_page(owner):
    """The questions (with edit, move and delete), the form to add one and, for an event, its
    closing date. Posts say which operation in `op`."""
    form = QuestionForm(formdata=None)
    questionnaire = editing.stored(owner)
    closing = ClosingForm(formdata=None)
    if owner.event is not None:
        closing.closes_on.data = last_day(questionnaire.closes_at) if questionnaire else None
    if request.method == "POST":
        op = request.form.get("op")
        if op in QUESTION_OPERATIONS:
            change, message = QUESTION_OPERATIONS[op]
            try:
                change(owner, request.form.get("number", type=int) or 0)
                flash(str(message), "success")
            except DomainError as error:
                discard_changes()
                flash(error.message, "error")
            return redirect(page_url(owner))
        if op == "add":
            form = QuestionForm()
            if form.validate():
                try:
                    editing.add_question(owner, **form.spec())
                except DomainError as error:
                    attach_error(form, error)
                else:
                    flash(_("Domanda aggiunta."), "success")
                    return redirect(page_url(owner))
        elif op == "closing" and owner.event is not None:
            closing = ClosingForm()
            if closing.validate():
                try:
                    editing.set_closing(owner.event, closing.closes_on.data)
                except DomainError as error:
                    attach_error(closing, error)
                else:
                    flash(_("Data di chiusura salvata."), "success")
                    return redirect(page_url(owner))
        else:
            abort(400)
    status = 422 if form.errors or closing.errors else 200
    return render_template(
        "feedback/questionnaire.html", owner=owner, questionnaire=questionnaire,
        questions=editing.shown_questions(owner), frozen=editing.is_frozen(owner), form=form,
        closing=closing, page_url=page_url(owner), question_url=question_url), status


def question_page(owner, number):
    questions = editing.shown_questions(owner)
    if not 1 <= number <= len(questions):
        abort(404)
    question = questions[number - 1]
    form = QuestionForm()
    if request.method == "GET":
        form.fill(question)
    elif form.validate():
        try:
            editing.update_question(owner, number, **form.spec())
        except DomainError as error:
            attach_error(form, error)
        else:
            flash(_("Domanda salvata."), "success")
            return redirect(page_url(owner))
    return render_template(
        "feedback/question.html", owner=owner, question=question, number=number, form=form,
        frozen=editing.is_frozen(owner), page_url=page_url(owner)), 422 if form.errors else 200
