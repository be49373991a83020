"""What every template can use beyond Flask's and Flask-Babel's own."""

from __future__ import annotations

import base64

from flask import Flask


def init_app(app: Flask) -> None:
    app.jinja_env.filters["b64encode"] = lambda data: base64.b64encode(data).decode("ascii")
