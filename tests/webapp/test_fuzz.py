"""Property-based fuzz of every public form and the SendGrid webhook, on SQLite and PostgreSQL.

Hypothesis sends arbitrary and near-valid input: step one of the campaign page, step two (a
real letters form, then keys and values changed, repeated, dropped or added), the confirmation
page, the embed's two forms, the staff sign-in and the webhook (any JSON, any headers, signed
or not). Text includes NUL, lone surrogates (sent as their percent-encoded UTF-8 bytes, as a
raw body carries them), line breaks and very long strings. Whatever comes:

- no answer is a server error (with TESTING an exception would propagate and fail too);
- nothing is half-stored: a refused request (status >= 400) leaves the submissions, letters
  and notices as they were; every submission has its confirmation notice, and its letters
  exactly when it was confirmed.

Bounded (a fixed number of examples per form, the same ones on every run) so the whole module
takes some 20 s per back-end. The API has its own fuzz (tests/api/test_api_fuzz.py).
"""

from __future__ import annotations

import json
import time
from collections import Counter

import pytest
from argon2 import PasswordHasher
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import delete, func, select

from tests.apps import make_config
from tests.embed.support import PARTNER, PARTNER_ORIGIN, add_partner, clear_partners
from webapp import create_app
from webapp.app_state import app_state
from webapp.models import Letter, Submission
from webapp.staff import auth
from webapp.staff.models import AuditEntry, Role, StaffSession, StaffUser

from .fake_sendgrid import SIGNATURE, TIMESTAMP, new_signing_key, public_key_text, sign
from .flow import (
    SLUG,
    STREET_ADDRESS,
    confirm_latest,
    letters_form,
    step_one,
    step_two,
    supporter,
)
from .fuzzing import (
    FEWER,
    FORM,
    FUZZ,
    ODD,
    Request,
    any_json,
    any_text,
    check,
    counts,
    form_body,
    header_text,
    json_scalar,
    junk,
    long_in_address,
    long_text,
    mostly,
    mutated,
    odd,
    post_form,
    quoted,
    value,
)
from .pages import csrf_token, form_fields

SUPPORTER_NEAR = {
    "name": ["Jane Doe", "J", "Ægir Þór", "李小龙", "O'Brien-Smith"],
    "email": ["jane@example.org", "jane@exämple.org", "jöse@example.org", "a@b", "@",
              "jane@example", "x@" + "a" * 63 + ".org", "\"jane doe\"@example.org",
              "jane@[127.0.0.1]"],
    "town": ["Utrecht", "Den Haag", ""],
    "country": ["NL", "US", "GB", "JP", "DE", "FR", "nl", "XX", "", "N", "NLD", "EU"],
    "postcode": ["", "94110", "94999", "94110-1234", "00000", "SW1A 1AA", "1012 ab"],
    "own_words": ["My daughter will grow up with whatever we build now.", ""],
    "wants_updates": ["y", "", "n", "on"],
    "website": ["", "http://spam.example"],
}
PUBLIC_KEYS = ["csrf_token", "seal", "form_key", "send", "draft", "website",
               "wants_updates", "embed_token", "partner_consent"]
GROUP_KEYS = [f"groups-{index}-{field}" for index in (0, 1, 2, 7, 39, 40, 99999)
              for field in ("subject", "body", "recipients", "targets")]


def step_one_base(page: str) -> list[tuple[str, str]]:
    """The campaign page's form as a browser sends it (the honeypot and the CSRF token
    included), filled in."""
    fields = {**dict(form_fields(page, f"/c/{SLUG}")), **supporter(), "wants_updates": "y"}
    assert fields["csrf_token"] and "website" in fields
    return list(fields.items())


def letters_near(fields) -> dict:
    """Near-valid values for step two's fields: other targets' ids, other languages."""
    near_values = dict(SUPPORTER_NEAR)
    ids = sorted({v for k, v in fields if k.endswith("-targets")}) + ["mep:0", ""]
    recipients = sorted({v for k, v in fields if k.endswith("-recipients")})
    for key, _ in fields:
        if key.endswith("-targets"):
            near_values[key] = ids
        elif key.endswith("-recipients"):
            near_values[key] = recipients + [r.replace("en:", "xx:", 1) for r in recipients] + [
                r.split(":", 2)[0] + "::" for r in recipients] + ["en:1:" + ",".join(ids)]
        elif key == "form_key":
            near_values[key] = ["A" * 32, "A" * 31, "-" * 32, "A" * 64]
    return near_values


