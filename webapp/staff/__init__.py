"""The staff area: accounts, campaigns and letter templates edited in the browser."""

from __future__ import annotations

from flask import Flask

from ..app_state import app_state
from . import models  # noqa: F401  (registers the tables on the metadata)


def init_app(app: Flask) -> None:
    """Register the blueprint, sign-in, the `flask staff` commands and staff content."""
    from .auth import login_manager
    from .content import content_revision, load_overrides
    from .views import bp

    state = app_state(app)
    config = state.config
    # Staff pages only: app-wide, Flask-Login's context processor would load a user on every
    # public page, and its session protection would rewrite every visitor's session cookie.
    login_manager.init_app(app, add_context_processor=False)
    login_manager.login_view = "staff.login"
    app.register_blueprint(bp)
    app.jinja_env.globals["Role"] = models.Role
    state.campaigns.attach(
        state.database.session_factory,
        content_revision,
        lambda session, files: load_overrides(session, files, config.default_campaign),
        check_seconds=config.content_check_seconds,
    )
