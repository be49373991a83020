"""The API tests' partner key (SQLite and PostgreSQL), and the header that carries it."""

from __future__ import annotations

import pytest

from tests.embed.support import add_partner, clear_partners


@pytest.fixture
def api_key(app):
    clear_partners(app)
    return add_partner(app)


@pytest.fixture
def auth(api_key):
    return {"Authorization": f"Bearer {api_key}"}
