"""Plain share links: the campaign's address and a short text, for each place people share.

Ordinary links, each opened only when clicked: no network's script or button is loaded, so a
supporter's page makes no request to any of them (and tells none of them who wrote a letter).
Pure functions, without Flask: the pages and the receipt build the text in the supporter's
language (share_step.py) and hand it in here.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from letters.compose import mailto_url

# Each network's documented share address. Those that read a text get the text; the ones that
# take only the address (Facebook, LinkedIn) show the page's own title and description.
WHATSAPP = "https://wa.me/"
TELEGRAM = "https://t.me/share/url"
X_INTENT = "https://twitter.com/intent/tweet"
FACEBOOK = "https://www.facebook.com/sharer/sharer.php"
BLUESKY = "https://bsky.app/intent/compose"
LINKEDIN = "https://www.linkedin.com/sharing/share-offsite/"


@dataclass(frozen=True, slots=True)
class ShareLink:
    network: str  # "email", "whatsapp", ...: the page names it (and translates "e-mail")
    url: str

    @property
    def opens_a_page(self) -> bool:
        """Whether the link opens a web page (in a new tab), not the supporter's mail app."""
        return not self.url.startswith("mailto:")


def _query(**fields: str) -> str:
    # %20 rather than "+" for spaces: every network reads it, and so do mail apps.
    return urlencode(fields, quote_via=quote)


def with_address(text: str, url: str) -> str:
    """The text followed by the address, as one message for networks that take only a text."""
    return f"{text} {url}" if text else url


def share_links(text: str, url: str, subject: str) -> tuple[ShareLink, ...]:
    """The links that share `url` with `text`; `subject` heads the e-mail."""
    message = with_address(text, url)
    return (
        ShareLink("email", mailto_url([], subject, f"{text}\n\n{url}" if text else url)),
        ShareLink("whatsapp", f"{WHATSAPP}?{_query(text=message)}"),
        ShareLink("telegram", f"{TELEGRAM}?{_query(url=url, text=text)}"),
        ShareLink("x", f"{X_INTENT}?{_query(text=text, url=url)}"),
        ShareLink("facebook", f"{FACEBOOK}?{_query(u=url)}"),
        ShareLink("bluesky", f"{BLUESKY}?{_query(text=message)}"),
        ShareLink("linkedin", f"{LINKEDIN}?{_query(url=url)}"),
    )


def campaign_page_url(base_url: str, slug: str) -> str:
    """The campaign's public page on our site (the same address for every language: whoever
    follows it sees the page in their own browser's language)."""
    return f"{base_url.rstrip('/')}/c/{quote(slug, safe='')}"
