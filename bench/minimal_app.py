"""The yardstick for bench/submit_path.py: the least a form-handling Flask app can do.

A Flask-WTF form (name, e-mail, country) with CSRF on, as in the real app, validated and
stored as one row in a SQLite file in WAL mode (the same pragmas as `database.make_engine`),
through plain sqlite3. Run under gunicorn:

    MINIMAL_DB=/tmp/minimal.sqlite3 gunicorn --chdir bench 'minimal_app:create_app()'
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from datetime import UTC, datetime

from flask import Flask, render_template_string
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Email, Length

COUNTRIES = [("", ""), ("NL", "Netherlands"), ("BE", "Belgium"), ("DE", "Germany"),
             ("FR", "France"), ("US", "United States")]

PAGE = """<!doctype html><title>Minimal</title>
<form method="post" action="/submit">{{ form.csrf_token }}
{{ form.name }} {{ form.email }} {{ form.country }}<button>Send</button></form>
{% for field in form if field.errors %}<p>{{ field.name }}: {{ field.errors|join(", ") }}</p>
{% endfor %}"""

SCHEMA = """CREATE TABLE IF NOT EXISTS submission (
    id INTEGER PRIMARY KEY,
    public_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    country TEXT NOT NULL,
    created_at TEXT NOT NULL
)"""


class SupporterForm(FlaskForm):
    name = StringField("Your name", validators=[DataRequired(), Length(max=100)])
    email = StringField("Your e-mail address",
                        validators=[DataRequired(), Length(max=254), Email()])
    country = SelectField("Your country", choices=COUNTRIES, validators=[DataRequired()])


def _connect(path: str) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=30)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA foreign_keys=ON")
    connection.execute("PRAGMA busy_timeout=30000")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("PRAGMA wal_autocheckpoint=10000")
    return connection


def create_app(db_path: str | None = None) -> Flask:
    db_path = db_path or os.environ.get("MINIMAL_DB") or "minimal.sqlite3"
    with _connect(db_path) as connection:
        connection.execute(SCHEMA)
    connection.close()

    app = Flask(__name__)
    app.config.update(SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(32),
                      WTF_CSRF_ENABLED=True, WTF_CSRF_TIME_LIMIT=6 * 3600)

    # One connection per worker process, opened after gunicorn forks (like SQLAlchemy's pool).
    state = {"pid": None, "connection": None}

    def connection() -> sqlite3.Connection:
        if state["pid"] != os.getpid():
            state["connection"] = _connect(db_path)
            state["pid"] = os.getpid()
        return state["connection"]

    @app.get("/")
    def page():
        return render_template_string(PAGE, form=SupporterForm())

    @app.post("/submit")
    def submit():
        form = SupporterForm()
        if not form.validate():
            return render_template_string(PAGE, form=form), 422
        db = connection()
        with db:  # one transaction, committed on success
            db.execute(
                "INSERT INTO submission (public_id, name, email, country, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (secrets.token_hex(16), form.name.data, form.email.data, form.country.data,
                 datetime.now(UTC).isoformat()),
            )
        return "stored\n"

    return app
