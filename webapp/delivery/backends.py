"""Mail backends behind one small interface: give it a message, get the provider's id back."""

from __future__ import annotations

import os
import smtplib
import tempfile
import time
import uuid
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from pathlib import Path
from typing import Protocol
from urllib.error import URLError

import sendgrid
from python_http_client.exceptions import HTTPError
from sendgrid.helpers.mail import CustomArg, Email, Header, Mail, ReplyTo, To

from ..config import Config


class MailBackend(Protocol):
    def send(self, message: EmailMessage) -> str:
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

    def send(self, message: EmailMessage) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        message_id = message.get("Message-ID") or f"<{uuid.uuid4().hex}@outbox>"
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

    def send(self, message: EmailMessage) -> str:
        config = self.config
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
        return message["Message-ID"] or ""


class SendGridBackend:
    """The official SendGrid client, with an explicit timeout."""

    def __init__(self, config: Config):
        self.client = sendgrid.SendGridAPIClient(
            api_key=config.sendgrid_api_key, host=config.sendgrid_api_host
        )
        # The official client passes this on to every request it builds.
        self.client.client.timeout = config.sendgrid_timeout_seconds

    @staticmethod
    def to_mail(message: EmailMessage) -> Mail:
        from_name, from_address = parseaddr(message["From"])
        mail = Mail(
            from_email=Email(from_address, from_name or None),
            subject=str(message["Subject"]),
            plain_text_content=message.get_content(),
        )
        for name, address in getaddresses([str(message["To"])]):
            mail.add_to(To(address, name or None))
        if message["Reply-To"]:
            reply_name, reply_address = parseaddr(str(message["Reply-To"]))
            mail.reply_to = ReplyTo(reply_address, reply_name or None)
        if message["Message-ID"]:
            mail.add_header(Header("Message-ID", str(message["Message-ID"])))
        # Delivery events come back with these, so they map to our records.
        for header, arg in (("X-Letter-Id", "letter_id"), ("X-Notice-Id", "notice_id")):
            if message[header]:
                mail.add_custom_arg(CustomArg(arg, str(message[header])))
        return mail

    def send(self, message: EmailMessage) -> str:
        try:
            response = self.client.send(self.to_mail(message))
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
        return response.headers.get("X-Message-Id") or str(message["Message-ID"] or "")


def make_backend(config: Config) -> MailBackend:
    if config.mail_backend == "sendgrid":
        return SendGridBackend(config)
    if config.mail_backend == "smtp":
        return SMTPBackend(config)
    return FileBackend(config.mail_outbox_dir)
