"""Hardening of the staff area: the preview cannot flood a worker's memory, a letter that
supporters could not send cannot be saved, sign-out ends the session on the server, and
sign-in attempts are limited per account as well as per address."""

from __future__ import annotations

import time
import tracemalloc

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from letters.rendering import BODY_MAX_LENGTH, SUBJECT_MAX_LENGTH
from tests.apps import make_config
from tests.webapp.pages import csrf_token
from webapp import create_app
from webapp.app_state import app_state
from webapp.staff.models import TemplateVersion

from .conftest import PASSWORD, USERS, login, reset_staff_tables, token

SLUG = "treaty-at-next-summit"
EDITOR_URL = f"/staff/campaigns/{SLUG}/letters/en"
# A refused preview may take this much memory at its peak, far below what the template builds.
PEAK_BYTES = 50 * 1024 * 1024

BIG = "{% set b = 'x' * 10000 %}{% set b = b ~ b ~ b ~ b ~ b ~ b ~ b ~ b ~ b ~ b %}"
FLOODS = [
    BIG + "{% for c in b[:3000] %}{{ b }}{% endfor %}",
    "{% set b = 'x' * 10000 %}{{ b|wordwrap(1, true, b) }}",
]


def _preview(client, source: str, csrf: str):
    return client.post(f"{EDITOR_URL}/preview", data={
        "csrf_token": csrf, "source": source, "country": "", "target": "", "seed": ""})


# --- 1. the preview cannot make a worker build gigabytes -------------------------------------


def test_a_viewer_cannot_flood_the_preview(staff_app, viewer):
    csrf = token(viewer, EDITOR_URL)
    for body in FLOODS:
        tracemalloc.start()
        started = time.perf_counter()
        response = _preview(viewer, f"subject: x\n---\n{body}\n", csrf)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert response.status_code == 200
        error = response.get_json()["error"]
        assert "too long" in error and "letter" in error, error
        assert peak < PEAK_BYTES
        assert elapsed < 2.0


# --- 2. a letter supporters could not send cannot be saved -----------------------------------


def test_the_form_uses_the_letter_limits():
    from webapp.supporters.forms import LetterGroupFields

    def length_max(field) -> int:
        return next(v.max for v in field.kwargs["validators"] if hasattr(v, "max"))

    assert length_max(LetterGroupFields.subject) == SUBJECT_MAX_LENGTH
    assert length_max(LetterGroupFields.body) == BODY_MAX_LENGTH


def test_an_unsendable_letter_cannot_be_saved_and_the_editor_says_why(staff_app, editor):
    csrf = token(editor, EDITOR_URL)
    cases = [
        ("x", ("word " * 2815)[:14_071], f"{BODY_MAX_LENGTH:,}"),
        ("s" * 371, "Hello.", f"{SUBJECT_MAX_LENGTH}"),
    ]
    for subject, body, limit in cases:
        source = f"subject: {subject}\n---\n{body}\n"
        response = editor.post(EDITOR_URL, data={
            "csrf_token": csrf, "source": source, "action": "publish", "note": "",
            "country": "", "target": "", "seed": ""})
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert limit in page and "characters" in page
        preview = _preview(editor, source, csrf).get_json()
        assert limit in preview["error"]
    with app_state(staff_app).database.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(TemplateVersion)) == 0


def test_what_validation_accepts_the_supporters_form_accepts(staff_app, editor):
    # The longest letter the check lets through, as a browser sends it back unedited.
    from webapp.supporters.forms import LetterGroupFields

    csrf = token(editor, EDITOR_URL)
    subject = "s" * SUBJECT_MAX_LENGTH
    # 99 lines of 99 characters and one more, each line break sent as two: just the limit.
    lines = ["y" * 100] + ["y" * 99] * 98
    source = f"subject: {subject}\n---\n" + "\n".join(lines) + "\n"
    letter = _preview(editor, source, csrf).get_json()
    assert "error" not in letter, letter
    sent = MultiDict({"subject": letter["subject"],
                      "body": letter["body"].replace("\n", "\r\n")})
    with staff_app.test_request_context():
        form = LetterGroupFields(sent)
        form.validate()
        assert not form.subject.errors and not form.body.errors
        # One more character and the form refuses: the check is exactly as strict as the form.
        longer = LetterGroupFields(MultiDict({"subject": subject + "s",
                                              "body": "y" + sent["body"]}))
        longer.validate()
        assert longer.subject.errors and longer.body.errors
    too_long = f"subject: {subject}\n---\ny" + "\n".join(lines) + "\n"
    assert "error" in _preview(editor, too_long, csrf).get_json()


