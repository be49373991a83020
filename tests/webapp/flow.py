"""Steps of the supporter's way, driven through Flask's test client."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser
from pathlib import Path

from werkzeug.datastructures import MultiDict

from webapp.app_state import app_state

from .pages import csrf_token, form_fields

SLUG = "treaty-at-next-summit"
# Step two's street address, which letters to members of the US Congress and UK MPs carry
# (letters.sender_address): send it with step_two(..., changes=STREET_ADDRESS).
STREET_ADDRESS = {"street_address": "12 Example Street\nSan Francisco, CA 94110"}


def supporter(**changes) -> dict:
    data = {
        "name": "Jane Doe",
        "email": "jane@example.org",
        "town": "Utrecht",
        "country": "NL",
        "postcode": "",
        "own_words": "My daughter will grow up with whatever we build now.",
    }
    data.update(changes)
    return data


def step_one(client, lang="en", **changes):
    """Open the campaign page and send the supporter form; return the response."""
    page = client.get(f"/c/{SLUG}?lang={lang}").get_data(as_text=True)
    data = supporter(**changes)
    data["csrf_token"] = csrf_token(page)
    return client.post(f"/c/{SLUG}?lang={lang}", data=data)


def letters_form(response) -> list[tuple[str, str]]:
    return form_fields(response.get_data(as_text=True), "/letters")


def step_two(client, fields, action="send", lang="en", changes=None):
    """Send the letters form as the browser would, with one of the two buttons."""
    data = list(fields)
    for name, value in (changes or {}).items():
        data = [(k, v) for k, v in data if k != name]
        if value is not None:
            data.append((name, value))
    data.append((action, "x"))
    return client.post(f"/c/{SLUG}/letters?lang={lang}", data=MultiDict(data))


def read_outbox(directory: Path) -> list:
    """Every message the file backend wrote, parsed, oldest first."""
    if not directory.exists():
        return []
    files = sorted(directory.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
    return [BytesParser(policy=policy.default).parsebytes(p.read_bytes()) for p in files]


def run_worker(app):
    """Send what is due now in this process, as `flask delivery worker --once` does."""
    from webapp.delivery.worker import make_worker

    with app.app_context():
        return make_worker(app, with_queue=False).run_once()


def confirm_latest(app, client):
    """Follow the newest submission's confirmation link and press its button, as the
    supporter does; return the POST's response."""
    from sqlalchemy import select

    from webapp.models import Submission

    with app_state(app).database.session_factory() as session:
        public_id = session.scalar(select(Submission.public_id).order_by(Submission.id.desc()))
    link = f"/confirm/{app_state(app).confirmation_tokens.make(public_id)}"
    page = client.get(link).get_data(as_text=True)
    return client.post(link, data={"csrf_token": csrf_token(page)})