# --- the campaign page -----------------------------------------------------------------------

def test_step_one_takes_anything(app, client):
    page = client.get(f"/c/{SLUG}").get_data(as_text=True)
    base = step_one_base(page)
    before = counts(app)

    seen: Counter[int] = Counter()
    @FUZZ
    @given(request=mutated(base, SUPPORTER_NEAR, PUBLIC_KEYS),
           lang=st.one_of(st.sampled_from(["en", "nl", "de"]), any_text))
    def fuzz(request, lang):
        response = post_form(client, f"/c/{SLUG}", request, query=[("lang", lang)])
        check(app, response, before, may_store=False)
        seen[response.status_code] += 1

    fuzz()
    # The fuzz reached what lies behind the first checks, not only its refusals.
    assert {200} <= set(seen), seen


# Supporters whose letters differ: ministers and MEPs (NL), a postcode and its district (US).
WRITERS = [{}, {"country": "US", "postcode": "94110"}, {"country": "GB"}]


def test_step_two_takes_anything(app, client):
    forms = []
    for writer in WRITERS:
        response = step_one(client, **writer)
        assert response.status_code == 200
        forms.append(letters_form(response))
        assert any(k.endswith("-targets") for k, _ in forms[-1])
    fields = forms[0]
    each_form = st.sampled_from(forms).flatmap(
        lambda form: mutated(form, letters_near(form), PUBLIC_KEYS + GROUP_KEYS))

    seen: Counter[int] = Counter()
    @FUZZ
    @given(request=each_form, action=st.sampled_from(["send", "send", "draft", None]))
    def fuzz(request, action):
        if action:
            request = request._replace(pairs=[*request.pairs, (action, "x")])
        before = counts(app)
        response = post_form(client, f"/c/{SLUG}/letters?lang=en", request)
        check(app, response, before)
        seen[response.status_code] += 1

    fuzz()
    # The fuzz reached what lies behind the first checks, not only its refusals.
    assert {200} <= set(seen), seen
    # The form as it came, sent for me, is still taken once (the fuzz has not broken it).
    assert step_two(client, fields, "send").status_code == 200


def submission_token(app, client) -> str:
    """A real submission waiting for confirmation, and the link to confirm it."""
    assert step_two(client, letters_form(step_one(client)), "send").status_code == 200
    with app_state(app).database.session_factory() as session:
        public_id = session.scalar(select(Submission.public_id).order_by(Submission.id.desc()))
    return app_state(app).confirmation_tokens.make(public_id)


def tampered(token: str) -> st.SearchStrategy[str]:
    return st.one_of(
        st.just(token),
        st.builds(lambda at, odd: token[:at] + odd + token[at:],
                  st.integers(0, len(token)), st.sampled_from(ODD + ["a", ".", "-"])),
        st.builds(lambda at: token[:at], st.integers(0, len(token))),
        st.builds(lambda at: token[:at] + token[at + 1:], st.integers(0, len(token))),
    )


def test_confirm_page_takes_any_token(app, client):
    token = submission_token(app, client)
    form_token = csrf_token(client.get(f"/confirm/{token}").get_data(as_text=True))

    seen: Counter[int] = Counter()
    @FUZZ
    @given(link=mostly(token, st.one_of(tampered(token), any_text, long_in_address, odd),
                       one_in=2),
           method=st.sampled_from(["GET", "POST", "POST", "confirmed"]),
           sent_csrf=mostly(form_token, st.one_of(tampered(form_token), st.none())),
           extra=st.lists(st.tuples(value(["confirm", "csrf_token"]), value()), max_size=2),
           junk=junk)
    def fuzz(link, method, sent_csrf, extra, junk):
        before = counts(app)
        url = f"/confirm/{quoted(link)}"
        if method == "GET":
            response = client.get(url)
        elif method == "confirmed":  # the page after confirming
            response = client.get(f"/confirmed/{quoted(link)}")
        else:
            pairs = [*extra, *([("csrf_token", sent_csrf)] if sent_csrf is not None else [])]
            response = post_form(client, url, Request(pairs, junk, FORM))
        check(app, response, before)
        seen[response.status_code] += 1

    fuzz()
    # The fuzz reached what lies behind the first checks, not only its refusals.
    assert {303} <= set(seen), seen


