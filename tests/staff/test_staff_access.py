"""Sign-in, roles and the login-by-default rule of the staff area."""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import select

from tests.apps import make_config
from webapp import create_app
from webapp.app_state import app_state
from webapp.staff.auth import ADMIN_ENDPOINTS, PUBLIC_ENDPOINTS, READ_ONLY_POSTS
from webapp.staff.models import AuditEntry, StaffUser

from .conftest import PASSWORD, USERS, login, reset_staff_tables, token

SLUG = "treaty-at-next-summit"
SAMPLE_ARGS = {"slug": SLUG, "language": "en", "number": 1, "user_id": 1, "letter_id": 1,
               "token": "a" * 32}
# The data desk's records (staff.views.data_desk), from the web tests' directory.
SAMPLE_ARGS |= {"code": "NL", "person_id": "t:nl-minister", "office_id": "t:nl-minister@t:nl-ezk",
                "organisation_id": "t:nl-ezk", "contact_id": 1}


def staff_routes(app):
    """(endpoint, method, url) for every route of the staff blueprint, found in the URL map."""
    routes = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith("staff."):
                continue
            url = rule.build({k: SAMPLE_ARGS[k] for k in rule.arguments})[1]
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                routes.append((rule.endpoint, method, url))
    return routes


def test_the_staff_area_has_the_routes_we_test(staff_app):
    endpoints = {endpoint for endpoint, _m, _u in staff_routes(staff_app)}
    assert {"staff.dashboard", "staff.letter_editor", "staff.users", "staff.audit"} <= endpoints
    assert len(endpoints) >= 14


def test_every_staff_route_is_refused_to_anonymous_visitors(staff_app):
    client = staff_app.test_client()
    checked = 0
    for endpoint, method, url in staff_routes(staff_app):
        if endpoint in PUBLIC_ENDPOINTS:
            continue
        response = client.open(url, method=method)
        if method == "GET":
            assert response.status_code == 302, (endpoint, url)
            assert "/staff/login" in response.headers["Location"]
        else:
            assert response.status_code in (400, 401), (endpoint, method, response.status_code)
        checked += 1
    assert checked >= 14


def test_changing_routes_are_refused_to_viewers(staff_app, viewer):
    csrf = token(viewer)
    checked = 0
    for endpoint, method, url in staff_routes(staff_app):
        if method == "GET" or endpoint in PUBLIC_ENDPOINTS | READ_ONLY_POSTS:
            continue
        response = viewer.open(url, method=method, data={"csrf_token": csrf, "status": "closed",
                                                         "action": "publish", "role": "admin"})
        assert response.status_code == 403, (endpoint, method, response.status_code)
        checked += 1
    assert checked >= 7
    with staff_app.app_context():
        from webapp.models import Campaign

        session = app_state(staff_app).database.session_factory()
        assert session.scalars(select(Campaign.status).where(Campaign.slug == SLUG)).one() == (
            "open")
        session.close()


def test_viewers_can_read(viewer):
    assert viewer.get("/staff/").status_code == 200
    assert viewer.get(f"/staff/campaigns/{SLUG}").status_code == 200
    assert viewer.get(f"/staff/campaigns/{SLUG}/letters/en").status_code == 200


def test_admin_pages_are_refused_to_editors(staff_app, editor):
    for endpoint, method, url in staff_routes(staff_app):
        if endpoint in ADMIN_ENDPOINTS:
            data = {"csrf_token": token(editor)} if method == "POST" else None
            assert editor.open(url, method=method, data=data).status_code == 403, endpoint


def test_wrong_password_is_refused(staff_app):
    client = staff_app.test_client()
    response = login(client, "editor", password="wrong password!")
    assert response.status_code == 401
    assert "Wrong e-mail address or password" in response.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302


def test_unknown_address_gets_the_same_answer(staff_app):
    client = staff_app.test_client()
    page = client.get("/staff/login").get_data(as_text=True)
    from tests.webapp.pages import csrf_token

    response = client.post("/staff/login", data={
        "email": "nobody@example.org", "password": PASSWORD, "csrf_token": csrf_token(page)})
    assert response.status_code == 401


