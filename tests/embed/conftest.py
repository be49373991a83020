"""The embed tests' partner, on the shared app (SQLite and PostgreSQL), and its API key."""

from __future__ import annotations

import pytest

from .support import add_partner, clear_partners


@pytest.fixture
def api_key(app):
    clear_partners(app)
    return add_partner(app)


@pytest.fixture
def partner(api_key):
    return api_key  # the partner exists once its key does
