"""THADS: case management for Vietnamese civil judgment enforcement agencies."""
from __future__ import annotations

import os

from flask import Flask

from thads.config import load_config


def create_app(test_config: dict | None = None) -> Flask:
    """The single composition root: configure, bind extensions, register blueprints and commands."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("THADS_INSTANCE_PATH") or None,
        instance_relative_config=True,
        template_folder=os.path.join(os.path.dirname(os.path.dirname(__file__)), "templates"),
    )
    load_config(app, test_config)
    register_extensions(app)
    from thads.web import register_url_converters

    register_url_converters(app)
    register_blueprints(app)
    register_commands(app)
    from thads import tasks

    tasks.init_app(app)
    from thads.web import register_web_helpers

    register_web_helpers(app)
    from thads import security

    security.init_app(app)
    return app


def register_extensions(app: Flask) -> None:
    from thads.extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate
    from thads.i18n import select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(_root(), "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    bootstrap.init_app(app)
    limiter.init_app(app)
    import thads.models  # noqa: F401  (register the tables on the metadata)


def register_blueprints(app: Flask) -> None:
    from thads.admin import bp as admin_bp
    from thads.api import bp as api_bp
    from thads.auth import bp as auth_bp
    from thads.cases import bp as cases_bp
    from thads.intake import bp as intake_bp
    from thads.measures import bp as measures_bp
    from thads.notifications import bp as notifications_bp
    from thads.reports import bp as reports_bp
    from thads.supervision import bp as supervision_bp
    from thads.worklist import bp as worklist_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(cases_bp)
    app.register_blueprint(worklist_bp)
    app.register_blueprint(notifications_bp, url_prefix="/notifications")
    app.register_blueprint(supervision_bp, url_prefix="/supervision")
    app.register_blueprint(reports_bp, url_prefix="/reports")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(intake_bp, url_prefix="/intake")
    app.register_blueprint(measures_bp)


def register_commands(app: Flask) -> None:
    from thads.cli import register

    register(app)


def _root() -> str:
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

