"""The letter browser: filters, keyset pages, a letter's history, and who sees the words."""

from __future__ import annotations

from datetime import timedelta

import pytest

from database import utcnow
from tests.webapp.pages import text
from webapp.app_state import app_state
from webapp.models import Campaign
from webapp.staff import letter_browser
from webapp.staff.letter_browser import LetterFilter

from .letters_data import SLUG, add_submission

PAGE = f"/staff/campaigns/{SLUG}/letters-sent"


@pytest.fixture
def letters(staff_app):
    """Five letters: NL (two, one sent), DE through a partner (bounced), an old FR one, and
    an NL one whose words retention erased. Their ids by name."""
    now = utcnow()
    nl_queued, nl_sent = add_submission(staff_app, country="NL", letters=[
        ("t:nl-minister", "Anna de Vries", "queued"), ("t:nl-mep", "Pieter Jansen", "sent")])
    [de] = add_submission(staff_app, country="DE", partner="greens", letters=[
        ("t:de-minister", "Max Muster", "bounced")])
    [fr] = add_submission(staff_app, country="FR", created_at=now - timedelta(days=10),
                          letters=[("t:fr-minister", "Marie Curie", "delivered")])
    [erased] = add_submission(staff_app, country="NL", erased=True,
                              created_at=now - timedelta(days=40),
                              letters=[("t:nl-minister", "Anna de Vries", "delivered")])
    return {"nl_queued": nl_queued, "nl_sent": nl_sent, "de": de, "fr": fr, "erased": erased}


def shown(response) -> list[int]:
    return shown_ids(text(response))


def shown_ids(page: str) -> list[int]:
    return [int(part.split('"')[0]) for part in page.split('id="letter-')[1:]]


def test_filters(staff_app, letters, viewer):
    everything = shown(viewer.get(PAGE))
    assert everything == sorted(letters.values(), reverse=True)
    assert shown(viewer.get(f"{PAGE}?country=nl")) == sorted(
        [letters["nl_queued"], letters["nl_sent"], letters["erased"]], reverse=True)
    assert shown(viewer.get(f"{PAGE}?state=delivered")) == sorted(
        [letters["erased"], letters["fr"]], reverse=True)
    assert shown(viewer.get(f"{PAGE}?partner=greens")) == [letters["de"]]
    assert shown(viewer.get(f"{PAGE}?target=t:nl-minister&state=queued")) == [
        letters["nl_queued"]]
    today = utcnow().date()
    since = (today - timedelta(days=11)).isoformat()
    until = (today - timedelta(days=9)).isoformat()
    assert shown(viewer.get(f"{PAGE}?since={since}&until={until}")) == [letters["fr"]]
    # What is not a state, a country or a day is ignored, not an error.
    response = viewer.get(f"{PAGE}?state=exploded&country=Netherlands&since=yesterday&before=x")
    assert response.status_code == 200 and len(shown(response)) == 5


def test_counts_follow_the_filter(staff_app, letters, viewer):
    page = text(viewer.get(f"{PAGE}?country=NL"))
    counts = page.split('id="state-counts"')[1].split("</table>")[0]
    assert '<tr data-state="delivered"><td>delivered</td><td>1</td>' in counts
    assert '<tr data-state="queued"><td>queued</td><td>1</td>' in counts
    assert "bounced" not in counts


def test_keyset_pages(staff_app, letters):
    with app_state(staff_app).database.session_factory() as session:
        campaign = session.query(Campaign).filter_by(slug=SLUG).one()
        first = letter_browser.letters_page(session, campaign, LetterFilter(), page_size=2)
        second = letter_browser.letters_page(session, campaign, LetterFilter(),
                                             before=first.next_before, page_size=2)
        third = letter_browser.letters_page(session, campaign, LetterFilter(),
                                            before=second.next_before, page_size=2)
    ids = [row.id for page in (first, second, third) for row in page.rows]
    assert ids == sorted(letters.values(), reverse=True)
    assert third.next_before is None and sum(first.counts.values()) == 5


def test_next_page_link_keeps_the_filter(staff_app, letters, viewer, monkeypatch):
    monkeypatch.setattr(letter_browser, "PAGE_SIZE", 1)
    page = text(viewer.get(f"{PAGE}?country=NL"))
    newest_nl = max(letters["nl_queued"], letters["nl_sent"], letters["erased"])
    assert shown_ids(page) == [newest_nl]
    assert f'before={newest_nl}' in page
    assert "country=NL" in page.split('rel="next"')[1].split(">")[0]


def test_history_and_who_sees_the_words(staff_app, letters, viewer, editor):
    path = f"{PAGE}/{letters['nl_sent']}"
    for client in (viewer, editor):
        page = text(client.get(path))
        assert "now sent" in page and "confirmed" in page  # its two events
    assert "Please sign the treaty." not in text(viewer.get(path))
    assert "Dear Minister," in text(editor.get(path))
    assert "Please sign the treaty." in text(editor.get(path))
    erased = text(editor.get(f"{PAGE}/{letters['erased']}"))
    assert 'id="letter-erased"' in erased and 'id="letter-body"' not in erased


def test_history_of_another_campaigns_or_no_letter(staff_app, letters, editor):
    assert editor.get(f"{PAGE}/999999").status_code == 404
    assert editor.get(f"{PAGE}/{2**31}").status_code == 404
    assert editor.get(f"{PAGE}?before={2**40}").status_code == 200
    assert editor.get(
        f"/staff/campaigns/no-such-campaign/letters-sent/{letters['de']}").status_code == 404
