"""Rate limits per client and per e-mail address, with a message that says when to retry."""

from __future__ import annotations

import logging
import socket
import time

import pytest

from tests.apps import make_config
from webapp import create_app
from webapp.app_state import app_state

from .flow import SLUG, letters_form, step_one, step_two
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
        from webapp.rate_limits import email_rate_key

        key = email_rate_key()
    assert address not in key  # no address kept in clear
    keys = redis.Redis.from_url(REDIS_URL).keys(f"*{key}*")
    assert keys, "the limit was not counted in Redis"
    for app in (first, second):
        app_state(app).database.dispose()


# --- per subnet ----------------------------------------------------------------------------

def _from(client, address: str) -> int:
    """Step one sent from `address`: the POST's status."""
    client.environ_base["REMOTE_ADDR"] = address
    return step_one(client).status_code


NETWORKS = {
    # neighbours in one /24 (/64), the next /24 (/64) in the same /16 (/48), another /16 (/48)
    "ipv4": (["203.0.113.5", "203.0.113.5", "203.0.113.77", "203.0.113.200"], "203.0.114.5",
             "198.51.100.5"),
    "ipv6": (["2001:db8:1:2::5", "2001:db8:1:2::5", "2001:db8:1:2:ffff::1", "2001:db8:1:2::99"],
             "2001:db8:1:3::1", "2001:db8:9::1"),
}


@pytest.mark.parametrize("family", NETWORKS)
def test_clients_in_one_small_subnet_share_its_limit(tmp_path, database_url, family):
    neighbours, next_subnet, elsewhere = NETWORKS[family]
    app = create_app(make_config(tmp_path, database_url, ratelimit_enabled=True,
                                 ratelimit_per_client="100 per minute",
                                 ratelimit_per_subnet="3 per minute"))
    try:
        client = app.test_client()
        assert [_from(client, address) for address in neighbours] == [200, 200, 200, 429]
        assert _from(client, next_subnet) == 200
        assert _from(client, elsewhere) == 200
    finally:
        app_state(app).database.dispose()


WIDE_NETWORKS = {
    # one /24 (/64) each, all in one /16 (/48); then another /16 (/48)
    "ipv4": (["203.0.1.1", "203.0.2.1", "203.0.3.1", "203.0.4.1"], "198.51.100.1"),
    "ipv6": (["2001:db8:1:1::1", "2001:db8:1:2::1", "2001:db8:1:3::1", "2001:db8:1:4::1"],
             "2001:db8:2::1"),
}


@pytest.mark.parametrize("family", WIDE_NETWORKS)
def test_clients_in_one_wide_subnet_share_its_limit(tmp_path, database_url, family):
    subnets, elsewhere = WIDE_NETWORKS[family]
    app = create_app(make_config(tmp_path, database_url, ratelimit_enabled=True,
                                 ratelimit_per_client="100 per minute",
                                 ratelimit_per_subnet="100 per minute",
                                 ratelimit_per_wide_subnet="3 per minute"))
    try:
        client = app.test_client()
        assert [_from(client, address) for address in subnets] == [200, 200, 200, 429]
        assert _from(client, elsewhere) == 200
    finally:
        app_state(app).database.dispose()


def test_staff_sign_in_is_limited_per_small_subnet(tmp_path, database_url):
    from .pages import csrf_token

    app = create_app(make_config(tmp_path, database_url, ratelimit_enabled=True,
                                 staff_login_limit="100 per minute",
                                 staff_login_limit_per_subnet="3 per minute"))
    try:
        client = app.test_client()

        def attempt(n: int, address: str) -> int:
            client.environ_base["REMOTE_ADDR"] = address
            page = client.get("/staff/login").get_data(as_text=True)
            return client.post("/staff/login", data={
                "email": f"nobody{n}@campaign.example", "password": "wrong password!",
                "csrf_token": csrf_token(page)}).status_code

        # Another account from each neighbouring address.
        assert [attempt(n, f"198.51.100.{n}") for n in range(4)] == [401, 401, 401, 429]
        assert attempt(9, "198.51.101.1") == 401
    finally:
        app_state(app).database.dispose()


def test_subnet_keys_are_pseudonymised():
    from flask import Flask

    from webapp.rate_limits import subnet_rate_key, wide_subnet_rate_key

    app = Flask(__name__)
    app.config["SECRET_KEY"] = "test-secret"

    def keys(address: str) -> tuple[str, str]:
        with app.test_request_context(environ_base={"REMOTE_ADDR": address}):
            return subnet_rate_key(), wide_subnet_rate_key()

    narrow, wide = keys("203.0.113.5")
    assert "203.0" not in narrow + wide
    assert keys("203.0.113.77") == (narrow, wide)
    assert keys("::ffff:203.0.113.9") == (narrow, wide)  # IPv4 written as IPv6
    assert keys("203.0.114.5")[0] != narrow and keys("203.0.114.5")[1] == wide
    assert keys("2001:db8:1:2::5")[0] == keys("2001:db8:1:2:ffff::1")[0]
    assert "2001" not in "".join(keys("2001:db8:1:2::5"))
    # Not an IP address: counted by the address as it is.
    assert keys("unix-socket") == keys("unix-socket") != keys("other-socket")


