"""The SendGrid backend (the official client) against a local server speaking its v3 API,
and the SMTP backend against a local SMTP server."""

from __future__ import annotations

import socket
import time

import pytest
from aiosmtpd.controller import Controller

from letters.compose import build_letter_message
from webapp.config import Config
from webapp.delivery.backends import MailError, SendGridBackend, SMTPBackend


def letter():
    message = build_letter_message(
        campaign_title="A treaty at the next AI summit",
        from_address="letters@campaign.example",
        supporter_name="Jane Doe",
        supporter_email="jane@example.org",
        to_address="minister@ezk.example.org",
        to_name="Anna de Vries",
        subject="Een verdrag",
        body="Geachte mevrouw De Vries,\n\nTekst.\n",
        message_id_domain="campaign.example",
        letter_id=42,
    )
    return message


def sendgrid_backend(server, timeout=5.0) -> SendGridBackend:
    """The backend sending through the local SendGrid (the `sendgrid` fixture)."""
    return SendGridBackend(Config(secret_key="x", database_url="sqlite://",
                                  **server.settings(timeout=timeout)))


def test_sendgrid_sends_with_reply_to_and_letter_id(sendgrid):
    provider_id = sendgrid_backend(sendgrid).send(letter())
    assert provider_id == "sg-1"
    [(path, headers, body)] = sendgrid.received
    assert path == "/v3/mail/send"
    assert headers["Authorization"] == "Bearer SG.test"
    assert body["from"] == {"email": "letters@campaign.example",
                            "name": "Jane Doe via A treaty at the next AI summit"}
    assert body["reply_to"] == {"email": "jane@example.org", "name": "Jane Doe"}
    personalization = body["personalizations"][0]
    assert personalization["to"] == [{"email": "minister@ezk.example.org",
                                       "name": "Anna de Vries"}]
    assert body["custom_args"] == {"letter_id": "42"} or \
        personalization.get("custom_args") == {"letter_id": "42"}
    assert body["content"][0]["value"].startswith("Geachte mevrouw De Vries")


def test_sendgrid_400_is_permanent(sendgrid):
    sendgrid.mode = "bad"
    with pytest.raises(MailError) as raised:
        sendgrid_backend(sendgrid).send(letter())
    assert raised.value.permanent and raised.value.status == 400


def test_sendgrid_500_is_temporary(sendgrid):
    sendgrid.mode = "down"
    with pytest.raises(MailError) as raised:
        sendgrid_backend(sendgrid).send(letter())
    assert not raised.value.permanent


def test_sendgrid_timeout_is_temporary(sendgrid):
    sendgrid.mode = "slow"
    sendgrid.slow_seconds = 2.0
    started = time.monotonic()
    with pytest.raises(MailError) as raised:
        sendgrid_backend(sendgrid, timeout=0.3).send(letter())
    assert time.monotonic() - started < 1.5
    assert not raised.value.permanent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Collector:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's naming)
        self.envelopes.append(envelope)
        return "250 OK"


def test_smtp_backend_delivers_to_local_server():
    handler = Collector()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        config = Config(secret_key="x", database_url="sqlite://", mail_backend="smtp",
                        smtp_host="127.0.0.1", smtp_port=port)
        SMTPBackend(config).send(letter())
    finally:
        controller.stop()
    [envelope] = handler.envelopes
    assert envelope.mail_from == "letters@campaign.example"
    assert envelope.rcpt_tos == ["minister@ezk.example.org"]
    assert b"Reply-To: Jane Doe <jane@example.org>" in envelope.content


def test_smtp_unreachable_is_temporary():
    config = Config(secret_key="x", database_url="sqlite://", mail_backend="smtp",
                    smtp_host="127.0.0.1", smtp_port=1)
    with pytest.raises(MailError) as raised:
        SMTPBackend(config).send(letter())
    assert not raised.value.permanent
