"""Where `flask` finds the app when run from the project's folder without `--app`.

Flask looks for a `wsgi.py` in the current folder: so the Procfile's `flask setup` and
`flask delivery ...` and the README's `.venv/bin/flask reps import ...` work with no FLASK_APP
set. It finds the factory and calls it; gunicorn is given `webapp:create_app()` directly.
"""

from webapp import create_app

__all__ = ["create_app"]
