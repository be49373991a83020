"""What the app builds once and its requests, commands and workers use: one typed object.

create_app builds it; `app_state()` returns it for the current app, so that code asks for
`app_state().queue` rather than an untyped `current_app.extensions["queue"]`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import Flask, current_app

if TYPE_CHECKING:
    from representatives.selection import Rotation

    from .campaigns import Campaigns
    from .config import Config
    from .db import Database
    from .delivery.backends import MailBackend
    from .delivery.queue import TaskQueue
    from .directory import DirectoryCache
    from .embed.tokens import EmbedTokens
    from .momentum import LetterTallies
    from .summits.page_cache import RenderedPages
    from .supporters.proof_of_work import ProofOfWork
    from .supporters.tokens import ConfirmationTokens, DetailsSeal

EXTENSION_KEY = "treaty_letters"


@dataclass(frozen=True)
class AppState:
    config: Config
    database: Database
    campaigns: Campaigns
    directory: DirectoryCache
    mail_backend: MailBackend
    queue: TaskQueue
    confirmation_tokens: ConfirmationTokens
    details_seal: DetailsSeal
    embed_tokens: EmbedTokens
    proof_of_work: ProofOfWork
    # Which of a long list of targets each supporter gets ticked, in turn (per process).
    rotation: Rotation
    # Each campaign's letters per country, counted at most once a minute (webapp.momentum).
    letter_tallies: LetterTallies
    # The summit pages as sent, kept per language and filter (webapp.summits.page_cache).
    summit_pages: RenderedPages


def app_state(app: Flask | None = None) -> AppState:
    """The state of `app`, or of the current app."""
    return (app or current_app).extensions[EXTENSION_KEY]


def current_app_object() -> Flask:
    """The app itself behind the `current_app` proxy, for what outlives the app context (a
    server, a worker) or is handed on as the app."""
    # Flask declares `current_app` as a Flask, though it is a werkzeug LocalProxy: the proxy's
    # `_get_current_object`, which Flask's documentation names for this, is not in the types.
    return current_app._get_current_object()  # type: ignore[attr-defined]
