"""The web tests' app (SQLite and PostgreSQL), with a partner."""

from __future__ import annotations

import pytest

from tests.webapp.conftest import (  # noqa: F401  (fixtures)
    app,
    client,
    database_url,
    outbox,
    postgres_migrated,
    sqlite_template,
)

from .support import add_partner, clear_partners


@pytest.fixture
def api_key(app):  # noqa: F811  (the imported fixture)
    clear_partners(app)
    return add_partner(app)


@pytest.fixture
def partner(api_key):
    return api_key  # the partner exists once its key does