# --- 3. sessions ------------------------------------------------------------------------------


def _session_cookie(app, client) -> str:
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    assert cookie is not None
    return cookie.value


def test_a_session_cookie_copied_before_sign_out_is_refused_after_it(staff_app, editor):
    name = staff_app.config.get("SESSION_COOKIE_NAME", "session")
    assert editor.get("/staff/").status_code == 200
    copied = _session_cookie(staff_app, editor)
    thief = staff_app.test_client()
    thief.set_cookie(name, copied)
    assert thief.get("/staff/").status_code == 200  # the copy works while the session lasts
    response = editor.post("/staff/logout", data={"csrf_token": token(editor)})
    assert response.status_code == 303
    assert editor.get("/staff/").status_code == 302
    replay = staff_app.test_client()
    replay.set_cookie(name, copied)
    response = replay.get("/staff/")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]
    assert replay.post(f"/staff/campaigns/{SLUG}/status", data={
        "csrf_token": token(editor, "/staff/login"), "status": "paused"}).status_code in (400, 401)


def test_signing_out_ends_only_that_session(staff_app):
    first, second = staff_app.test_client(), staff_app.test_client()
    assert login(first, "editor").status_code == 303
    assert login(second, "editor").status_code == 303
    first.post("/staff/logout", data={"csrf_token": token(first)})
    assert first.get("/staff/").status_code == 302
    assert second.get("/staff/").status_code == 200


def test_signing_in_and_out_keeps_the_session_table_small(staff_app):
    from webapp.staff.models import StaffSession

    client = staff_app.test_client()
    for _ in range(3):
        assert login(client, "viewer").status_code == 303
        client.post("/staff/logout", data={"csrf_token": token(client)})
    with app_state(staff_app).database.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(StaffSession)) == 0


def test_a_session_older_than_the_maximum_is_refused_on_the_server(staff_app, editor):
    # The cookie's own times can be kept fresh by whoever holds it; the server's cannot.
    from datetime import timedelta

    from sqlalchemy import update

    from database import utcnow
    from webapp.staff.models import StaffSession

    with app_state(staff_app).database.session_factory() as session:
        session.execute(update(StaffSession).values(created_at=utcnow() - timedelta(hours=13)))
        session.commit()
    with editor.session_transaction() as cookie:
        cookie["staff_login_at"] = time.time()
        cookie["staff_seen_at"] = time.time()
    assert editor.get("/staff/").status_code == 302


def _attempt(client, email: str, password: str, address: str):
    page = client.get("/staff/login", environ_base={"REMOTE_ADDR": address})
    return client.post("/staff/login", environ_base={"REMOTE_ADDR": address}, data={
        "email": email, "password": password,
        "csrf_token": csrf_token(page.get_data(as_text=True))})


def test_login_attempts_are_limited_per_account_across_addresses(
        tmp_path, database_url, password_hash):
    app = create_app(make_config(tmp_path, database_url, ratelimit_enabled=True,
                                 staff_login_limit="3 per minute"))
    try:
        reset_staff_tables(app, password_hash)
        client = app.test_client()
        codes = [_attempt(client, USERS["editor"], "wrong password!", f"10.0.{n}.1").status_code
                 for n in range(5)]
        assert codes == [401, 401, 401, 429, 429]
        # The account waits, from any address, even with the right password; written
        # differently, the address is still the same account.
        assert _attempt(client, USERS["editor"], PASSWORD, "10.0.9.1").status_code == 429
        assert _attempt(client, " Editor@Campaign.Example", PASSWORD,
                        "10.0.9.2").status_code == 429
        # Other accounts are not affected.
        assert _attempt(client, USERS["viewer"], PASSWORD, "10.0.9.3").status_code == 303
    finally:
        app_state(app).database.dispose()


def test_login_attempts_are_still_limited_per_address(tmp_path, database_url, password_hash):
    app = create_app(make_config(tmp_path, database_url, ratelimit_enabled=True,
                                 staff_login_limit="3 per minute"))
    try:
        reset_staff_tables(app, password_hash)
        client = app.test_client()
        codes = [_attempt(client, f"nobody{n}@campaign.example", "wrong password!",
                          "10.1.0.1").status_code for n in range(4)]
        assert codes == [401, 401, 401, 429]
    finally:
        app_state(app).database.dispose()
