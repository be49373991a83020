"""The configuration read from the environment, failing fast where it must."""

from __future__ import annotations

import pytest
from itsdangerous import BadSignature

from webapp.config import ConfigError, config_from_env


def test_defaults_need_no_settings(tmp_path):
    config = config_from_env({"INSTANCE_PATH": str(tmp_path)})
    assert config.database_url == f"sqlite:///{tmp_path / 'app.sqlite3'}"
    assert config.mail_backend == "file"
    assert config.ratelimit_storage_uri == "memory://"
    # The generated key survives a restart.
    assert config_from_env({"INSTANCE_PATH": str(tmp_path)}).secret_key == config.secret_key


def test_postgres_and_redis_urls(tmp_path):
    config = config_from_env({"INSTANCE_PATH": str(tmp_path),
                              "DATABASE_URL": "postgres://u@db/app",
                              "REDIS_URL": "redis://127.0.0.1:6379/0"})
    assert config.database_url == "postgresql+psycopg://u@db/app"
    assert config.ratelimit_storage_uri == "redis://127.0.0.1:6379/0"


@pytest.mark.parametrize(
    "env",
    [
        {"APP_ENV": "production", "MAIL_BACKEND": "sendgrid", "SENDGRID_API_KEY": "k"},
        {"APP_ENV": "production", "SECRET_KEY": "s"},
        {"MAIL_BACKEND": "sendgrid"},
        {"MAIL_BACKEND": "pigeon"},
    ],
)
def test_fails_fast(env, tmp_path):
    with pytest.raises(ConfigError):
        config_from_env({"INSTANCE_PATH": str(tmp_path), **env})


def test_config_is_frozen(tmp_path):
    config = config_from_env({"INSTANCE_PATH": str(tmp_path)})
    with pytest.raises(AttributeError):
        config.secret_key = "other"


def test_session_serializer_is_built_once_and_again_for_new_keys(app):
    """webapp.extensions.SessionCookies: a cookie signed with the old key no longer opens."""
    interface = app.session_interface
    first = interface.get_signing_serializer(app)
    assert interface.get_signing_serializer(app) is first
    cookie = first.dumps({"csrf_token": "t"})
    old_key, app.secret_key = app.secret_key, "another secret key, at least long enough"
    try:
        second = interface.get_signing_serializer(app)
        assert second is not first
        assert second.loads(second.dumps({"a": 1})) == {"a": 1}
        with pytest.raises(BadSignature):
            second.loads(cookie)
    finally:
        app.secret_key = old_key
