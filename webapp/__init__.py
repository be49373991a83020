"""The Flask glue: create_app only wires things together."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import Config, config_from_env
from .partners import models as _partner_models  # noqa: F401  (its tables join the metadata)


def create_app(config: Config | None = None) -> Flask:
    """Build the app from one frozen config (read from the environment when not given)."""
    from . import api, cli, db, embed, errors, i18n, services, staff, templating
    from .delivery.backends import make_backend
    from .delivery.queue import TaskQueue, make_huey
    from .embed.tokens import EmbedTokens
    from .extensions import SessionCookies, csrf, limiter
    from .formdata import AppRequest
    from .partners.cli import partners_cli
    from .tokens import ConfirmationTokens, DetailsSeal
    from .views import public, webhooks

    config = config or config_from_env()
    config.instance_path.mkdir(parents=True, exist_ok=True)
    app = Flask(__name__, instance_path=str(config.instance_path))
    app.request_class = AppRequest  # forms parsed faster (see webapp.formdata)
    app.session_interface = SessionCookies()
    app.config.update(
        SECRET_KEY=config.secret_key,
        TESTING=config.testing,
        WTF_CSRF_TIME_LIMIT=config.wtf_csrf_time_limit,
        # Every validator carries its own (Flask-Babel) message; WTForms' catalogue would only
        # be loaded and parsed again on every request.
        WTF_I18N_ENABLED=False,
        RATELIMIT_ENABLED=config.ratelimit_enabled,
        RATELIMIT_STORAGE_URI=config.ratelimit_storage_uri,
        RATELIMIT_HEADERS_ENABLED=True,
        # Without this, a Redis outage would turn every public POST into an error page.
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
        RATELIMIT_SWALLOW_ERRORS=True,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.production,
        MAX_CONTENT_LENGTH=512 * 1024,
    )
    app.extensions["app_config"] = config
    if config.trusted_proxies:
        # Rate limits per client need the real client address, not the proxy's.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=config.trusted_proxies,
                                x_proto=config.trusted_proxies)

    database = db.init_app(app, config.database_url)
    i18n.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    app.extensions["campaigns"] = services.Campaigns()
    app.extensions["directory"] = services.DirectoryCache(database.session_factory)
    app.extensions["mail_backend"] = make_backend(config)
    app.extensions["queue"] = TaskQueue(make_huey(config), database.session_factory)
    app.extensions["tokens"] = ConfirmationTokens(config.secret_key,
                                                  config.confirm_max_age_seconds)
    app.extensions["details_seal"] = DetailsSeal(config.secret_key, config.wtf_csrf_time_limit)
    app.extensions["embed_tokens"] = EmbedTokens(config.secret_key,
                                                 config.embed_token_max_age_seconds)

    templating.init_app(app)
    app.register_blueprint(public.bp)
    app.register_blueprint(webhooks.bp)
    csrf.exempt(webhooks.bp)  # signed by SendGrid instead
    app.register_blueprint(embed.bp)
    # Framed on partners' sites, where browsers block our cookies: the embed's forms carry
    # their own signed token, bound to partner and campaign (webapp/embed/tokens.py).
    csrf.exempt(embed.bp)
    app.register_blueprint(api.bp)
    csrf.exempt(api.bp)  # no cookies at all: a bearer key per partner
    errors.init_app(app)
    api.init_app(app)  # after errors: /api/ addresses answer in JSON, the rest with pages
    app.cli.add_command(partners_cli)
    cli.init_app(app)
    staff.init_app(app)

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'self'; "
            "form-action 'self'; base-uri 'none'",
        )
        return response

    return app
