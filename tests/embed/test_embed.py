"""The embedded flow through Flask's test client, without any cookie."""

from __future__ import annotations

import gzip
import re

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from tests.apps import make_config
from tests.webapp.flow import SLUG, confirm_latest, read_outbox, run_worker, supporter
from tests.webapp.pages import form_fields, text
from webapp import create_app
from webapp.app_state import app_state
from webapp.models import DraftCount, Submission
from webapp.partners.models import PartnerConsent, PartnerDraftCount

from .support import (
    CONSENT,
    EMBED,
    PARTNER,
    PARTNER_ORIGIN,
    QUERY,
    add_partner,
    clear_partners,
    embed_step_one,
    embed_step_two,
    open_embed,
    signed_in,
)


def cookieless(app):
    # A browser blocking third-party cookies: nothing is kept between requests.
    return app.test_client(use_cookies=False)


def test_loader_is_small_plain_javascript(client):
    response = client.get("/embed.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert len(gzip.compress(response.data, 9)) <= 2048
    assert b"import" not in response.data and b"require(" not in response.data
    assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"


def test_embed_page_is_framed_only_by_the_partner(app, client, partner):
    response = open_embed(client)
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert f"frame-ancestors 'self' {PARTNER_ORIGIN};" in policy
    assert "Set-Cookie" not in response.headers
    page = response.get_data(as_text=True)
    assert 'name="embed_token"' in page and 'name="csrf_token"' not in page
    assert f'data-parent-origin="{PARTNER_ORIGIN}"' in page
    assert f'action="{EMBED}?' in page and "origin=https" in page


def test_embed_refuses_pages_of_other_origins(client, partner):
    response = open_embed(client, origin="https://evil.example")
    assert response.status_code == 403
    # Still only frameable by the partner: the browser blocks it anyway.
    assert PARTNER_ORIGIN in response.headers["Content-Security-Policy"]


def test_unknown_partner_is_404(client, partner):
    assert client.get(f"/embed/nobody/{SLUG}", query_string=QUERY).status_code == 404
    assert client.get(f"/embed/{PARTNER}/no-campaign", query_string=QUERY).status_code == 404


def test_partner_consent_box_is_never_ticked(client, partner):
    page = text(open_embed(client))
    box = re.search(r'<input type="checkbox" id="partner_consent"[^>]*>', page).group(0)
    assert "checked" not in box
    assert CONSENT in page
    assert "https://partner.example/privacy" in page


def test_theme_colours_and_language(client, partner):
    page = text(open_embed(client, accent="#0a7", bg="#fafafa", ink="red;}body{x:1",
                           lang="nl"))
    assert "--accent:#0a7;" in page and "--bg:#fafafa;" in page
    assert "red;}" not in page  # only colours reach the style
    assert '<html lang="nl"' in page
    nonce = re.search(r'<style nonce="([^"]+)"', page).group(1)
    response = open_embed(client, accent="#0a7")
    assert "'nonce-" in response.headers["Content-Security-Policy"]
    assert nonce not in response.headers["Content-Security-Policy"]  # fresh per page


def test_preselected_country(client, partner):
    page = text(open_embed(client, country="gb"))
    assert re.search(r'<option selected value="GB">', page)


def test_draft_without_cookies_counts_for_the_partner(app, partner):
    client = cookieless(app)
    response = embed_step_one(client)
    assert response.status_code == 200, text(response)
    assert "Anna de Vries" in text(response)
    drafted = embed_step_two(client, response, "draft")
    assert drafted.status_code == 200, text(drafted)
    page = text(drafted)
    assert 'data-letters-done="drafted" data-letters="2"' in page
    assert "Set-Cookie" not in drafted.headers
    with app_state(app).database.session_factory() as session:
        assert session.scalar(select(DraftCount.letters)) == 2  # the campaign's total
        row = session.scalars(select(PartnerDraftCount)).one()
        assert (row.partner_code, row.country, row.letters) == (PARTNER, "NL", 2)
        assert session.scalars(select(PartnerConsent)).all() == []


def test_send_without_cookies_records_partner_and_consent(app, partner, outbox):
    client = cookieless(app)
    response = embed_step_one(client, consent=True)
    assert 'name="partner_consent" value="y"' in text(response)
    sent = embed_step_two(client, response, "send")
    assert sent.status_code == 200, text(sent)
    assert 'data-letters-done="sent" data-letters="2"' in text(sent)
    with app_state(app).database.session_factory() as session:
        submission = session.scalars(select(Submission)).one()
        assert submission.partner_code == PARTNER
        assert len(submission.pending()) == 2
        assert submission.partner_consent_text == CONSENT
        # Consent counts once the address is confirmed, not before.
        assert session.scalars(select(PartnerConsent)).all() == []
    # The same confirmation as the web form.
    run_worker(app)
    [confirmation] = read_outbox(outbox)
    assert "/confirm/" in confirmation.get_content()
    assert confirm_latest(app, app.test_client()).status_code == 303
    with app_state(app).database.session_factory() as session:
        [consent] = session.scalars(select(PartnerConsent)).all()
        assert consent.supporter_email == "jane@example.org"
        assert consent.consent_text == CONSENT


def test_no_consent_unless_ticked(app, partner):
    client = cookieless(app)
    response = embed_step_one(client)
    assert 'name="partner_consent"' not in text(response)
    embed_step_two(client, response, "send")
    with app_state(app).database.session_factory() as session:
        assert session.scalars(select(PartnerConsent)).all() == []
        assert session.scalars(select(Submission)).one().partner_code == PARTNER


def test_post_from_another_origin_is_refused(app, partner):
    client = cookieless(app)
    page = open_embed(client)
    data = MultiDict(form_fields(page.get_data(as_text=True), EMBED))
    for name, value in supporter().items():
        data[name] = value
    refused = client.post(EMBED, query_string=QUERY, data=data,
                          headers={"Origin": "https://evil.example"})
    assert refused.status_code == 403
    # The form is posted by the frame, a page of ours: the partner's page posting it is not.
    # (More in test_embed_cross_site.py.)
    refused = client.post(EMBED, query_string=QUERY, data=data,
                          headers={"Origin": PARTNER_ORIGIN})
    assert refused.status_code == 403
    allowed = client.post(EMBED, query_string=QUERY, data=data,
                          headers={"Origin": "http://localhost"})
    assert allowed.status_code == 200


def test_missing_or_foreign_token_shows_the_form_again(app, partner):
    client = cookieless(app)
    data = supporter()
    response = client.post(EMBED, query_string=QUERY, data=data)
    assert response.status_code == 400
    assert "expired" in text(response) and 'name="embed_token"' in text(response)
    assert "Jane Doe" in text(response)  # what they typed is kept
    # A token made for another partner does not pass.
    add_partner(app, code="other", origins=("https://other.example",), consent_text="")
    other = client.get(f"/embed/other/{SLUG}",
                       query_string={"origin": "https://other.example"}).get_data(as_text=True)
    token = re.search(r'name="embed_token" value="([^"]+)"', other).group(1)
    response = client.post(EMBED, query_string=QUERY, data={**data, "embed_token": token})
    assert response.status_code == 400


def test_expired_token_is_refused(tmp_path, database_url):
    app = create_app(make_config(tmp_path, database_url, embed_token_max_age_seconds=-1))
    try:
        clear_partners(app)
        add_partner(app)
        response = embed_step_one(cookieless(app))
        assert response.status_code == 400
    finally:
        app_state(app).database.dispose()


def test_the_builder_is_for_staff(app, client, partner):
    """It lists every partner: anyone else is sent to sign in."""
    response = client.get("/embed/builder")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


def test_builder_lists_partners_and_campaigns(app, client, partner):
    signed_in(app, client, "viewer")
    response = client.get("/embed/builder")
    assert response.status_code == 200
    page = text(response)
    assert f'<option value="{PARTNER}">' in page and f'<option value="{SLUG}">' in page
    assert "embed-builder.js" in page


def test_main_site_is_unchanged_by_the_embed(client):
    page = text(client.get(f"/c/{SLUG}?lang=en"))
    assert 'name="csrf_token"' in page and 'name="embed_token"' not in page
    assert "partner_consent" not in page


def test_an_expired_embed_token_on_step_two_keeps_the_edited_letters(app, partner):
    client = cookieless(app)
    response = embed_step_one(client)
    fields = [(name, "My own edited letter." if name.endswith("-body") else value)
              for name, value in form_fields(response.get_data(as_text=True), "/letters")]
    fields = [(name, "expired" if name == "embed_token" else value) for name, value in fields]
    refused = client.post(f"{EMBED}/letters", query_string=QUERY,
                          data=MultiDict([*fields, ("send", "x")]),
                          headers={"Origin": "http://localhost"})
    assert refused.status_code == 400
    page = text(refused)
    assert "expired or was sent twice" in page and "My own edited letter." in page
    # The page carries a fresh token: sent again, the letters are stored.
    sent = embed_step_two(client, refused, "send")
    assert sent.status_code == 200, text(sent)
    with app_state(app).database.session_factory() as session:
        [submission] = session.scalars(select(Submission)).all()
        assert {letter.text for letter in submission.pending()} == {"My own edited letter."}

