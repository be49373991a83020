"""What every template can use beyond Flask's and Flask-Babel's own."""

from __future__ import annotations

import base64

from flask import Flask, current_app, has_request_context, request, url_for


def init_app(app: Flask) -> None:
    app.jinja_env.filters["b64encode"] = lambda data: base64.b64encode(data).decode("ascii")
    app.jinja_env.globals["static_url"] = static_url


def static_url(filename: str) -> str:
    """url_for("static", filename=...) for the public pages' own files, built once per
    script root rather than on every page (a tenth of the check-your-inbox page)."""
    built = current_app.extensions.setdefault("static_urls", {})
    key = (request.script_root if has_request_context() else None, filename)
    url = built.get(key)
    if url is None:
        url = built[key] = url_for("static", filename=filename)
    return url
