"""The web tests' app (SQLite and PostgreSQL), with a partner and its API key."""

from __future__ import annotations

import pytest

from tests.embed.support import add_partner, clear_partners
from tests.webapp.conftest import (  # noqa: F401  (fixtures)
    app,
    client,
    database_url,
    outbox,
    postgres_migrated,
    sqlite_template,
)


@pytest.fixture
def api_key(app):  # noqa: F811  (the imported fixture)
    clear_partners(app)
    return add_partner(app)


@pytest.fixture
def auth(api_key):
    return {"Authorization": f"Bearer {api_key}"}
