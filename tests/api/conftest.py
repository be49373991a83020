"""The embed tests' app and partner (SQLite and PostgreSQL), and that partner's API key."""

from __future__ import annotations

import pytest

from tests.embed.conftest import (  # noqa: F401  (fixtures)
    api_key,
    app,
    client,
    database_url,
    outbox,
    postgres_migrated,
    sqlite_template,
)


@pytest.fixture
def auth(api_key):  # noqa: F811  (the imported fixture)
    return {"Authorization": f"Bearer {api_key}"}
