"""Partners for the embed and API tests, made through the same service the commands use, and
the embed's two steps through Flask's test client."""

from __future__ import annotations

from sqlalchemy import delete
from werkzeug.datastructures import MultiDict

from tests.webapp.flow import SLUG, supporter
from tests.webapp.pages import form_fields, text
from webapp.app_state import app_state
from webapp.partners import service
from webapp.partners.models import ApiKey, Partner, PartnerConsent, PartnerDraftCount

PARTNER = "greens"
PARTNER_ORIGIN = "https://partner.example"
CONSENT = "Yes, Greens for AI Safety may e-mail me about their work."

EMBED = f"/embed/{PARTNER}/{SLUG}"
QUERY = {"origin": PARTNER_ORIGIN, "lang": "en"}
# What the embed's own frame sends with its posts (a document of our origin).
FRAME_ORIGIN = {"Origin": "http://localhost"}


def add_partner(app, code=PARTNER, origins=(PARTNER_ORIGIN,), consent_text=CONSENT,
                privacy_url="https://partner.example/privacy", name="Greens for AI Safety"):
    """Create a partner (and return a fresh API key for it)."""
    with app_state(app).database.session_factory() as session:
        partner = service.create_partner(session, code=code, name=name, origins=list(origins),
                                         privacy_url=privacy_url, consent_text=consent_text)
        key = service.create_key(session, partner, "tests")
        session.commit()
    return key


def clear_partners(app) -> None:
    """PostgreSQL keeps its tables between tests (see tests/conftest.py): start empty."""
    with app_state(app).database.session_factory() as session:
        for model in (PartnerConsent, PartnerDraftCount, ApiKey, Partner):
            session.execute(delete(model))
        session.commit()


def open_embed(client, **query):
    return client.get(EMBED, query_string={**QUERY, **query})


def step_one_form(client, consent: bool = False, **changes) -> MultiDict:
    """The embed's first form as served, filled in by the supporter (`flow.supporter`)."""
    page = open_embed(client)
    assert page.status_code == 200, text(page)
    data = MultiDict(form_fields(page.get_data(as_text=True), EMBED))
    for name, value in supporter(**changes).items():
        data[name] = value
    if consent:
        data["partner_consent"] = "y"
    return data


def embed_step_one(client, consent: bool = False, **changes):
    """Send the embed's first form from its frame; the response (the letters form)."""
    return client.post(EMBED, query_string=QUERY, data=step_one_form(client, consent, **changes),
                       headers=FRAME_ORIGIN)


def embed_step_two(client, response, action):
    """Send the letters form of `response` with one of its two buttons ("send", "draft")."""
    fields = form_fields(response.get_data(as_text=True), "/letters") + [(action, "x")]
    return client.post(f"{EMBED}/letters", query_string=QUERY, data=MultiDict(fields),
                       headers=FRAME_ORIGIN)


def signed_in(app, client, role: str) -> None:
    """`client` signed in to the staff area as `role` (tests/staff/conftest.py's accounts)."""
    from tests.staff.conftest import FAST_HASHER, PASSWORD, login, reset_staff_tables

    reset_staff_tables(app, FAST_HASHER.hash(PASSWORD))
    assert login(client, role).status_code == 303