def test_login_redirects_only_within_the_staff_area(staff_app):
    client = staff_app.test_client()
    page = client.get("/staff/login").get_data(as_text=True)
    from tests.webapp.pages import csrf_token

    response = client.post("/staff/login?next=//evil.example/", data={
        "email": USERS["editor"], "password": PASSWORD, "csrf_token": csrf_token(page)})
    assert response.headers["Location"].endswith("/staff/")


def test_sessions_expire_when_idle(staff_app, editor):
    assert editor.get("/staff/").status_code == 200
    with editor.session_transaction() as session:
        session["staff_seen_at"] = time.time() - 31 * 60
    assert editor.get("/staff/").status_code == 302
    # And the session is gone, not just refused once.
    assert editor.get("/staff/").status_code == 302


def test_sessions_expire_after_the_maximum(staff_app, editor):
    with editor.session_transaction() as session:
        session["staff_login_at"] = time.time() - 13 * 3600
    assert editor.get("/staff/").status_code == 302


def test_disabling_an_account_ends_its_sessions(staff_app, admin, editor):
    with app_state(staff_app).database.session_factory() as session:
        user_id = session.scalars(select(StaffUser.id).where(
            StaffUser.email == USERS["editor"])).one()
    response = admin.post(f"/staff/users/{user_id}", data={
        "csrf_token": token(admin), "role": "editor"})  # "active" unticked
    assert response.status_code == 303
    assert editor.get("/staff/").status_code == 302


def test_login_is_rate_limited(tmp_path, database_url, password_hash):
    app = create_app(make_config(tmp_path, database_url, ratelimit_enabled=True,
                                 staff_login_limit="3 per minute"))
    try:
        reset_staff_tables(app, password_hash)
        client = app.test_client()
        codes = [login(client, "editor", password="wrong password!").status_code
                 for _ in range(4)]
        assert codes == [401, 401, 401, 429]
        # Even the right password waits now.
        assert login(client, "editor").status_code == 429
    finally:
        app_state(app).database.dispose()


def test_admin_creates_an_account_and_it_is_audited(staff_app, admin):
    response = admin.post("/staff/users", data={
        "csrf_token": token(admin), "email": "new@campaign.example",
        "password": "a long enough password", "role": "viewer"})
    assert response.status_code == 303
    page = admin.get("/staff/audit").get_data(as_text=True)
    assert "user.create" in page and "new@campaign.example" in page
    assert USERS["admin"] in page


def test_audit_log_records_who_what_when(staff_app, editor):
    editor.post(f"/staff/campaigns/{SLUG}/status",
                data={"csrf_token": token(editor), "status": "paused"})
    with app_state(staff_app).database.session_factory() as session:
        entry = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "campaign.status")).one()
    assert entry.actor == USERS["editor"]
    assert entry.subject == SLUG and entry.detail == "open -> paused"
    assert entry.at is not None


@pytest.mark.parametrize("from_stdin", [True, False])
def test_staff_create_command(staff_app, from_stdin):
    runner = staff_app.test_cli_runner()
    args = ["staff", "create", "First@Campaign.example", "--role", "admin"]
    if from_stdin:
        args.append("--password-stdin")
        given = "a very good password\n"
    else:
        given = "a very good password\na very good password\n"
    result = runner.invoke(args=args, input=given)
    assert result.exit_code == 0, result.output
    assert "created first@campaign.example (admin)" in result.output
    client = staff_app.test_client()
    page = client.get("/staff/login").get_data(as_text=True)
    from tests.webapp.pages import csrf_token

    response = client.post("/staff/login", data={
        "email": "first@campaign.example", "password": "a very good password",
        "csrf_token": csrf_token(page)})
    assert response.status_code == 303
    again = runner.invoke(args=args, input=given)
    assert again.exit_code != 0 and "already" in again.output


def test_short_passwords_are_refused_by_the_command(staff_app):
    result = staff_app.test_cli_runner().invoke(
        args=["staff", "create", "x@campaign.example", "--password-stdin"], input="short\n")
    assert result.exit_code != 0 and "12 characters" in result.output


def test_passwords_are_argon2_hashes(staff_app):
    with app_state(staff_app).database.session_factory() as session:
        hashes = session.scalars(select(StaffUser.password_hash)).all()
    assert hashes and all(re.match(r"^\$argon2id\$", h) for h in hashes)