# --- the embed ---------------------------------------------------------------------------------

EMBED = f"/embed/{PARTNER}/{SLUG}"
EMBED_QUERY = [("origin", PARTNER_ORIGIN), ("lang", "en")]
OTHER_ORIGINS = [PARTNER_ORIGIN, "https://evil.example", "null", "", PARTNER_ORIGIN + "/",
                 "HTTPS://PARTNER.EXAMPLE"]


def embed_query() -> st.SearchStrategy[list]:
    pair = st.tuples(st.sampled_from(["origin", "lang", "accent", "ink", "bg", "country", "x"]),
                     value([PARTNER_ORIGIN, "en", "nl", "#0a7", "#fafafa", "GB", "red;}"],
                           in_address=True))
    return st.one_of(st.just(EMBED_QUERY), st.lists(pair, max_size=4).map(
        lambda extra: [*EMBED_QUERY, *extra]))


@pytest.fixture
def partner(app):
    clear_partners(app)
    add_partner(app)
    yield PARTNER
    clear_partners(app)


def test_embed_forms_take_anything(app, partner):
    client = app.test_client(use_cookies=False)
    page = client.get(EMBED, query_string=dict(EMBED_QUERY))
    assert page.status_code == 200
    step_one_fields = [*form_fields(page.get_data(as_text=True), EMBED), *supporter().items()]
    step_one_fields = list({k: v for k, v in step_one_fields}.items())
    response = client.post(EMBED, query_string=dict(EMBED_QUERY),
                           data=dict(step_one_fields), headers={"Origin": "http://localhost"})
    assert response.status_code == 200
    step_two_fields = letters_form(response)
    embed_token = dict(step_one_fields)["embed_token"]
    near_one = {**SUPPORTER_NEAR, "embed_token": [embed_token], "partner_consent": ["y", ""]}
    near_two = {**letters_near(step_two_fields), "embed_token": [embed_token],
                "partner_consent": ["y", ""]}

    seen: Counter[int] = Counter()
    @FUZZ
    @given(step=st.sampled_from(["one", "two", "two"]),
           one=mutated(step_one_fields, near_one, PUBLIC_KEYS),
           two=mutated(step_two_fields, near_two, PUBLIC_KEYS + GROUP_KEYS),
           action=st.sampled_from(["send", "draft", None]),
           origin=mostly(st.sampled_from([None, "http://localhost"]),
                         st.one_of(st.sampled_from(OTHER_ORIGINS), header_text)),
           query=embed_query(),
           path=mostly((PARTNER, SLUG), st.tuples(
               value([PARTNER, "GREENS", "nobody"], in_address=True),
               value([SLUG, "no-campaign"], in_address=True))))
    def fuzz(step, one, two, action, origin, query, path):
        before = counts(app)
        headers = {} if origin is None else {"Origin": origin}
        url = f"/embed/{quoted(path[0])}/{quoted(path[1])}"
        if step == "one":
            response = post_form(client, url, one, headers, query)
            check(app, response, before, may_store=False)
        else:
            if action:
                two = two._replace(pairs=[*two.pairs, (action, "x")])
            response = post_form(client, f"{url}/letters", two, headers, query)
            check(app, response, before)
            seen[response.status_code] += 1

    fuzz()
    # The fuzz reached what lies behind the first checks, not only its refusals.
    assert {200} <= set(seen), seen


def test_embed_page_takes_any_address(app, partner):
    client = app.test_client(use_cookies=False)
    before = counts(app)

    @FEWER
    @given(query=embed_query(), path=mostly((PARTNER, SLUG), st.tuples(
        value([PARTNER, "nobody"], in_address=True),
        value([SLUG, "no-campaign"], in_address=True))))
    def fuzz(query, path):
        url = f"/embed/{quoted(path[0])}/{quoted(path[1])}?{form_body(query).decode()}"
        check(app, client.get(url), before, may_store=False)

    fuzz()


# --- staff sign-in -----------------------------------------------------------------------------

