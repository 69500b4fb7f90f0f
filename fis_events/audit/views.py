"""Admins read the audit log: newest first, filtered, paginated, exported as CSV."""
from flask import Blueprint, Response, render_template, request

from .. import spreadsheets
from ..accounts.access import roles_required
from ..accounts.models import Role
from ..audit_record import record
from ..errors import DomainError
from ..results.views import page_number
from . import services

bp = Blueprint("audit", __name__, url_prefix="/gestione")


@bp.before_request
@roles_required(Role.ADMIN)
def require_admin():
    """Every route here is for admins only: organisers and door staff get 403."""


@bp.route("/registro-attivita")
def log():
    common = dict(args=request.args, actors=services.actor_choices(), actions=services.ACTIONS)
    try:
        filters = services.parse_filters(request.args)
    except DomainError as error:
        return render_template("audit/log.html", error=error, pages=None, rows=[], **common), 422
    pages, rows = services.log_page(filters, page_number())
    return render_template("audit/log.html", error=None, pages=pages, rows=rows, **common)


@bp.route("/registro-attivita.csv")
def export():
    try:
        filters = services.parse_filters(request.args)
    except DomainError as error:
        return Response(error.message, status=422, mimetype="text/plain")
    header, rows = services.export_rows(filters)
    record("audit.exported", count=len(rows))
    return spreadsheets.download(header, rows, "csv", "registro-attivita.csv")
