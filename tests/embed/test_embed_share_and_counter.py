"""The embed's letter counter (the partner's choice) and its share step (our campaign page, or
the partner's own page when the snippet names one of theirs)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import update
from werkzeug.datastructures import MultiDict

from tests.webapp.flow import SLUG
from tests.webapp.pages import form_fields, text
from webapp.app_state import app_state
from webapp.models import Campaign
from webapp.momentum import letter_tallies

from .support import (
    EMBED,
    FRAME_ORIGIN,
    PARTNER_ORIGIN,
    QUERY,
    open_embed,
    signed_in,
    step_one_form,
)

COUNTER = 'class="letter-counter"'  # the campaign page's counter (summits/_summits.html)
PARTNER_PAGE = f"{PARTNER_ORIGIN}/act/treaty?ref=a%20b&x=1#form"  # query and fragment kept


def recount(app, goal: int | None = None):
    """Set the campaign's goal and count again now (the tally is otherwise kept a while)."""
    with app_state(app).database.session_factory() as session:
        session.execute(update(Campaign).where(Campaign.slug == SLUG).values(letter_goal=goal))
        session.commit()
    with app.app_context():
        letter_tallies().clear()


def drafts_page(client, **query):
    """Fill in the frame's form and open its two letters as drafts (which the counter counts),
    with the snippet's `query`; the drafts page."""
    query = {**QUERY, **query}
    letters = client.post(EMBED, query_string=query, data=step_one_form(client),
                          headers=FRAME_ORIGIN)
    assert letters.status_code == 200, text(letters)
    fields = form_fields(letters.get_data(as_text=True), "/letters") + [("draft", "x")]
    drafts = client.post(f"{EMBED}/letters", query_string=query, data=MultiDict(fields),
                         headers=FRAME_ORIGIN)
    assert drafts.status_code == 200, text(drafts)
    return drafts


def whatsapp_text(page: str) -> str:
    link = re.search(r'data-network="whatsapp" href="([^"]+)"', page).group(1)
    return parse_qs(urlsplit(link.replace("&amp;", "&")).query)["text"][0]


def test_the_counter_is_off_unless_the_partner_turns_it_on(client, partner):
    page = text(open_embed(client))
    assert COUNTER not in page
    assert "counter=on" not in page


def counter_section(page: str) -> str:
    """The counter as the page shows it (momentum's view, in the campaign page's words)."""
    found = re.search(r'<section class="letter-counter".*?</section>', page, re.S)
    assert found, "no counter on the page"
    return found.group(0)


def test_the_counter_shows_the_letters_sent_and_the_goal(app, client, partner):
    drafts_page(client)
    recount(app)
    page = text(open_embed(client, counter="on"))
    assert re.search(r"\b2 letters\b", counter_section(page))
    # The choice rides along with the form, so the frame's next pages keep it.
    assert re.search(r'<form [^>]*action="[^"]*counter=on', page)
    recount(app, goal=1000)
    counter = counter_section(text(open_embed(client, counter="on")))
    assert re.search(r"\b2\b", counter) and "1,000" in counter
    assert re.search(r'<progress max="1000" value="2"', counter)


@pytest.mark.parametrize("value", ["1", "true", "ON", "yes"])
def test_only_on_turns_the_counter_on(client, partner, value):
    assert COUNTER not in text(open_embed(client, counter=value))


def test_the_drafts_page_in_the_frame_shares_our_campaign_page(app, client, partner):
    page = text(drafts_page(client))
    assert 'class="share"' in page
    assert whatsapp_text(page).endswith(f" http://127.0.0.1:5000/c/{SLUG}")
    # Nothing in the frame loads from another site.
    assert not re.search(r'<script[^>]+src="(?:https?:)?//', page)


def test_the_partners_own_page_is_shared_when_the_snippet_names_it(app, client, partner):
    page = text(open_embed(client, share=PARTNER_PAGE))
    assert re.search(r'<form [^>]*action="[^"]*share=https', page)
    page = text(drafts_page(client, share=PARTNER_PAGE))
    assert whatsapp_text(page).endswith(" " + PARTNER_PAGE)
    assert f'value="{PARTNER_PAGE}"' in page


@pytest.mark.parametrize("share", [
    "https://evil.example/act",  # not the partner's
    "https://partner.example.evil.example/",  # looks like it, is not
    "https://user@partner.example/act",  # credentials
    "javascript:alert(1)",
    "//partner.example/act",
    "https://partner.example/" + "a" * 2100,
    "https://partner.example/a\tb",
    "https://partner.example/a b",  # not an address as written: encode it (%20)
])
def test_any_other_page_to_share_is_ignored(client, partner, share):
    page = text(open_embed(client, share=share))
    assert "share=" not in page
    drafts = text(drafts_page(client, share=share))
    assert "share=" not in drafts
    assert whatsapp_text(drafts).endswith(f" http://127.0.0.1:5000/c/{SLUG}")


def test_the_builder_offers_the_counter_and_the_page_to_share(app, client, partner):
    signed_in(app, client, "viewer")
    page = text(client.get("/embed/builder"))
    assert re.search(r'<input id="b-counter" name="counter" type="checkbox" value="on"', page)
    assert '<label for="b-counter">' in page
    assert re.search(r'<input id="b-share-url" name="share-url" type="url"', page)