STAFF_EMAIL = "fuzz@campaign.example"
STAFF_PASSWORD = "correct horse battery staple"
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture
def staff_user(app, monkeypatch):
    monkeypatch.setattr(auth, "hasher", FAST_HASHER)
    with app_state(app).database.session_factory() as session:
        user = StaffUser(email=STAFF_EMAIL, password_hash=FAST_HASHER.hash(STAFF_PASSWORD),
                         role=Role.VIEWER, active=True, session_token=auth.new_session_token())
        session.add(user)
        session.commit()
        user_id = user.id
    yield STAFF_EMAIL
    with app_state(app).database.session_factory() as session:
        for model in (StaffSession, AuditEntry):
            session.execute(delete(model).where(model.user_id == user_id))
        session.execute(delete(StaffUser).where(StaffUser.id == user_id))
        session.commit()


def staff_sessions(app) -> int:
    with app_state(app).database.session_factory() as session:
        return session.scalar(select(func.count()).select_from(StaffSession))


def test_staff_login_takes_anything(app, staff_user):
    # The CSRF token of a session as it comes back to each new client (signing in ends the
    # session, and with it its token): near-valid, so most sign-ins get past it.
    client = app.test_client()
    page = client.get("/staff/login").get_data(as_text=True)
    base = [("email", STAFF_EMAIL), ("password", STAFF_PASSWORD),
            ("csrf_token", csrf_token(page))]
    cookie = client.get_cookie("session")
    near_values = {"email": [STAFF_EMAIL, STAFF_EMAIL.upper(), f" {STAFF_EMAIL} ",
                             "nobody@campaign.example"],
                   "password": [STAFF_PASSWORD, STAFF_PASSWORD.upper(), ""]}
    before = counts(app)

    seen: Counter[int] = Counter()
    @FEWER  # each sign-in checks a password hash
    @given(request=mutated(base, near_values, ["remember", "next"]),
           next_url=st.one_of(st.none(), value(["/staff/", "//evil.example", "https://x.y/",
                                                "/staff/../", "\\\\evil.example"],
                                               in_address=True)))
    def fuzz(request, next_url):
        sessions = staff_sessions(app)
        query = [] if next_url is None else [("next", next_url)]
        browser = app.test_client()
        browser.set_cookie(cookie.key, cookie.value)
        response = post_form(browser, "/staff/login", request, query=query)
        check(app, response, before, may_store=False)
        seen[response.status_code] += 1
        if response.status_code >= 400:
            assert staff_sessions(app) == sessions
        if response.status_code in (302, 303):
            location = response.headers["Location"]
            assert location.startswith("/") and not location.startswith(("//", "/\\")), location

    fuzz()
    # The fuzz reached what lies behind the first checks, not only its refusals.
    assert {303} <= set(seen), seen


# --- the SendGrid webhook ----------------------------------------------------------------------

WEBHOOK = "/webhooks/sendgrid"
SIGNING_KEY = new_signing_key()
OTHER_KEY = new_signing_key()


@pytest.fixture
def webhook_app(database_url, tmp_path):
    # The addresses the fuzz bounces are unmarked before the next test (tests/apps.py).
    app = create_app(make_config(tmp_path, database_url,
                                 sendgrid_webhook_public_key=public_key_text(SIGNING_KEY)))
    yield app
    app_state(app).database.dispose()


EVENT_NAMES = ["processed", "delivered", "bounce", "dropped", "deferred", "open", "click",
               "spamreport", "unsubscribe", "blocked", ""]


def sendgrid_event(letter_ids: list[int]) -> st.SearchStrategy[dict]:
    """An event as SendGrid writes it, about one of our letters, with fields gone odd."""
    now = int(time.time())
    letter_id = st.one_of(st.sampled_from(letter_ids), st.sampled_from(letter_ids).map(str),
                          st.sampled_from(["0", "-1", "2147483648", "1e3", " 1 ", "١"]),
                          json_scalar)
    return st.fixed_dictionaries(
        {"event": st.one_of(st.sampled_from(EVENT_NAMES), json_scalar),
         "letter_id": letter_id,
         "sg_event_id": st.one_of(st.uuids().map(lambda u: u.hex), st.sampled_from(ODD),
                                  long_text, json_scalar)},
        optional={"email": st.one_of(st.sampled_from(["minister@ezk.example.org",
                                                      "pieter.jansen@ep.example.org"]),
                                     json_scalar),
                  "timestamp": st.one_of(st.just(now), st.integers(-2**40, 2**40),
                                         json_scalar),
                  "type": st.sampled_from(["bounce", "blocked", "", None]),
                  "reason": st.one_of(st.sampled_from(["550 5.1.1 no such user",
                                                      "spam content", "quota"]), any_text),
                  "sg_message_id": st.one_of(st.just("14c5d75ce93.filter0001"), json_scalar),
                  "extra": any_json},
    )


