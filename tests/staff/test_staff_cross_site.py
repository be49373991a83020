"""The staff area refuses posts made by other sites' pages, and its pages are never stored
(webapp/security.py)."""

from __future__ import annotations

from sqlalchemy import func, select

from webapp.app_state import app_state
from webapp.models import Campaign
from webapp.staff.models import AuditEntry, StaffSession

from .conftest import PASSWORD, USERS, login, token
from .test_staff_access import SLUG, staff_routes

CROSS_SITE = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
SAME_ORIGIN = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}


def count(app, model) -> int:
    with app_state(app).database.session_factory() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_a_login_from_another_site_is_refused(staff_app):
    client = staff_app.test_client()
    csrf = token(client, "/staff/login")
    form = {"email": USERS["admin"], "password": PASSWORD, "csrf_token": csrf}
    for headers in (CROSS_SITE, {"Sec-Fetch-Site": "same-site"}, {"Origin": "null"}):
        response = client.post("/staff/login", data=form, headers=headers)
        assert response.status_code == 403, headers
    assert count(staff_app, StaffSession) == 0 and count(staff_app, AuditEntry) == 0
    assert client.get("/staff/").status_code == 302  # not signed in
    assert client.post("/staff/login", data=form, headers=SAME_ORIGIN).status_code == 303


def test_every_changing_staff_route_refuses_other_sites(staff_app, admin):
    csrf = token(admin)
    checked = 0
    for endpoint, method, url in staff_routes(staff_app):
        if method == "GET":
            continue
        response = admin.open(url, method=method, headers=CROSS_SITE, data={
            "csrf_token": csrf, "status": "closed", "action": "publish", "role": "viewer"})
        assert response.status_code == 403, (endpoint, method, response.status_code)
        checked += 1
    assert checked >= 8
    with app_state(staff_app).database.session_factory() as session:
        assert session.scalars(select(Campaign.status).where(Campaign.slug == SLUG)).one() == (
            "open")
        assert session.scalars(select(AuditEntry.action)).all() == ["login"]
    assert admin.get("/staff/").status_code == 200  # the cross-site logout did not count


def test_staff_pages_are_not_stored(staff_app, admin):
    pages = ["/staff/", "/staff/users", "/staff/audit", f"/staff/campaigns/{SLUG}",
             f"/staff/campaigns/{SLUG}/letters/en"]
    for path in pages:
        response = admin.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
        assert "camera=()" in response.headers["Permissions-Policy"], path
    signed_out = staff_app.test_client()
    assert signed_out.get("/staff/login").headers["Cache-Control"] == "no-store"
    assert login(signed_out, "editor").headers["Cache-Control"] == "no-store"