def test_api_requests_without_a_key_are_limited_per_subnet(tmp_path, database_url):
    from tests.embed.support import add_partner, clear_partners

    app = create_app(make_config(tmp_path, database_url, ratelimit_enabled=True,
                                 api_ratelimit_per_key="100 per minute",
                                 ratelimit_per_subnet="3 per minute"))
    try:
        clear_partners(app)
        key = add_partner(app)
        client = app.test_client()
        statuses = [client.get("/api/v1/campaigns",
                               environ_base={"REMOTE_ADDR": f"203.0.113.{n}"}).status_code
                    for n in range(4)]
        assert statuses == [401, 401, 401, 429]
        # A partner's key is limited per key, wherever its requests come from.
        keyed = client.get("/api/v1/campaigns", environ_base={"REMOTE_ADDR": "203.0.113.9"},
                           headers={"Authorization": f"Bearer {key}"})
        assert keyed.status_code == 200
    finally:
        app_state(app).database.dispose()


def test_api_submissions_count_against_the_key_limit_too(tmp_path, database_url):
    """The per-address limit on submissions adds to the key's limit rather than replacing it."""
    from tests.embed.support import add_partner, clear_partners

    app = create_app(make_config(tmp_path, database_url, ratelimit_enabled=True,
                                 api_ratelimit_per_key="2 per minute"))
    try:
        clear_partners(app)
        auth = {"Authorization": f"Bearer {add_partner(app)}"}
        client = app.test_client()
        statuses = [client.post(f"/api/v1/campaigns/{SLUG}/submissions", json={},
                                headers=auth).status_code for _ in range(3)]
        assert statuses[-1] == 429 and 429 not in statuses[:2]
    finally:
        app_state(app).database.dispose()


# --- limits held per process ----------------------------------------------------------------

PER_PROCESS = "counted in each process's memory"


def _warnings(caplog, logger: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == logger and r.levelno >= logging.WARNING]


def test_memory_storage_is_announced_at_start(tmp_path, database_url, caplog):
    caplog.set_level(logging.WARNING)
    apps = [create_app(make_config(tmp_path, database_url, ratelimit_enabled=True,
                                   testing=False))]
    messages = [r.getMessage() for r in _warnings(caplog, "webapp.rate_limits")]
    assert len(messages) == 1
    assert PER_PROCESS in messages[0] and "REDIS_URL" in messages[0]
    caplog.clear()
    apps += [
        create_app(make_config(tmp_path, database_url, ratelimit_enabled=True, testing=False,
                               redis_url=_closed_redis_url())),
        create_app(make_config(tmp_path, database_url, ratelimit_enabled=False, testing=False)),
        create_app(make_config(tmp_path, database_url, ratelimit_enabled=True)),  # a test app
    ]
    import click

    with click.Context(click.Command("setup")):  # a `flask` command, which serves nothing
        apps.append(create_app(make_config(tmp_path, database_url, ratelimit_enabled=True,
                                           testing=False)))
    assert _warnings(caplog, "webapp.rate_limits") == []
    for app in apps:
        app_state(app).database.dispose()


