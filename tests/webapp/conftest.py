"""Fixtures of the web tests; the app itself, on SQLite and PostgreSQL, is in tests/conftest.py."""

from __future__ import annotations

import pytest

from .fake_sendgrid import FakeSendGrid, new_signing_key


@pytest.fixture
def sendgrid():
    """A local SendGrid (tests/webapp/fake_sendgrid.py); `sendgrid.settings()` configures it."""
    server = FakeSendGrid().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def signing_key():
    """The key the SendGrid Event Webhook signs with; the app is given `public_key_text(it)`."""
    return new_signing_key()
