"""The configuration read from the environment, failing fast where it must."""

from __future__ import annotations

import pytest

from webapp.config import ConfigError, config_from_env


def test_defaults_need_no_settings(tmp_path):
    config = config_from_env({"INSTANCE_PATH": str(tmp_path)})
    assert config.database_url == f"sqlite:///{tmp_path / 'app.sqlite3'}"
    assert config.mail_backend == "file"
    assert config.redis_url is None  # rate limits and the task queue in the process
    # The generated key survives a restart.
    assert config_from_env({"INSTANCE_PATH": str(tmp_path)}).secret_key == config.secret_key


def test_postgres_and_redis_urls(tmp_path):
    config = config_from_env({"INSTANCE_PATH": str(tmp_path),
                              "DATABASE_URL": "postgres://u@db/app",
                              "REDIS_URL": "redis://127.0.0.1:6379/0"})
    assert config.database_url == "postgresql+psycopg://u@db/app"
    assert config.redis_url == "redis://127.0.0.1:6379/0"


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