def _closed_redis_url() -> str:
    """A Redis URL on a local port where nothing listens: Redis being away."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


def test_redis_outage_is_one_line_and_limits_go_on_per_process(tmp_path, database_url, caplog):
    caplog.set_level(logging.INFO, logger="webapp.rate_limits")
    app = create_app(make_config(tmp_path, database_url, ratelimit_enabled=True,
                                 redis_url=_closed_redis_url(),
                                 ratelimit_per_client="3 per minute"))
    try:
        client = app.test_client()
        assert [step_one(client).status_code for _ in range(5)] == [200, 200, 200, 429, 429]
        lines = _warnings(caplog, "webapp.rate_limits")
        assert len(lines) == 1, [r.getMessage() for r in lines]
        assert "per process until it is back" in lines[0].getMessage()
        assert lines[0].exc_info is None  # one line, no traceback
    finally:
        app_state(app).database.dispose()


def test_limits_go_back_to_redis_once_it_answers_again(redis_app_factory, monkeypatch):
    """During an outage requests count in memory; afterwards in Redis again, by themselves."""
    import redis.exceptions

    from webapp.rate_limits import KEY_PREFIX, RETRY_REDIS_AFTER_SECONDS, rate_limits

    app = redis_app_factory()
    counters = rate_limits.counters(app)
    client = app.test_client()

    def away(**_arguments):
        raise redis.exceptions.ConnectionError("Redis is away")

    monkeypatch.setattr(counters, "_count_all", away)
    assert step_one(client).status_code == 200  # counted in memory
    assert counters.redis.keys(f"{KEY_PREFIX}:*") == []
    monkeypatch.undo()  # Redis answers again; once the wait after a failure has passed:
    counters._redis_failed_at -= RETRY_REDIS_AFTER_SECONDS
    assert step_one(client).status_code == 200
    assert counters.redis.keys(f"{KEY_PREFIX}:*"), "not counted in Redis again"


def test_one_round_trip_to_redis_counts_every_limit_of_a_request(redis_app_factory,
                                                                 monkeypatch):
    """Step two's eight windows (client, /24, /16, e-mail; a minute or hour and a day each)
    are counted by one call to Redis, and so are the headers."""
    import redis

    app = redis_app_factory()
    client = app.test_client()
    fields = letters_form(step_one(client))
    calls = []
    original = redis.Redis.execute_command

    def counted(self, *args, **options):
        calls.append(args[0])
        return original(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", counted)
    response = step_two(client, fields, action="draft")
    monkeypatch.undo()
    assert response.status_code == 200
    assert calls == ["EVALSHA"], calls
    assert response.headers["X-RateLimit-Remaining"] == "99"  # step two's first POST


# --- on Redis: the headers, and every window trips at its number ---------------------------

LOOSE = {"ratelimit_per_client": "100 per minute;1000 per day",
         "ratelimit_per_email": "100 per hour;1000 per day",
         "ratelimit_per_subnet": "100 per minute;1000 per day",
         "ratelimit_per_wide_subnet": "100 per minute;1000 per day"}


@pytest.fixture
def redis_app_factory(tmp_path, database_url):
    """Apps counting their limits in the tests' Redis, its rate-limit keys emptied first."""
    from tests.conftest import REDIS_URL, redis_available, require_or_skip
    from webapp.rate_limits import rate_limits

    require_or_skip(redis_available(), f"Redis not reachable at {REDIS_URL}")
    apps = []

    def make(**settings):
        app = create_app(make_config(tmp_path, database_url, redis_url=REDIS_URL,
                                     ratelimit_enabled=True, **{**LOOSE, **settings}))
        rate_limits.counters(app).reset()  # this process's Redis database: only the limits' keys
        apps.append(app)
        return app

    yield make
    for app in apps:
        app_state(app).database.dispose()


def test_headers_on_redis_say_what_is_left_after_this_request(redis_app_factory):
    # The headers speak of the window with the fewest requests left.
    five = "5 per minute;1000 per day"
    app = redis_app_factory(ratelimit_per_client=five, ratelimit_per_subnet=five,
                            ratelimit_per_wide_subnet=five)
    client = app.test_client()
    seen = []
    for _ in range(3):
        response = step_one(client)
        seen.append((response.headers["X-RateLimit-Limit"],
                     response.headers["X-RateLimit-Remaining"]))
        reset = int(response.headers["X-RateLimit-Reset"])
        assert 0 < reset - time.time() <= 61
        assert 0 < int(response.headers["Retry-After"]) <= 61
    assert seen == [("5", "4"), ("5", "3"), ("5", "2")]


def test_api_headers_on_redis_tell_partners_what_is_left(redis_app_factory):
    from tests.embed.support import add_partner, clear_partners

    app = redis_app_factory(api_ratelimit_per_key="3 per minute;2000 per day")
    clear_partners(app)
    auth = {"Authorization": f"Bearer {add_partner(app)}"}
    client = app.test_client()

    def get():
        return client.get("/api/v1/campaigns", headers=auth)

    first, _, third, refused = get(), get(), get(), get()
    assert [r.headers["X-RateLimit-Remaining"] for r in (first, third)] == ["2", "0"]
    assert refused.status_code == 429 and third.headers["X-RateLimit-Limit"] == "3"


# Each window of each limit of the public forms, set to 2 (the others loose): the third POST
# from one address (with one e-mail address) is refused.
WINDOWS = [(setting, window) for setting in ("ratelimit_per_client", "ratelimit_per_subnet",
                                             "ratelimit_per_wide_subnet")
           for window in ("2 per minute;1000 per day", "100 per minute;2 per day")]
WINDOWS += [("ratelimit_per_email", window)
            for window in ("2 per hour;1000 per day", "100 per hour;2 per day")]


@pytest.mark.parametrize(("setting", "window"), WINDOWS)
def test_every_window_trips_at_its_number_on_redis(redis_app_factory, setting, window):
    app = redis_app_factory(**{setting: window})
    client = app.test_client()
    if setting != "ratelimit_per_email":
        assert [step_one(client).status_code for _ in range(3)] == [200, 200, 429]
        return
    fields = letters_form(step_one(client))
    statuses = [step_two(client, fields, action="draft").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = step_two(client, fields, action="draft")
    assert response.status_code == 429
    # The window that refused it says when.
    when = "in 1 hour." if window.startswith("2 per hour") else "in 1 day."
    assert f"Please try again {when}" in text(response)
