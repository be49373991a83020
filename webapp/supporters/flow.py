"""Where the supporter's way runs: our own pages, or an embed on a partner's page."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask import url_for

from .operations import OUR_SITE, Via


@dataclass(frozen=True)
class Flow:
    """The steps are the same for both; a flow says which blueprint's URLs the forms post to,
    which layout the pages use, what else each form carries, and where letters come from."""

    blueprint: str = "public"
    layout: str = "base.html"
    # Carried on every form action and link of the flow (an embed's partner, origin, theme).
    url_args: Mapping[str, str] = field(default_factory=dict)
    # Extra hidden fields in every form (an embed's own signed token).
    hidden: Mapping[str, str] = field(default_factory=dict)
    # Our own pages carry the session's CSRF token, which CSRFProtect checks before any view
    # runs (the forms do not check it again); an embed cannot count on its cookie.
    csrf: bool = True
    via: Via = OUR_SITE
    # The page the share step passes on: None for the campaign's page on our site; an embed's
    # partner may name a page of their own, where the widget is.
    share_url: str | None = None
    # The public letter counter on the campaign page: always on our site, in an embed as the
    # partner chooses (data-counter).
    show_counter: bool = True

    @property
    def partner(self):
        return self.via.partner

    def url(self, endpoint: str, **values) -> str:
        return url_for(f"{self.blueprint}.{endpoint}", **{**self.url_args, **values})


MAIN = Flow()
