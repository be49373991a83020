"""The share step after sending or drafting: a short text in the supporter's language, the
campaign's address, and plain links to pass both on (share_links.py).

Shown on the drafts page and the page after confirming, and written into the receipt.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from letters.templates import CampaignContent

from .share_links import ShareLink, share_links


@dataclass(frozen=True, slots=True)
class ShareStep:
    text: str  # what the supporter passes on, without the address
    url: str  # the page whoever follows the link writes from
    title: str  # the campaign's title: the e-mail's subject and the native share sheet's title
    links: tuple[ShareLink, ...]


def share_text(title: str) -> str:
    """What a supporter says to others, in the current language."""
    return _("I just wrote to my representatives: “%(title)s”. Will you write too?",
             title=title)


def share_step(content: CampaignContent, language: str, url: str) -> ShareStep:
    """The share step for the campaign, in `language` (the current locale's)."""
    title = content.title(language)
    text = share_text(title)
    return ShareStep(text=text, url=url, title=title, links=share_links(text, url, title))
