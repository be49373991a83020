"""The yardstick for bench/submit_path.py: the least a form-handling Flask app can do.

A Flask-WTF form (name, e-mail, country) with CSRF on, as in the real app, validated and
stored as one row: in a SQLite file in WAL mode (the same pragmas as `database.make_engine`),
through plain sqlite3, or, with MINIMAL_DATABASE_URL, in a PostgreSQL database through plain
psycopg (one connection per worker process, one transaction per row). Run under gunicorn:

    MINIMAL_DB=/tmp/minimal.sqlite3 gunicorn --chdir bench 'minimal_app:create_app()'
    MINIMAL_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/minimal \
        gunicorn --chdir bench 'minimal_app:create_app()'
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

POSTGRES_SCHEMA = """CREATE TABLE IF NOT EXISTS submission (
    id BIGSERIAL PRIMARY KEY,
    public_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    country TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
)"""

INSERT = ("INSERT INTO submission (public_id, name, email, country, created_at) "
          "VALUES (?, ?, ?, ?, ?)")


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


def libpq_url(url: str) -> str:
    """A PostgreSQL URL as libpq takes it (SQLAlchemy's "postgresql+psycopg://" too)."""
    scheme, _, rest = url.partition("://")
    return "postgresql://" + rest if scheme.startswith("postgres") else url


def _connect_postgres(url: str):
    import psycopg

    return psycopg.connect(libpq_url(url))


def create_app(db_path: str | None = None, database_url: str | None = None) -> Flask:
    database_url = database_url or (None if db_path else os.environ.get("MINIMAL_DATABASE_URL"))
    db_path = db_path or os.environ.get("MINIMAL_DB") or "minimal.sqlite3"
    if database_url:
        with _connect_postgres(database_url) as connection:  # commits and closes
            # Every gunicorn worker makes the app: one at a time creates the table (two
            # concurrent CREATE TABLE IF NOT EXISTS collide in PostgreSQL's catalogue).
            connection.execute("SELECT pg_advisory_xact_lock(hashtext('minimal_app schema'))")
            connection.execute(POSTGRES_SCHEMA)
    else:
        with _connect(db_path) as connection:
            connection.execute(SCHEMA)
        connection.close()

    app = Flask(__name__)
    app.config.update(SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(32),
                      WTF_CSRF_ENABLED=True, WTF_CSRF_TIME_LIMIT=6 * 3600)

    # One connection per worker process, opened after gunicorn forks (like SQLAlchemy's pool).
    state = {"pid": None, "connection": None}

    def connection():
        if state["pid"] != os.getpid() or state["connection"] is None:
            state["connection"] = (_connect_postgres(database_url) if database_url
                                   else _connect(db_path))
            state["pid"] = os.getpid()
        return state["connection"]

    def store(row: tuple) -> None:
        db = connection()
        if not database_url:
            with db:  # one transaction, committed on success
                db.execute(INSERT, row)
            return
        try:
            db.execute(INSERT.replace("?", "%s"), row)  # psycopg opens the transaction
            db.commit()
        except Exception:
            state["connection"] = None  # a broken connection is opened again next time
            db.close()
            raise

    @app.get("/")
    def page():
        return render_template_string(PAGE, form=SupporterForm())

    @app.post("/submit")
    def submit():
        form = SupporterForm()
        if not form.validate():
            return render_template_string(PAGE, form=form), 422
        now = datetime.now(UTC)
        store((secrets.token_hex(16), form.name.data, form.email.data, form.country.data,
               now if database_url else now.isoformat()))
        return "stored\n"

    return app
