"""fis-events: meetings and events of the FIS programme."""
from pathlib import Path

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import ServiceUnavailable

from config import CONFIGS

from . import security, unit_of_work
from .db_types import IdConverter
from .errors import DATABASE_UNAVAILABLE, ERROR_CODES, RETRY_AFTER_SECONDS, database_unavailable_reason
from .extensions import babel, csrf, db, limiter, login_manager, migrate

PROJECT_DIR = Path(__file__).resolve().parent.parent


def create_app(config="development"):
    """Build the app: configuration, extensions, blueprints, error pages, commands."""
    app = Flask(
        __name__,
        template_folder=str(PROJECT_DIR / "templates"),
        instance_path=str(PROJECT_DIR / "instance"),
    )
    config_class = CONFIGS[config] if isinstance(config, str) else config
    app.config.from_object(config_class() if isinstance(config_class, type) else config_class)
    Path(app.instance_path).mkdir(exist_ok=True)

    register_extensions(app)
    security.init_app(app)
    unit_of_work.init_app(app)
    app.url_map.converters["int"] = IdConverter
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def register_extensions(app):
    from . import models  # noqa: F401  (every table known to migrations)
    from .accounts.views import load_user
    from .i18n import register_filters, select_locale
    from .logs import init_app as init_logs

    init_logs(app)  # first, so every request (even one refused by a limit) gets its id
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_DIR / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(PROJECT_DIR / "translations"))
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "accounts.login"
    register_filters(app)


def register_blueprints(app):
    from .accounts.manage import bp as accounts_manage_bp
    from .accounts.views import bp as accounts_bp
    from .api.views import bp as api_bp
    from .audit.views import bp as audit_bp
    from .events.calendar_views import bp as calendar_bp
    from .events.manage import bp as manage_bp
    from .events.public import bp as public_bp
    from .feedback.manage import bp as feedback_manage_bp
    from .feedback.results_views import bp as feedback_results_bp
    from .feedback.views import bp as feedback_bp
    from .materials.views import bp as materials_bp
    from .meetings.manage import bp as meetings_bp
    from .materials.views import manage_bp as materials_manage_bp
    from .badges.views import bp as badges_bp
    from .certificates.manage import bp as certificates_manage_bp
    from .certificates.views import bp as certificates_bp
    from .checkin.api import bp as checkin_api_bp
    from .checkin.views import bp as checkin_bp
    from .checkin.views import manage_bp as checkin_manage_bp
    from .participation.manage import bp as participation_manage_bp
    from .participation.views import bp as participation_bp
    from .programme.manage import bp as programme_manage_bp
    from .registration.manage import bp as registration_manage_bp
    from .privacy.views import bp as privacy_bp
    from .registration.views import bp as registration_bp
    from .reports.views import bp as reports_bp
    from .results.api import bp as results_api_bp
    from .results.views import bp as results_bp
    from .results.views import public_bp as results_public_bp
    from .site.dashboard import bp as dashboard_bp
    from .site.views import bp as site_bp

    for bp in (site_bp, accounts_bp, public_bp, registration_bp, calendar_bp, manage_bp,
               registration_manage_bp, participation_bp, participation_manage_bp, programme_manage_bp, checkin_bp,
               checkin_manage_bp, badges_bp, certificates_bp, certificates_manage_bp, api_bp,
               checkin_api_bp, results_bp, results_public_bp, results_api_bp, privacy_bp,
               audit_bp, accounts_manage_bp, materials_bp, materials_manage_bp, dashboard_bp,
               feedback_results_bp, feedback_bp, feedback_manage_bp, reports_bp, meetings_bp):
        app.register_blueprint(bp)


def register_errorhandlers(app):
    def render_error(error):
        code = getattr(error, "code", 500)
        if request.path.startswith("/api/"):
            # API clients get JSON whatever went wrong, even on paths no API view owns.
            name, message = ERROR_CODES.get(code, ERROR_CODES[500])
            return jsonify(error={"code": name, "message": str(message)}), code
        return render_template("errors/error.html", code=code,
                               reason=getattr(error, "description", None)), code

    for code in (400, 401, 403, 404, 405, 413, 429, 500):
        app.errorhandler(code)(render_error)

    def database_unavailable(error):
        """The database is down, restarting or out of connections: a 503 with Retry-After, not
        a crash. The page asks the database nothing, not even who is logged in: it shows the
        visitor's header (Flask-Login has no public way to set that for one response)."""
        login_manager._update_request_context_with_user()
        app.logger.warning("database unavailable: %s", database_unavailable_reason(error))
        body, code = render_error(ServiceUnavailable())
        return body, code, {"Retry-After": str(RETRY_AFTER_SECONDS)}

    for error_class in DATABASE_UNAVAILABLE:
        app.errorhandler(error_class)(database_unavailable)

    @app.teardown_appcontext
    def end_session(_error):
        """A database shutting down can drop the connection just as a request ends: the
        rollback that ends the session then raises, and the answer already made would become
        a 500. Here that connection is only let go of (the failed close has invalidated it, so
        closing again does not touch it). Runs before Flask-SQLAlchemy's own teardown, which
        then finds nothing to close (teardowns run in reverse order of registration)."""
        try:
            db.session.remove()
        except DATABASE_UNAVAILABLE as error:
            app.logger.warning("database unavailable at the end of a request: %s",
                               database_unavailable_reason(error))
            db.session.remove()


def register_commands(app):
    from .accounts.cli import users_cli
    from .demo.cli import demo_cli
    from .events.cli import agenda_cli
    from .feedback.cli import feedback_cli
    from .materials.cli import materials_cli
    from .notify.cli import register as register_notify
    from .participation.cli import attendance_cli
    from .registration.cli import reminders_cli
    from .privacy.cli import people_cli
    from .reports.cli import reports_cli
    from .results.cli import results_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(people_cli)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(results_cli)
    app.cli.add_command(reports_cli)
    app.cli.add_command(attendance_cli)
    app.cli.add_command(agenda_cli)
    app.cli.add_command(materials_cli)
    app.cli.add_command(feedback_cli)
    register_notify(app)
