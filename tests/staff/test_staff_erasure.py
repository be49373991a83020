"""Staff erase a supporter's data by address: editors only, audited without the address."""

from __future__ import annotations

from sqlalchemy import select

from tests.webapp.pages import csrf_token, text
from tests.webapp.personal_data import where_found
from tests.webapp.test_erasure import WILMA, _engine, _personal, _send_letters
from webapp.app_state import app_state
from webapp.models import Submission
from webapp.staff.models import AuditEntry

from .conftest import login


def test_staff_erase_by_address_audited_without_it(staff_app, outbox):
    app = staff_app
    client = app.test_client()
    _send_letters(client)
    assert login(client, "editor").status_code == 303
    page = client.get("/staff/erasure")
    assert page.status_code == 200
    assert f"{app_state(app).config.contact_retention_months} months" in text(page)
    token = csrf_token(page.get_data(as_text=True))

    bad = client.post("/staff/erasure", data={"csrf_token": token, "email": "not an address"})
    assert bad.status_code == 422 and 'value="not an address"' in text(bad)

    done = client.post("/staff/erasure", data={"csrf_token": token, "email": WILMA["email"]},
                       follow_redirects=True)
    assert done.status_code == 200 and "Erased: 1 submission" in text(done)
    assert where_found(_engine(app), _personal()) == []
    with app_state(app).database.session_factory() as session:
        [entry] = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "supporter.erase")).all()
        assert entry.detail.startswith("submissions=1 ")
        assert WILMA["email"] not in f"{entry.subject} {entry.detail}"


def test_staff_viewers_cannot_erase(staff_app):
    client = staff_app.test_client()
    _send_letters(client)
    assert login(client, "viewer").status_code == 303
    page = client.get("/staff/erasure")
    assert page.status_code == 200 and "Only editors" in text(page)
    refused = client.post("/staff/erasure", data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), "email": WILMA["email"]})
    assert refused.status_code == 403
    with app_state(staff_app).database.session_factory() as session:
        assert session.scalar(select(Submission.supporter_email)) == WILMA["email"]
