"""What goes over the wire: compressed responses, and static files that browsers may keep.

Compression is Flask-Compress (webapp/extensions.py), for pages, styles, scripts and JSON.

Static URLs carry a digest of the file's content (`/static/app.css?v=...`), added by url_for
itself, so a browser may keep the file for a year: a changed file gets a new URL. A request
whose `v` is not the file's current digest (a page from before a deploy, or no `v` at all) gets
Flask's default instead: no-cache, revalidated by its ETag (a 304 while the file is unchanged).
The widget's loader keeps one URL on partners' pages (/embed.js, webapp/embed/views.py), with a
short max-age and an ETag of its own. Pages set their own Cache-Control; nothing here touches
them.
"""

from __future__ import annotations

import hashlib
import os

from flask import Flask, request
from flask.wrappers import Response
from werkzeug.security import safe_join

from .extensions import compress

# A versioned URL never names other content, so browsers need not even revalidate it.
VERSIONED_MAX_AGE = 365 * 24 * 3600

COMPRESSION = {
    # What our responses are, and compress well; images and fonts we have none of.
    # Flask serves .js as text/javascript, the loader too.
    "COMPRESS_MIMETYPES": ["text/html", "text/css", "text/javascript",
                           "application/javascript", "application/json"],
    # Below this, the encoded body is hardly smaller and costs a compression per request.
    "COMPRESS_MIN_SIZE": 500,
    # Preference where the client accepts several: smallest first for files of our size
    # (Brotli's built-in dictionary suits small web files; zstd is made for speed on large
    # ones). No deflate: clients disagree on what it means, and all that offer it offer gzip.
    # Static files are sent as streams, hence the second list: without gzip there (the
    # library's default), a client that accepts only gzip would get them uncompressed.
    "COMPRESS_ALGORITHM": ["br", "gzip", "zstd"],
    "COMPRESS_ALGORITHM_STREAMING": ["br", "gzip", "zstd"],
    # A step smaller than the library's 4 for about the same time; the top levels (10, 11)
    # take far longer per page than rendering it.
    "COMPRESS_BR_LEVEL": 5,
}


class StaticDigests:
    """The digest of each static file, read once: static files change with a deploy, which
    starts new processes. With `recheck` (the debug server), a file is read again whenever its
    mtime or size changed, so that an edited file gets a new URL without a restart."""

    def __init__(self, folder: str, recheck: bool = False) -> None:
        self.folder = folder
        self.recheck = recheck
        # By path as joined, so that "a/../app.css" and "app.css" are one entry.
        self._known: dict[str, tuple[tuple[int, int], str]] = {}

    def digest(self, filename: str) -> str | None:
        path = safe_join(self.folder, filename)
        if path is None:
            return None
        known = self._known.get(path)
        if known is not None and not self.recheck:
            return known[1]
        try:
            stat = os.stat(path)
        except OSError:
            return None
        stamp = (stat.st_mtime_ns, stat.st_size)
        if known is None or known[0] != stamp:
            with open(path, "rb") as file:
                digest = hashlib.sha256(file.read()).hexdigest()[:12]
            # Two threads may both read a file here: the same digest, stored twice.
            self._known[path] = known = (stamp, digest)
        return known[1]


def init_app(app: Flask) -> None:
    for key, value in COMPRESSION.items():
        app.config.setdefault(key, value)
    compress.init_app(app)
    if app.static_folder is None:
        return
    digests = StaticDigests(app.static_folder, recheck=app.debug)

    @app.url_defaults
    def _versioned_static_urls(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "v" not in values and "filename" in values:
            digest = digests.digest(values["filename"])
            if digest is not None:
                values["v"] = digest

    @app.after_request
    def _static_cache_headers(response: Response) -> Response:
        if request.endpoint != "static" or response.status_code not in (200, 304):
            return response
        filename = (request.view_args or {}).get("filename", "")
        version = request.args.get("v")
        if version and version == digests.digest(filename):
            response.cache_control.no_cache = None
            response.cache_control.public = True
            response.cache_control.max_age = VERSIONED_MAX_AGE
            response.cache_control.immutable = True
        return response