def test_webhook_takes_anything(webhook_app):
    app = webhook_app
    client = app.test_client()
    assert step_two(client, letters_form(step_one(client)), "send").status_code == 200
    assert confirm_latest(app, client).status_code == 303
    with app_state(app).database.session_factory() as session:
        letter_ids = list(session.scalars(select(Letter.id)))
    assert letter_ids

    body = st.one_of(
        st.lists(sendgrid_event(letter_ids), max_size=5).map(lambda e: json.dumps(e).encode()),
        any_json.map(lambda data: json.dumps(data).encode()),
        st.binary(max_size=200),
        st.sampled_from([b"", b"[", b"[]", b"{}", b"null", b"[1,2", b'["\\ud800"]',
                         b'[{"sg_event_id": "\\u0000"}]', b"[" * 100_000,
                         b'[{"letter_id": 1}]' + b" " * 10,
                         "[\"\ud800\"]".encode("utf-8", "surrogatepass")]),
    )

    seen: Counter[int] = Counter()
    @FUZZ
    @given(body=body,
           signer=mostly("ours", st.sampled_from(["other", "none", "garbage"]), one_in=4),
           age=mostly(0, st.sampled_from([299, 301, -301, 10**9])),
           stamp=mostly(None, header_text),
           signature=header_text,
           content_type=st.sampled_from(["application/json", "text/plain", None]))
    def fuzz(body, signer, age, stamp, signature, content_type):
        stamp = str(int(time.time()) - age) if stamp is None else stamp
        headers = {TIMESTAMP: stamp}
        if signer == "ours":
            headers[SIGNATURE] = sign(SIGNING_KEY, body, stamp)
        elif signer == "other":
            headers[SIGNATURE] = sign(OTHER_KEY, body, stamp)
        elif signer == "garbage":
            headers[SIGNATURE] = signature
        if content_type:
            headers["Content-Type"] = content_type
        before = counts(app)
        response = client.post(WEBHOOK, data=body, headers=headers)
        after = check(app, response, before, may_store=signer == "ours")
        seen[response.status_code] += 1
        assert response.status_code in (200, 400, 403, 413), response.get_data()[:300]
        assert after.submissions == before.submissions and after.letters == before.letters
        if response.status_code == 200:
            assert response.is_json

    fuzz()
    # The fuzz reached what lies behind the first checks, not only its refusals.
    assert {200} <= set(seen), seen


# --- what the fuzz found -------------------------------------------------------------------------

def test_embed_address_with_nul_in_the_partner_code_is_not_found(app, partner):
    # PostgreSQL refused the partner look-up ("cannot contain NUL"): a 500 for any address.
    client = app.test_client(use_cookies=False)
    for code in ("gre%00ens", "%00", "GREENS", "gr%C3%A9ens"):
        assert client.get(f"/embed/{code}/{SLUG}").status_code == 404
        response = client.post(f"/embed/{code}/{SLUG}", data={"name": "Jane"},
                               headers={"Origin": "http://localhost"})
        assert response.status_code == 404


def test_staff_sign_in_with_nul_in_the_address_is_refused(app, staff_user):
    # PostgreSQL refused the account look-up: a 500 instead of "wrong address or password".
    client = app.test_client()
    page = client.get("/staff/login").get_data(as_text=True)
    response = client.post("/staff/login", data={
        "email": STAFF_EMAIL.replace("@", "\x00@"), "password": STAFF_PASSWORD,
        "csrf_token": csrf_token(page)})
    assert response.status_code == 401
    assert "Wrong e-mail address or password." in response.get_data(as_text=True)
    assert staff_sessions(app) == 0


@pytest.mark.parametrize("country", ["US\r\n", " us ", "US\u2028"])
def test_country_around_white_space_is_stored_as_its_code(app, client, country):
    # The directory strips the country to match it, the form did not: "US\n" matched the US
    # and was stored as it came (PostgreSQL: "value too long for type character varying(2)").
    for action in ("draft", "send"):
        response = step_one(client, country=country, postcode="94110")
        assert response.status_code == 200
        assert step_two(client, letters_form(response), action,
                        changes=STREET_ADDRESS).status_code == 200
    with app_state(app).database.session_factory() as session:
        assert session.scalars(select(Submission.country)).all() == ["US"]
