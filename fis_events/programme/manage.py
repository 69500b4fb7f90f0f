"""Organiser pages for organisations: list, details, and each municipality's stages in the
programme (applied → feasibility → experimentation), with their dates."""
from blinker import Namespace
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.access import organiser_required
from ..db_types import parse_page
from ..errors import DomainError, attach_error
from ..pages import get_or_404
from ..extensions import db
from ..unit_of_work import discard_changes
from . import services
from .forms import MergeForm, OrganisationForm, StageForm
from .models import Organisation, OrganisationKind, OrganisationStage, Programme, ProgrammeStage

bp = Blueprint("programme_manage", __name__, url_prefix="/gestione")

PER_PAGE = 50

#: sent with the organisation when its page is drawn; a domain above this one (which this one
#: cannot import) answers with (template, context) of a section of its own, such as the
#: meetings' open next steps, and the page includes it
organisation_sections = Namespace().signal("organisation-sections")


@bp.before_request
@organiser_required
def require_organiser():
    """Every route here is for organisers and admins only, including ones added later."""


def programmes():
    return db.session.scalars(db.select(Programme).order_by(Programme.name)).all()


@bp.route("/organizzazioni")
def organisations():
    search = (request.args.get("q") or "").strip()[:100] or None
    try:
        kind = OrganisationKind(request.args.get("tipo")) if request.args.get("tipo") else None
    except ValueError:
        kind = None
    page = db.paginate(services.organisations_query(search, kind),
                       page=parse_page(request.args.get("pagina")), per_page=PER_PAGE,
                       max_per_page=PER_PAGE, error_out=False)
    return render_template("programme/organisations.html", page=page, search=search, kind=kind,
                           kinds=list(OrganisationKind), programmes=programmes(),
                           stages=services.current_stages([o.id for o in page.items]))


@bp.route("/organizzazioni/doppioni")
def duplicates():
    return render_template("programme/duplicates.html", groups=services.likely_duplicates(),
                           form=MergeForm(formdata=None))


def render_organisation(organisation, form=None, stage_form=None, merge_form=None):
    if form is None:
        form = OrganisationForm(formdata=None)
        form.fill_from(organisation)
    all_programmes = programmes()
    if stage_form is None:
        stage_form = StageForm(formdata=None)
    stage_form.set_programmes(all_programmes)
    merge_form = merge_form or MergeForm(formdata=None)
    refused = any(f.errors or f.form_errors for f in (form, stage_form, merge_form))
    return render_template(
        "programme/organisation.html", organisation=organisation, form=form, stage_form=stage_form,
        merge_form=merge_form, programmes=all_programmes, stages=list(ProgrammeStage),
        organisations=services.known_organisations(leaving_out=organisation),
        current=services.current_stages([organisation.id]),
        history={p.id: services.stage_history(organisation, p) for p in all_programmes},
        sections=[answer for _receiver, answer in organisation_sections.send(organisation)],
    ), 422 if refused else 200


@bp.route("/organizzazioni/<int:organisation_id>", methods=["GET", "POST"])
def organisation(organisation_id):
    organisation = get_or_404(Organisation, organisation_id)
    if request.method == "GET":
        return render_organisation(organisation)
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            services.update_organisation(organisation, name=form.name.data,
                                         kind=OrganisationKind(form.kind.data),
                                         istat_code=form.istat_code.data)
        except DomainError as error:
            attach_error(form, error)
        else:
            flash(_("Dati dell'ente salvati."), "success")
            return redirect(url_for(".organisation", organisation_id=organisation.id))
    return render_organisation(organisation, form=form)


@bp.route("/organizzazioni/<int:organisation_id>/unisci", methods=["POST"])
def merge(organisation_id):
    """Another organisation (a duplicate) becomes this one."""
    organisation = get_or_404(Organisation, organisation_id)
    form = MergeForm()
    if form.validate_on_submit():
        merged = db.session.scalar(db.select(Organisation).filter_by(name=form.merged_name.data))
        try:
            if merged is None:
                raise DomainError(_("Nessun ente si chiama «%(name)s»: scegli il nome dall'elenco.",
                                    name=form.merged_name.data), field="merged_name")
            services.merge_organisations(organisation, merged, user=current_user._get_current_object())
        except DomainError as error:
            attach_error(form, error)
        else:
            flash(_("«%(merged)s» è stato unito a questo ente.", merged=form.merged_name.data),
                  "success")
            return redirect(url_for(".organisation", organisation_id=organisation.id))
    return render_organisation(organisation, merge_form=form)


@bp.route("/organizzazioni/<int:organisation_id>/tappe", methods=["POST"])
def add_stage(organisation_id):
    organisation = get_or_404(Organisation, organisation_id)
    form = StageForm()
    form.set_programmes(programmes())
    if form.validate_on_submit():
        try:
            services.record_stage(organisation, db.session.get(Programme, form.programme.data),
                                  ProgrammeStage(form.stage.data), form.reached_on.data,
                                  form.note.data, user=current_user._get_current_object())
        except DomainError as error:
            attach_error(form, error)
        else:
            flash(_("Tappa registrata."), "success")
            return redirect(url_for(".organisation", organisation_id=organisation.id, _anchor="stages"))
    return render_organisation(organisation, stage_form=form)


@bp.route("/tappe/<int:entry_id>/elimina", methods=["POST"])
def delete_stage(entry_id):
    entry = get_or_404(OrganisationStage, entry_id)
    organisation_id = entry.organisation_id
    try:
        services.delete_stage(entry)
        flash(_("Tappa eliminata."), "success")
    except DomainError as error:
        discard_changes()
        flash(error.message, "error")
    return redirect(url_for(".organisation", organisation_id=organisation_id, _anchor="stages"))
