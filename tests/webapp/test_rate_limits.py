"""Rate limits per client and per e-mail address, with a message that says when to retry."""

from __future__ import annotations

import pytest

from tests.apps import make_config
from webapp import create_app
from webapp.app_state import app_state

from .flow import letters_form, step_one, step_two
from .pages import text


@pytest.fixture
def limited_app(tmp_path, database_url):
    app = create_app(make_config(
        tmp_path, database_url, ratelimit_enabled=True,
        ratelimit_per_client="100 per minute", ratelimit_per_email="2 per hour",
    ))
    yield app
    app_state(app).database.dispose()


def test_per_email_limit_tells_when_to_try_again(limited_app):
    client = limited_app.test_client()
    fields = letters_form(step_one(client))
    assert step_two(client, fields, action="draft").status_code == 200
    assert step_two(client, fields, action="draft").status_code == 200
    response = step_two(client, fields, action="draft")
    page = text(response)
    assert response.status_code == 429
    assert "Please try again in" in page and "hour" in page
    assert 'value="Jane Doe"' in page  # the form is kept
    # Another address from the same client is not held back by this limit.
    other = [(k, "john@example.org" if k == "email" else v) for k, v in fields]
    assert step_two(client, other, action="draft").status_code == 200


def test_per_client_limit(tmp_path, database_url):
    app = create_app(make_config(tmp_path, database_url, ratelimit_enabled=True,
                                 ratelimit_per_client="2 per minute"))
    client = app.test_client()
    assert step_one(client).status_code == 200
    assert step_one(client).status_code == 200
    response = step_one(client)
    assert response.status_code == 429
    assert "minute" in text(response)
    app_state(app).database.dispose()


def test_limits_are_shared_through_redis(tmp_path, database_url):
    """With REDIS_URL set, every web process counts against the same limit."""
    import uuid

    import redis

    from tests.conftest import REDIS_URL, redis_available, require_or_skip

    require_or_skip(redis_available(), f"Redis not reachable at {REDIS_URL}")
    config = make_config(tmp_path, database_url, redis_url=REDIS_URL, ratelimit_enabled=True,
                         ratelimit_per_client="1000 per minute", ratelimit_per_email="1 per hour")
    first, second = create_app(config), create_app(config)  # two web processes
    address = f"{uuid.uuid4().hex}@example.org"
    first_client = first.test_client()
    fields = [(k, address if k == "email" else v) for k, v in letters_form(step_one(first_client))]
    assert step_two(first_client, fields, action="draft").status_code == 200
    client = second.test_client()
    fields = [(k, address if k == "email" else v) for k, v in letters_form(step_one(client))]
    assert step_two(client, fields, action="draft").status_code == 429
    with first.test_request_context(data={"email": address}, method="POST"):
        from webapp.extensions import email_rate_key

        key = email_rate_key()
    assert address not in key  # no address kept in clear
    keys = redis.Redis.from_url(REDIS_URL).keys(f"*{key}*")
    assert keys, "the limit was not counted in Redis"
    for app in (first, second):
        app_state(app).database.dispose()
