"""Mail backends behind one small interface: give it a message, get the provider's id back."""

from __future__ import annotations

import os
import smtplib
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, Protocol
from urllib.error import URLError

import sendgrid
from python_http_client.exceptions import HTTPError

from letters.compose import OutgoingMail

from ..config import Config


class MailBackend(Protocol):
    def send(self, mail: OutgoingMail) -> str:
        """Hand the message over; return the provider's id for it. Raise MailError on failure."""


class MailError(RuntimeError):
    """The backend could not hand the message over; `permanent` means retrying will not help."""

    def __init__(self, message: str, *, permanent: bool = False, status: int | None = None,
                 retry_at: float | None = None, outcome_unknown: bool = False):
        super().__init__(message)
        self.permanent = permanent
        self.status = status
        # The request went out but no answer came back: the service may have the message.
        self.outcome_unknown = outcome_unknown
        # For a rate limit: when (epoch seconds) the service will take mail again.
        self.retry_at = retry_at

    @property
    def rate_limited(self) -> bool:
        return self.status == 429

    @property
    def account_problem(self) -> bool:
        """A bad key, no credits or an unverified sender: no letter can go until staff act."""
        return self.status in (401, 403)


class FileBackend:
    """Writes each message as an .eml file, so a fresh install can be tried with no mail server."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)

    def send(self, mail: OutgoingMail) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        message = mail.as_message()
        message_id = mail.message_id or f"<{uuid.uuid4().hex}@outbox>"
        name = f"{uuid.uuid4().hex}.eml"
        # Write then rename, so nobody ever reads half a message.
        fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(message.as_bytes())
        os.replace(tmp, self.directory / name)
        return message_id


class SMTPBackend:
    def __init__(self, config: Config):
        self.config = config

    def send(self, mail: OutgoingMail) -> str:
        config = self.config
        message = mail.as_message()
        try:
            with smtplib.SMTP(config.smtp_host, config.smtp_port, timeout=30) as smtp:
                if config.smtp_starttls:
                    smtp.starttls()
                if config.smtp_username:
                    smtp.login(config.smtp_username, config.smtp_password or "")
                smtp.send_message(message)
        except smtplib.SMTPResponseException as error:
            raise MailError(
                f"SMTP {error.smtp_code}: {error.smtp_error!r}",
                permanent=500 <= error.smtp_code < 600,
                status=error.smtp_code,
            ) from error
        except (smtplib.SMTPException, OSError) as error:
            raise MailError(f"SMTP: {error}") from error
        return mail.message_id


class SendGridBackend:
    """The official SendGrid client, with an explicit timeout."""

    def __init__(self, config: Config):
        self.client = sendgrid.SendGridAPIClient(
            api_key=config.sendgrid_api_key, host=config.sendgrid_api_host
        )
        # The official client passes this on to every request it builds.
        self.client.client.timeout = config.sendgrid_timeout_seconds
        # The endpoint built once, as SendGrid's own examples use it
        # (`sg.client.mail.send.post(request_body=...)`): `client.send` builds that chain of
        # request builders anew for every letter. The timeout above is copied into it.
        # python_http_client still opens a new connection per request (a fresh urllib
        # opener each time) and offers no way to reuse one.
        self._mail_send = self.client.client.mail.send

    @staticmethod
    def request_body(mail: OutgoingMail) -> dict:
        """The v3 mail/send JSON. The client takes it as is; its Mail helper objects would
        build the same dict at several times the cost, for every letter."""
        body: dict[str, Any] = {
            "from": _person(mail.from_name, mail.from_address),
            "subject": mail.subject,
            "personalizations": [{"to": [_person(_recipient_name(mail.to_name),
                                                 mail.to_address)]}],
            "content": [{"type": "text/plain", "value": mail.body}],
            "headers": {"Message-ID": mail.message_id},
        }
        if mail.reply_to_address:
            body["reply_to"] = _person(mail.reply_to_name, mail.reply_to_address)
        if mail.auto_submitted:
            body["headers"]["Auto-Submitted"] = "auto-generated"
        # Delivery events come back with these, so they map to our records.
        custom_args = {name: value for name, value in (("letter_id", mail.letter_id),
                                                        ("notice_id", mail.notice_id)) if value}
        if custom_args:
            body["custom_args"] = custom_args
        return body

    def send(self, mail: OutgoingMail) -> str:
        try:
            response = self._mail_send.post(request_body=self.request_body(mail))
        except HTTPError as error:
            status = error.status_code
            retry_at = None
            if status == 429:
                reset = (error.headers or {}).get("X-RateLimit-Reset")
                retry_at = float(reset) if reset and str(reset).isdigit() else time.time() + 60
            body = error.body[:300] if isinstance(error.body, (bytes, str)) else error.body
            raise MailError(f"SendGrid {status}: {body!r}", permanent=status in (400, 413),
                            status=status, retry_at=retry_at) from error
        except URLError as error:
            # Raised while connecting (refused, no route, name lookup, connect timeout): the
            # request never left, so trying again cannot send twice.
            raise MailError(f"SendGrid unreachable: {error.reason}") from error
        except OSError as error:
            # A read timeout or a dropped connection after the request was sent.
            raise MailError(f"no answer from SendGrid: {error!r}",
                            outcome_unknown=True) from error
        return response.headers.get("X-Message-Id") or mail.message_id


def _person(name: str, address: str) -> dict:
    return {"email": address, "name": name} if name else {"email": address}


def _recipient_name(name: str) -> str:
    """A recipient's name as SendGrid takes it in `personalizations[].to[].name`.

    There (not in `from` or `reply_to`) SendGrid splits the name at "," and ";" as if it
    were a list of addresses, and refuses or drops the mail: its documentation forbids both
    characters. In double quotes (an RFC 5322 quoted string) it takes the name whole: the
    workaround SendGrid gives for it. A name that also holds a quote or a backslash is left out
    rather than escaped in a way SendGrid may not undo: the address alone reaches the person.
    """
    if "," not in name and ";" not in name:
        return name
    if '"' in name or "\\" in name:
        return ""
    return f'"{name}"'


def make_backend(config: Config) -> MailBackend:
    if config.mail_backend == "sendgrid":
        return SendGridBackend(config)
    if config.mail_backend == "smtp":
        return SMTPBackend(config)
    return FileBackend(config.mail_outbox_dir)
