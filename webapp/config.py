"""One frozen configuration, read from environment variables in one place."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE = PROJECT_ROOT / "instance"


class ConfigError(RuntimeError):
    """The environment cannot make a working configuration."""


@dataclass(frozen=True)
class Config:
    secret_key: str
    database_url: str
    instance_path: Path = DEFAULT_INSTANCE
    redis_url: str | None = None
    production: bool = False
    testing: bool = False
    # Where the app is reached, for links in e-mails ("http://127.0.0.1:5000").
    base_url: str = "http://127.0.0.1:5000"
    default_campaign: str = "treaty-at-next-summit"
    languages: tuple[str, ...] = ("en", "nl", "de", "fr", "es", "ja", "ko", "zh", "pt")
    # Mail: "file" (default, writes .eml under instance/outbox), "sendgrid" or "smtp".
    mail_backend: str = "file"
    mail_from_address: str = "letters@localhost"
    mail_outbox_dir: Path = DEFAULT_INSTANCE / "outbox"
    sendgrid_api_key: str | None = None
    # Only for tests and proxies: where the official client sends its requests.
    sendgrid_api_host: str = "https://api.sendgrid.com"
    sendgrid_timeout_seconds: float = 10.0
    # The Event Webhook's verification key (Mail Settings > Event Webhook > Signature).
    sendgrid_webhook_public_key: str | None = None
    # Events signed longer ago than this are refused as replays.
    webhook_max_age_seconds: int = 300
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    # A confirmation link stays valid this long; unconfirmed letters are deleted after it.
    confirm_max_age_seconds: int = 7 * 24 * 3600
    # Letter texts are deleted this many days after they were sent (privacy by default).
    retention_days: int = 30
    # "Keep me informed" keeps a supporter's name and address this many months after they
    # confirmed it, and a partner's consent as long; then the retention job erases them.
    contact_retention_months: int = 24
    # Set by a proxy you trust (e.g. "CF-IPCountry"); empty means never trust such a header.
    trusted_country_header: str = ""
    # How many proxies in front of the app set X-Forwarded-For (0: use the socket's address).
    trusted_proxies: int = 0
    ratelimit_enabled: bool = True
    ratelimit_per_client: str = "30 per minute;300 per day"
    # Supporters' reports about the data ("wrong address?", "whom to write to?"), per client.
    ratelimit_reports: str = "5 per hour;20 per day"
    ratelimit_per_email: str = "5 per hour;20 per day"
    # Per IPv4 /24 or IPv6 /64, and per /16 or /48, beside the limit per client: looser, since
    # many supporters may share a network (an office, a university, a mobile provider's NAT).
    ratelimit_per_subnet: str = "120 per minute;1200 per day"
    ratelimit_per_wide_subnet: str = "600 per minute;10000 per day"
    wtf_csrf_time_limit: int = 6 * 3600
    # A request body's size, and a multipart form's parts (Werkzeug's own limits).
    max_content_length: int = 512 * 1024
    max_form_parts: int = 1000
    # Staff sessions end after this long without a request, and this long after signing in.
    staff_session_idle_minutes: int = 30
    staff_session_max_hours: int = 12
    staff_login_limit: str = "5 per minute;50 per day"
    staff_login_limit_per_subnet: str = "20 per minute;200 per day"
    # How often each process checks whether staff published new content.
    content_check_seconds: float = 5.0
    # A letter template rendering slower than this cannot be saved.
    template_time_limit: float = 0.05
    # An embed's forms carry their own signed token (no cookie needed); it lasts this long.
    embed_token_max_age_seconds: int = 4 * 3600
    # Limits per API key (the `limits` package's syntax, as every limit here).
    api_ratelimit_per_key: str = "60 per minute;2000 per day"
    # The proof of work a campaign can ask for before "send it for me"
    # (webapp/supporters/proof_of_work.py): at most this many key derivations for the browser,
    # at least half as many, and how long a challenge stays good.
    proof_of_work_complexity: int = 5000
    proof_of_work_max_age_seconds: int = 600
    # Load shedding (webapp/load_shedding.py): the header in which the front proxy stamps when
    # it received each request ("X-Request-Start": Heroku's router and nginx set it; empty: no
    # proxy does, and any such header is ignored), and how long a request may have waited
    # before the app saw it; one that waited longer is answered at once with a 503 page that
    # keeps the supporter's form (0: never).
    trusted_request_start_header: str = ""
    load_shed_after_ms: int = 800
    extra: dict = field(default_factory=dict)

    def with_overrides(self, **changes) -> Config:
        """Return a copy with some values changed (used by tests and commands)."""
        return replace(self, **changes)


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _normalise_database_url(url: str) -> str:
    # Heroku-style URLs say "postgres://"; SQLAlchemy wants a driver name.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def config_from_env(environ: os._Environ | dict | None = None) -> Config:
    """Map every environment variable the app reads onto the frozen Config."""
    env = os.environ if environ is None else environ
    production = env.get("APP_ENV", "development") == "production"
    instance_path = Path(env.get("INSTANCE_PATH") or DEFAULT_INSTANCE)

    secret_key = env.get("SECRET_KEY")
    if not secret_key:
        if production:
            raise ConfigError("SECRET_KEY must be set when APP_ENV=production")
        secret_key = _development_secret(instance_path)

    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance_path / 'app.sqlite3'}"
    mail_backend = env.get("MAIL_BACKEND", "file")
    if mail_backend not in {"file", "sendgrid", "smtp"}:
        raise ConfigError(f"MAIL_BACKEND must be file, sendgrid or smtp, not {mail_backend!r}")
    if mail_backend == "sendgrid" and not env.get("SENDGRID_API_KEY"):
        raise ConfigError("MAIL_BACKEND=sendgrid needs SENDGRID_API_KEY")
    if production and mail_backend == "file":
        raise ConfigError("APP_ENV=production needs a real MAIL_BACKEND (sendgrid or smtp)")

    return Config(
        secret_key=secret_key,
        database_url=_normalise_database_url(database_url),
        instance_path=instance_path,
        redis_url=env.get("REDIS_URL") or None,
        production=production,
        base_url=env.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        default_campaign=env.get("DEFAULT_CAMPAIGN", "treaty-at-next-summit"),
        mail_backend=mail_backend,
        mail_from_address=env.get("MAIL_FROM_ADDRESS", "letters@localhost"),
        mail_outbox_dir=Path(env.get("MAIL_OUTBOX_DIR") or instance_path / "outbox"),
        sendgrid_api_key=env.get("SENDGRID_API_KEY") or None,
        sendgrid_api_host=env.get("SENDGRID_API_HOST", "https://api.sendgrid.com"),
        sendgrid_timeout_seconds=float(env.get("SENDGRID_TIMEOUT_SECONDS", "10")),
        sendgrid_webhook_public_key=env.get("SENDGRID_WEBHOOK_PUBLIC_KEY") or None,
        webhook_max_age_seconds=int(env.get("WEBHOOK_MAX_AGE_SECONDS", "300")),
        smtp_host=env.get("SMTP_HOST", "localhost"),
        smtp_port=int(env.get("SMTP_PORT", "25")),
        smtp_username=env.get("SMTP_USERNAME") or None,
        smtp_password=env.get("SMTP_PASSWORD") or None,
        smtp_starttls=_bool(env.get("SMTP_STARTTLS")),
        confirm_max_age_seconds=int(env.get("CONFIRM_MAX_AGE_SECONDS", str(7 * 24 * 3600))),
        retention_days=int(env.get("RETENTION_DAYS", "45")),
        contact_retention_months=int(env.get("CONTACT_RETENTION_MONTHS", "24")),
        trusted_country_header=env.get("TRUSTED_COUNTRY_HEADER", ""),
        trusted_proxies=int(env.get("TRUSTED_PROXIES", "0")),
        ratelimit_enabled=_bool(env.get("RATELIMIT_ENABLED"), default=True),
        ratelimit_per_client=env.get("RATELIMIT_PER_CLIENT", "30 per minute;300 per day"),
        ratelimit_reports=env.get("RATELIMIT_REPORTS", "5 per hour;20 per day"),
        ratelimit_per_email=env.get("RATELIMIT_PER_EMAIL", "5 per hour;20 per day"),
        ratelimit_per_subnet=env.get("RATELIMIT_PER_SUBNET", "120 per minute;1200 per day"),
        ratelimit_per_wide_subnet=env.get("RATELIMIT_PER_WIDE_SUBNET",
                                          "600 per minute;10000 per day"),
        embed_token_max_age_seconds=int(env.get("EMBED_TOKEN_MAX_AGE_SECONDS", str(4 * 3600))),
        api_ratelimit_per_key=env.get("API_RATELIMIT_PER_KEY", "60 per minute;2000 per day"),
        proof_of_work_complexity=int(env.get("PROOF_OF_WORK_COMPLEXITY", "5000")),
        proof_of_work_max_age_seconds=int(env.get("PROOF_OF_WORK_MAX_AGE_SECONDS", "600")),
        trusted_request_start_header=env.get("TRUSTED_REQUEST_START_HEADER", ""),
        load_shed_after_ms=int(env.get("LOAD_SHED_AFTER_MS", "800")),
    )


def _development_secret(instance_path: Path) -> str:
    # A fresh install must work with no settings, and sessions should survive restarts:
    # keep a random key in the instance folder rather than a fixed one in the code.
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    return key
