"""The participant's questionnaire page, opened by the personal link (the token is the key, no
login). The page's language is the visitor's choice, or the link's `lang` (the e-mail's link
carries the event's language)."""
from flask import Blueprint, current_app, redirect, render_template, request, url_for

from ..errors import DomainError
from ..extensions import limiter
from ..forms import Form
from ..registration.views import link_limit
from . import answering
from .services import is_open, last_day

bp = Blueprint("feedback", __name__)


def language_args():
    """The `lang` the link came with, kept on the way to the thank-you page and back."""
    lang = request.args.get("lang")
    return {"lang": lang} if lang in current_app.config["LANGUAGES"] else {}


def unknown_link():
    """A made-up token, one altered or cut short, or an erased person's old link."""
    return render_template("feedback/unknown.html"), 404


@bp.route("/questionario/<token>", methods=["GET", "POST"])
@limiter.limit(link_limit)
def answer(token):
    invitation = answering.invitation_by_token(token)
    if invitation is None:
        return unknown_link()
    questionnaire = invitation.questionnaire
    context = dict(invitation=invitation, event=questionnaire.event, questionnaire=questionnaire,
                   closes_on=last_day(questionnaire.closes_at))
    if not is_open(questionnaire):
        return render_template("feedback/closed.html", **context), 409 if request.method == "POST" else 200
    form, errors = Form(), {}
    values = answering.current_answers(invitation)
    if form.validate_on_submit():
        values = answering.typed(questionnaire, request.form)
        try:
            answering.submit(invitation, values)
        except answering.AnswersRefused as refused:
            errors = refused.errors
        except DomainError:
            return render_template("feedback/closed.html", **context), 409
        else:
            return redirect(url_for(".thanks", token=token, **language_args()))
    status = 422 if errors else 200
    return render_template("feedback/answer.html", form=form, values=values, errors=errors,
                           field_name=answering.field_name, **context), status


@bp.route("/questionario/<token>/grazie")
@limiter.limit(link_limit)
def thanks(token):
    invitation = answering.invitation_by_token(token)
    if invitation is None:
        return unknown_link()
    if invitation.response is None:
        return redirect(url_for(".answer", token=token, **language_args()))
    questionnaire = invitation.questionnaire
    return render_template("feedback/thanks.html", event=questionnaire.event,
                           closes_on=last_day(questionnaire.closes_at),
                           answer_url=url_for(".answer", token=token, **language_args()))
