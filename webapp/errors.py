"""Error pages: a clear message in the visitor's language, the form kept, never a bare error."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask, render_template, request
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError

from . import log_privacy
from .app_state import app_state
from .rate_limits import RateLimited


def _rerender_form(message: str, status: int):
    """Show the form the visitor just sent again, with what they typed and `message` on top."""
    from .db import get_session
    from .supporters import operations, views

    view_args = request.view_args or {}
    if request.method != "POST":
        return None
    if view_args.get("slug") and request.endpoint in {"public.find_targets",
                                                      "public.submit_letters"}:
        loaded = operations.load_campaign(get_session(), view_args["slug"])
        if loaded is None:
            return None
        return views.render_form_again(*loaded, error=message, status=status)
    if request.endpoint == "public.confirm":
        return views.render_confirm_page(view_args["token"], error=message, status=status)
    if request.endpoint in {"public.report_target", "public.suggest_target"}:
        return views.render_report_again(view_args["slug"], error=message, status=status)
    return None


def init_app(app: Flask) -> None:
    # Flask logs an unhandled error (a 500) on the app's own logger, with its traceback.
    log_privacy.install(app_state(app).config, app_logger=app.name)

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        message = _("This form had expired or was sent twice. Please check it and send it "
                    "again.")
        return _rerender_form(message, 400) or (
            render_template("message.html", title=_("Please try again"), message=message), 400
        )

    @app.errorhandler(RateLimited)
    def rate_limited(error: RateLimited):
        seconds = max(int(error.reset_at - datetime.now(UTC).timestamp()), 1)
        wait = format_timedelta(timedelta(seconds=seconds), add_direction=True)
        message = _("You have sent this form many times in a short while. Please try again "
                    "%(when)s.", when=wait)
        response = _rerender_form(message, 429) or (
            render_template("message.html", title=_("Please wait a moment"), message=message),
            429,
        )
        return response

    @app.errorhandler(404)
    def not_found(_error):
        return render_template("message.html", title=_("Page not found"),
                               message=_("There is no page at this address.")), 404

    @app.errorhandler(413)
    def too_large(_error):
        return render_template("message.html", title=_("Too much text"),
                               message=_("What you sent is too long. Please shorten it.")), 413

    @app.errorhandler(OperationalError)
    def database_down(error):
        # One line a minute however many visitors meet the outage, and never the statement's
        # parameters (a supporter's details) that the error carries.
        log_privacy.report_outage(error)
        return render_template(
            "message.html", title=_("Please try again in a moment"),
            message=_("We cannot store anything just now. Nothing was sent or kept; please go "
                      "back and send the form again in a few minutes."),
        ), 503

    @app.errorhandler(500)
    def server_error(_error):
        return render_template(
            "message.html", title=_("Something went wrong"),
            message=_("Something went wrong on our side. Nothing was sent. Please try again."),
        ), 500
