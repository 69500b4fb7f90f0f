"""Language switch, privacy and accessibility pages, and the npm-installed assets."""
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)

from ..accounts.views import _safe_next

bp = Blueprint("site", __name__)

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


@bp.route("/vendor/<package>/<path:filename>")
def vendor(package, filename):
    folder = VENDOR_DIRS.get(package)
    if folder is None:
        abort(404)
    root = Path(current_app.config["NODE_MODULES"]) / folder
    return send_from_directory(root, filename, max_age=7 * 24 * 3600)
