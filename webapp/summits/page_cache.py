"""The summit pages as sent, kept per process: they are the same for every visitor in a
language, and rendering the table and the map, then compressing them, is most of their cost.

A page is kept per directory (held weakly: a reloaded directory, new data, starts afresh and
the old one is freed with its pages), per language and filter, per counting window of the
letter counter (momentum.TALLY_SECONDS: the counter, the campaign's goal and the countdown it
shows are at most a window or two old) and per Accept-Encoding, compressed as Flask-Compress
would compress it for that client. The number of pages is bounded, as the filter text is
whatever a visitor types.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from flask import Response, request

from representatives.directory import Directory

from ..app_state import app_state
from ..extensions import compress
from ..momentum import letter_tallies

PAGES_KEPT = 512


@dataclass(frozen=True, slots=True)
class KeptPage:
    body: bytes
    headers: tuple[tuple[str, str], ...]  # its own (Content-Encoding, Vary, Cache-Control)


class RenderedPages:
    def __init__(self, size: int = PAGES_KEPT):
        self.size = size
        self._pages: WeakKeyDictionary[Directory, OrderedDict[Hashable, KeptPage]] = (
            WeakKeyDictionary())
        self._lock = threading.Lock()

    def get_or_make(self, directory: Directory, key: Hashable, make: Callable[[], KeptPage]
                    ) -> KeptPage:
        """The page under `key` for this directory, made by `make` when it is not kept.

        Two threads missing the same page both make it: making holds no lock, so that one
        slow render never holds up the pages that are kept.
        """
        with self._lock:
            pages = self._pages.setdefault(directory, OrderedDict())
            page = pages.get(key)
            if page is not None:
                pages.move_to_end(key)
                return page
        page = make()
        with self._lock:
            pages[key] = page
            while len(pages) > self.size:
                pages.popitem(last=False)
        return page

    def clear(self) -> None:
        """Forget every kept page: something they show has changed (a commitment recorded).

        Only this process's pages: the others' are keyed by the counting window, and make
        their pages afresh within a window or two.
        """
        with self._lock:
            self._pages.clear()


def rendered_pages() -> RenderedPages:
    """This app's kept pages (one store per process, shared by its threads)."""
    return app_state().summit_pages


# Headers the app sets on every answer (security.py's) are set on each answer, not kept.
_KEPT_HEADERS = ("Content-Encoding", "Vary", "Cache-Control")


def _sent_as(html: str, headers: Mapping[str, str]) -> KeptPage:
    """The page compressed for this request's Accept-Encoding, by Flask-Compress itself (it
    leaves a response that has a Content-Encoding alone when the request ends)."""
    response = compress.after_request(Response(html, headers=dict(headers),
                                               mimetype="text/html"))
    if response.status_code != 200:  # a conditional answer is no page to keep
        return KeptPage(html.encode(), tuple(headers.items()))
    return KeptPage(response.get_data(), tuple(
        (name, value) for name, value in response.headers.items() if name in _KEPT_HEADERS))


def kept_page(directory: Directory, key: Hashable, render: Callable[[], str],
              headers: Mapping[str, str]) -> Response:
    """The page for `key` in the current counting window, rendered only when not kept."""
    encoding = request.headers.get("Accept-Encoding", "")
    page = rendered_pages().get_or_make(
        directory, (letter_tallies().window(), key, encoding),
        lambda: _sent_as(render(), headers))
    return Response(page.body, headers=list(page.headers), mimetype="text/html")
