"""The Flask glue: create_app only wires things together."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import Config, config_from_env
from .followup import models as _followup_models  # noqa: F401  (its tables join the metadata)
from .partners import models as _partner_models  # noqa: F401  (its tables join the metadata)


def create_app(config: Config | None = None) -> Flask:
    """Build the app from one frozen config (read from the environment when not given)."""
    from representatives.selection import Rotation

    from . import (
        api,
        assets,
        campaigns,
        cli,
        db,
        directory,
        embed,
        errors,
        i18n,
        load_shedding,
        security,
        staff,
        templating,
    )
    from .app_state import EXTENSION_KEY, AppState
    from .delivery import after_commit, webhooks
    from .delivery.backends import make_backend
    from .delivery.queue import TaskQueue, make_huey
    from .embed.tokens import EmbedTokens
    from .extensions import csrf
    from .followup import views as followup
    from .momentum import LetterTallies
    from .rate_limits import rate_limits
    from .summits import views as summits
    from .summits.page_cache import RenderedPages
    from .supporters import views as supporters
    from .supporters.proof_of_work import ProofOfWork
    from .supporters.tokens import ConfirmationTokens, DetailsSeal

    config = config or config_from_env()
    config.instance_path.mkdir(parents=True, exist_ok=True)
    app = Flask(__name__, instance_path=str(config.instance_path))
    app.config.update(
        SECRET_KEY=config.secret_key,
        TESTING=config.testing,
        WTF_CSRF_TIME_LIMIT=config.wtf_csrf_time_limit,
        # Every validator carries its own (Flask-Babel) message.
        WTF_I18N_ENABLED=False,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.production,
        MAX_CONTENT_LENGTH=config.max_content_length,
        # Werkzeug's own limits on a form body: no form of ours has more than a few hundred
        # fields (96 letters to MEPs, each a handful), nor more text than MAX_CONTENT_LENGTH.
        MAX_FORM_PARTS=config.max_form_parts,
        MAX_FORM_MEMORY_SIZE=config.max_content_length,
    )
    if config.trusted_proxies:
        # Rate limits per client need the real client address, not the proxy's.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=config.trusted_proxies,  # type: ignore[method-assign]
                                x_proto=config.trusted_proxies)

    database = db.init_app(app, config.database_url)
    queue = TaskQueue(make_huey(config), database.session_factory)
    after_commit.install(database.session_factory, queue.put_committed)
    app.extensions[EXTENSION_KEY] = AppState(
        config=config,
        database=database,
        campaigns=campaigns.Campaigns(),
        directory=directory.DirectoryCache(database.session_factory),
        mail_backend=make_backend(config),
        queue=queue,
        confirmation_tokens=ConfirmationTokens(config.secret_key,
                                               config.confirm_max_age_seconds),
        details_seal=DetailsSeal(config.secret_key, config.wtf_csrf_time_limit),
        embed_tokens=EmbedTokens(config.secret_key, config.embed_token_max_age_seconds),
        proof_of_work=ProofOfWork(config.secret_key, config.proof_of_work_complexity,
                                  config.proof_of_work_max_age_seconds),
        rotation=Rotation(),
        letter_tallies=LetterTallies(),
        summit_pages=RenderedPages(),
    )
    assets.init_app(app)  # early: hooks run in reverse, so it compresses the final response
    i18n.init_app(app)
    security.init_app(app)  # first: a cross-site post is refused before anything else
    load_shedding.init_app(app)  # then: a request that waited too long is answered at once
    csrf.init_app(app)
    rate_limits.init_app(app)
    templating.init_app(app)
    app.register_blueprint(supporters.bp)
    app.register_blueprint(summits.bp)
    app.register_blueprint(followup.bp)
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
    cli.init_app(app)
    staff.init_app(app)

    return app
