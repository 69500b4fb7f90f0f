"""Health and readiness probes, language switch, privacy and accessibility pages, the
sitemap and robots.txt for search engines, and the static and npm-installed assets."""
import hashlib
import stat
from functools import cache, lru_cache
from pathlib import Path

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import (
    Blueprint,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)

from ..accounts.views import _safe_next
from ..events.services import public_events_query
from ..extensions import db
from ..programme.models import Programme
from ..security import ASSET_ENDPOINTS

bp = Blueprint("site", __name__)
MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
#: an asset whose URL carries its content's fingerprint (?v=) never changes: cache it a year
VERSIONED_MAX_AGE = 365 * 24 * 3600

# Only these folders of node_modules are served, never the whole tree.
VENDOR_DIRS = {
    "bootstrap-italia": "bootstrap-italia/dist",
    "jsqr": "jsqr/dist",
    "chart.js": "chart.js/dist",
}


@bp.route("/healthz")
def healthz():
    """The process is up (no database work: load balancers call this often)."""
    return {"status": "ok"}


@cache
def migration_heads():
    """The revisions the code expects, read once from the migrations folder."""
    return frozenset(ScriptDirectory(str(MIGRATIONS_DIR)).get_heads())


@bp.route("/readyz")
def readyz():
    """Ready for traffic: the database answers and its schema is the one this code expects."""
    try:
        current = frozenset(db.session.scalars(sa.text("SELECT version_num FROM alembic_version")))
    except sa.exc.SQLAlchemyError as error:
        return {"status": "not_ready", "reason": "database unreachable or not migrated",
                "error": type(error).__name__}, 503
    finally:
        db.session.remove()
    if current != migration_heads():
        return {"status": "not_ready", "reason": "migrations not current",
                "database": sorted(current), "code": sorted(migration_heads())}, 503
    return {"status": "ready"}


@bp.route("/lingua/<code>")
def set_language(code):
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    session["lang"] = code
    return redirect(_safe_next(request.args.get("next")) or url_for("public.index"))


@bp.route("/privacy")
def privacy():
    return render_template("site/privacy.html")


@bp.route("/accessibilita")
def accessibility():
    return render_template("site/accessibility.html")


#: personal pages (a registration's links, certificates), staff pages and APIs: never indexed
PRIVATE_PREFIXES = ("/gestione/", "/iscrizione/", "/j/", "/questionario/", "/attestati/", "/ingresso/", "/api/",
                    "/accesso", "/password", "/uscita", "/lingua/")


@bp.route("/robots.txt")
def robots():
    response = make_response(render_template(
        "site/robots.txt", private=PRIVATE_PREFIXES,
        sitemap=url_for(".sitemap", _external=True)))
    response.mimetype = "text/plain"
    return response


@bp.route("/sitemap.xml")
def sitemap():
    """The public pages: the event list, every published or cancelled event, the programmes'
    results, and the site's own pages."""
    pages = [(url_for("public.index", _external=True), None)]
    pages += [(url_for("public.event", event_id=event.id, _external=True), event.updated_at)
              for event in db.session.scalars(public_events_query("all"))]
    pages += [(url_for("results_public.programme_results", code=code, _external=True), None)
              for code in db.session.scalars(db.select(Programme.code).order_by(Programme.code))]
    pages += [(url_for(endpoint, _external=True), None) for endpoint in (".privacy", ".accessibility")]
    response = make_response(render_template("site/sitemap.xml", pages=pages))
    response.mimetype = "application/xml"
    return response


@bp.route("/vendor/<package>/<path:filename>")
def vendor(package, filename):
    folder = VENDOR_DIRS.get(package)
    if folder is None:
        abort(404)
    root = Path(current_app.config["NODE_MODULES"]) / folder
    return send_from_directory(root, filename, max_age=7 * 24 * 3600)


def asset_file(endpoint, values):
    """The file an asset URL would serve, or None for anything else."""
    filename = values.get("filename")
    if endpoint == "static":
        return Path(current_app.static_folder) / filename if filename else None
    folder = VENDOR_DIRS.get(values.get("package"))
    if not (folder and filename):
        return None
    return Path(current_app.config["NODE_MODULES"]) / folder / filename


@lru_cache(maxsize=512)
def fingerprint(path, mtime_ns, size):
    """A short hash of the file's content; a new mtime or size (a deploy) asks again."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


@bp.app_url_defaults
def version_assets(endpoint, values):
    """Asset URLs carry their content's fingerprint (?v=), so browsers may keep them a year
    and still fetch the new file after a deploy; paths stay the same (folders such as the
    fonts one, which scripts append names to, get none)."""
    if endpoint not in ASSET_ENDPOINTS or "v" in values:
        return
    path = asset_file(endpoint, values)
    try:
        info = path.stat() if path else None
    except OSError:
        return
    if info and stat.S_ISREG(info.st_mode):
        values["v"] = fingerprint(str(path), info.st_mtime_ns, info.st_size)


@bp.after_app_request
def cache_versioned_assets(response):
    versioned = request.endpoint in ASSET_ENDPOINTS and "v" in request.args
    if versioned and response.status_code in (200, 304):
        response.cache_control.no_cache = None
        response.cache_control.max_age = VERSIONED_MAX_AGE
        response.cache_control.public = True
        response.cache_control.immutable = True
    return response
