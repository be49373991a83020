"""The public summit pages and the letter counter: /summits lists the series, its documents and
who signed what (filtered on the server), a country's page its record, targets and letters,
and the counter counts letters honestly without counting per request."""

from __future__ import annotations

import gzip
import json
import re
import secrets
from datetime import date
from pathlib import Path

import brotli
import pytest
from sqlalchemy import create_engine, delete, event, select, text, update
from sqlalchemy.engine import make_url

from representatives.importers.project import default_document
from representatives.summits import SummitFacts
from tests.apps import make_config, migrate_database
from tests.conftest import POSTGRES_URL, postgres_available, require_or_skip
from webapp import create_app
from webapp.app_state import app_state
from webapp.models import (
    Campaign,
    DraftCount,
    Letter,
    LetterEvent,
    LetterState,
    LetterText,
    Notice,
    Submission,
)
from webapp.momentum import letter_tallies, letter_tally
from webapp.summits.operations import Countdown, countdown, summit_entry

from .flow import SLUG
from .pages import text as page_text

# The shipped summit series with a few of the shipped governments: Germany's page and the
# next host's offices are what the tests read, and they stay apart from the rest of the data.
GOVERNMENTS = {"CH", "DE", "FR", "GB", "NL", "US"}


def shipped_summits(path: Path):
    """A loader for migrate_database: the shipped data, its offices only of GOVERNMENTS, as
    `flask reps import default FILE` imports a campaign's own copy."""
    document = default_document()
    document["offices"] = [o for o in document["offices"] if o["country"] in GOVERNMENTS]
    path.write_text(json.dumps(document), encoding="utf-8")

    def load(app) -> None:
        result = app.test_cli_runner().invoke(args=["reps", "import", "default", str(path)])
        assert result.exit_code == 0, result.output

    return load


def _own_postgres_database() -> str:
    """A database of its own on the test server: the default data must not reach the one the
    other tests share."""
    url = make_url(POSTGRES_URL)
    url = url.set(database=f"{url.database}_summits")
    server = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            if not connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                      {"name": url.database}).scalar():
                connection.execute(text(f'CREATE DATABASE "{url.database}"'))
    finally:
        server.dispose()
    rendered = url.render_as_string(hide_password=False)
    engine = create_engine(rendered)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return rendered


@pytest.fixture(scope="module",
                params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def shipped_url(request, tmp_path_factory) -> str:
    base = tmp_path_factory.mktemp("summits")
    if request.param == "sqlite":
        url = f"sqlite:///{base / 'summits.sqlite3'}"
    else:
        require_or_skip(postgres_available(), "PostgreSQL not reachable")
        url = _own_postgres_database()
    migrate_database(base, url, shipped_summits(base / "default.json"))
    return url


@pytest.fixture
def summits_app(shipped_url, tmp_path):
    app = create_app(make_config(tmp_path, shipped_url))
    with app_state(app).database.session_factory() as session:
        for table in (LetterEvent, Letter, LetterText, Notice, Submission, DraftCount):
            session.execute(delete(table))
        session.execute(update(Campaign).values(letter_goal=None, status="open"))
        session.commit()
    yield app
    app_state(app).database.dispose()


@pytest.fixture
def client(summits_app):
    return summits_app.test_client()


def _campaign_id(app) -> int:
    with app_state(app).database.session_factory() as session:
        return session.scalars(select(Campaign.id).where(Campaign.slug == SLUG)).one()


def _letters(app, country: str, *states: str) -> None:
    """One confirmed submission from `country` with a letter in each of `states`."""
    campaign_id = _campaign_id(app)
    with app_state(app).database.session_factory() as session:
        submission = Submission(public_id=secrets.token_hex(16), form_key=secrets.token_hex(16),
                                campaign_id=campaign_id, supporter_name="Sam",
                                supporter_email="sam@example.org", country=country,
                                language="en")
        session.add(submission)
        session.flush()
        words = LetterText(submission_id=submission.id, subject="A treaty", body="Please.",
                           language="en")
        session.add(words)
        session.flush()
        session.add_all(Letter(submission_id=submission.id, campaign_id=campaign_id,
                               target_id=f"t:{number}", target_name="Someone",
                               to_address="someone@example.org", text_id=words.id, state=state)
                        for number, state in enumerate(states))
        session.commit()


def _drafts(app, country: str, letters: int, day: date = date(2026, 3, 1)) -> None:
    with app_state(app).database.session_factory() as session:
        session.add(DraftCount(campaign_id=_campaign_id(app), day=day, country=country,
                               letters=letters))
        session.commit()


def _rows(page: str) -> dict[str, bool]:
    """The table's rows: country code -> shown (False: on the page but hidden)."""
    return {code: not hidden for hidden, code in re.findall(
        r'<tr data-search="[^"]*"( hidden)?>\s*<th scope="row"><a href="/summits/([A-Z]{2})',
        page)}


# --- /summits ----------------------------------------------------------------------------

def test_the_summits_page_shows_the_series_its_documents_the_table_and_the_map(client):
    page = page_text(client.get("/summits?lang=en"))
    for name in ("AI Safety Summit", "AI Seoul Summit", "AI Action Summit",
                 "India AI Impact Summit", "AI Summit Geneva", "AI Summit 2028"):
        assert f"<h3>{name}</h3>" in page
    assert re.search(r"Nov 1\s*–\s*2, 2023", page)  # Babel puts thin spaces around the dash
    assert "announced for 2027" in page and "announced for 2028" in page
    for status in ("Held", "Next", "Announced"):
        assert f'<span class="summit-status">{status}</span>' in page
    assert ">Statement on Inclusive and Sustainable Artificial Intelligence for People and the " \
           "Planet</a>" in page
    # A table with headers in both directions, its cells in words.
    assert '<th scope="col">Country</th>' in page
    assert '<th scope="row"><a href="/summits/DE?lang=en">Germany</a></th>' in page
    germany = page.split('href="/summits/DE?lang=en"')[1].split("</tr>")[0]
    assert re.findall(r'<td class="act-(\w+)">(\w+)</td>', germany) == [
        ("signed", "Signed"), ("signed", "Signed"), ("signed", "Signed"),
        ("endorsed", "Endorsed")]
    assert set(_rows(page)) >= {"DE", "FR", "US", "GB", "EU"}
    # The map: inline, with a text alternative, coloured by the latest summit with records.
    assert '<svg role="img" aria-labelledby="map-title map-desc"' in page
    assert '<title id="map-title">' in page and '<desc id="map-desc">' in page
    assert re.search(r'<path class="act-endorsed" d="[^"]+"><title>Germany: Endorsed</title>',
                     page)
    # Nothing from anywhere else: every script and style is ours.
    assert not re.search(r'<(script|link)[^>]+(src|href)="(https?:)?//', page)


def test_the_table_filters_on_the_server_by_name_summit_and_act(client):
    rows = _rows(page_text(client.get("/summits?lang=en&q=germ")))
    assert rows["DE"] is True and rows["FR"] is False  # hidden, for the script to show again
    # Accents and case do not matter; the code matches too.
    assert _rows(page_text(client.get("/summits?lang=de&q=OSTERREICH")))["AT"] is True
    assert _rows(page_text(client.get("/summits?lang=en&q=de")))["DE"] is True

    page = page_text(client.get("/summits?lang=en&summit=paris-2025&status=declined"))
    assert _rows(page) == {"GB": True, "US": True}
    assert '<option value="paris-2025" selected>' in page
    assert re.search(r"\b2 of \d+ countries", page)
    assert "Who did what at AI Action Summit" in page  # the map follows the chosen summit

    page = page_text(client.get("/summits?lang=en&q=" + "x" * 500))
    assert 'value="' + "x" * 80 + '"' in page  # kept as typed, cut to the limit
    assert "No country matches this filter." in page


def test_a_filter_the_page_cannot_use_is_said_and_the_rest_kept(client):
    response = client.get("/summits?lang=en&summit=atlantis-2099&status=invaded&q=fra")
    assert response.status_code == 200
    page = page_text(response)
    assert "We do not know that summit, so the table shows every summit." in page
    assert "We do not know that choice" in page
    assert 'value="fra"' in page
    assert _rows(page)["FR"] is True and _rows(page)["DE"] is False


def test_the_pages_speak_the_visitors_language(client):
    assert "Deutschland</a></th>" in page_text(client.get("/summits?lang=de"))
    assert "Germany</a></th>" in page_text(client.get("/summits?lang=en"))
    assert "Allemagne" in page_text(client.get("/summits/DE?lang=fr"))


def test_every_campaign_page_links_to_the_summits_and_shows_the_counter(client):
    page = page_text(client.get(f"/c/{SLUG}?lang=en"))
    assert '<a class="summits-link" href="/summits?lang=en">' in page
    assert 'class="letter-counter"' in page


# --- a country's page ----------------------------------------------------------------------

def test_a_country_page_shows_its_record_targets_letters_and_the_next_summit(summits_app, client):
    _letters(summits_app, "DE", LetterState.SENT, LetterState.DELIVERED)
    _drafts(summits_app, "DE", 3)
    _drafts(summits_app, "FR", 10)
    page = page_text(client.get("/summits/DE?lang=en"))
    assert "<h1>Germany at the AI summits</h1>" in page
    assert "Signed: Seoul Declaration for safe, innovative and inclusive AI" in page
    assert "Endorsed: AI Impact Summit Declaration, New Delhi" in page
    assert 'href="https://www.mea.gov.in/' in page  # where the record is stated
    assert "Government and summit delegation" in page
    assert "Federal Ministry for Digital and State Modernisation" in page
    assert "The host of the next AI summit" in page  # Switzerland, for everyone else
    assert "Supporters in Germany have sent 5 letters in this campaign." in page
    assert "15 letters" in page  # the whole campaign's counter
    assert "AI Summit Geneva" in page and "Its dates are not announced yet." in page
    assert f'href="/c/{SLUG}?country=DE&lang=en">Write to them</a>' in page


def test_the_campaign_page_chooses_the_country_a_country_page_links_with(client):
    page = client.get(f"/c/{SLUG}?country=de&lang=en").get_data(as_text=True)
    assert '<option selected value="DE">' in page
    nonsense = client.get(f"/c/{SLUG}?country=%3Cscript%3E&lang=en")
    assert nonsense.status_code == 200
    assert "<script>" not in nonsense.get_data(as_text=True).split("<main>")[1]


def test_the_countdown_counts_days_when_the_dates_are_known():
    geneva = SummitFacts("geneva-2027", "AI Summit Geneva", "Geneva", "CH",
                         date(2027, 6, 1), date(2027, 6, 3), "next", 2027)
    entry = summit_entry(geneva, "en")
    assert countdown(geneva, "en", date(2027, 5, 22)) == Countdown(entry, 10)
    assert countdown(geneva, "en", date(2027, 6, 2)) == Countdown(entry, 0, under_way=True)
    announced = SummitFacts("geneva-2027", "AI Summit Geneva", "Geneva", "CH", None, None,
                            "next", 2027)
    assert countdown(announced, "en", date(2027, 5, 22)) == Countdown(
        summit_entry(announced, "en"), None)
    assert countdown(None, "en", date(2027, 5, 22)) is None


def test_the_european_unions_page_has_its_record_and_no_targets(client):
    page = page_text(client.get("/summits/EU?lang=en"))
    assert "<h1>European Union at the AI summits</h1>" in page
    assert "Signed: The Bletchley Declaration" in page
    assert "Whom supporters in" not in page


@pytest.mark.parametrize("code", ["ZZ", "XYZ", "de-1", "%3Cscript%3E", "0"])
def test_an_unknown_country_is_a_404_page(client, code):
    response = client.get(f"/summits/{code}?lang=en")
    assert response.status_code == 404
    assert "<html" in response.get_data(as_text=True)


# --- the counter ---------------------------------------------------------------------------

def test_the_counter_counts_letters_sent_and_drafted_and_nothing_else(summits_app):
    _letters(summits_app, "DE", LetterState.SENT, LetterState.DELIVERED, LetterState.QUEUED,
             LetterState.SENDING, LetterState.HELD, LetterState.CANCELLED,
             LetterState.FAILED, LetterState.BOUNCED)
    _letters(summits_app, "FR", LetterState.SENT)
    _drafts(summits_app, "DE", 4)
    _drafts(summits_app, "DE", 1, day=date(2026, 3, 2))
    _drafts(summits_app, "NL", 7)
    # Letters still waiting for their confirmation are no rows in `letter` at all.
    with app_state(summits_app).database.session_factory() as session:
        session.add(Submission(public_id="p" * 32, form_key="f" * 32,
                               campaign_id=_campaign_id(summits_app), supporter_name="Pat",
                               supporter_email="pat@example.org", country="DE", language="en",
                               pending_letters={"version": 1, "texts": [], "letters": []}))
        session.commit()
    campaign_id = _campaign_id(summits_app)
    with summits_app.app_context():
        assert letter_tally(campaign_id, "DE") == 2 + 5
        assert letter_tally(campaign_id, "de") == 7
        assert letter_tally(campaign_id, "FR") == 1
        assert letter_tally(campaign_id, "NL") == 7
        assert letter_tally(campaign_id, "JP") == 0
        assert letter_tally(campaign_id) == 15
        assert letter_tally(campaign_id + 1000) == 0


def test_a_new_letter_shows_once_the_tally_is_counted_again(summits_app):
    campaign_id = _campaign_id(summits_app)
    with summits_app.app_context():
        assert letter_tally(campaign_id) == 0
        _drafts(summits_app, "DE", 2)
        assert letter_tally(campaign_id) == 0  # within the tally's time: as counted
        letter_tallies().clear()
        assert letter_tally(campaign_id) == 2


def test_the_counter_shows_progress_towards_the_goal_staff_set(summits_app, client):
    _letters(summits_app, "DE", LetterState.SENT)
    _drafts(summits_app, "NL", 24)
    with app_state(summits_app).database.session_factory() as session:
        session.execute(update(Campaign).values(letter_goal=100))
        session.commit()
    page = page_text(client.get(f"/c/{SLUG}?lang=en"))
    assert "25 of the 100 letters we aim for" in page
    assert '<progress max="100" value="25" aria-label="25% of the goal">' in page
    assert "the next summit: AI Summit Geneva" in page


def test_the_pages_and_the_counter_issue_no_count_per_request(summits_app, client):
    statements: list[str] = []
    engine = app_state(summits_app).database.engine

    @event.listens_for(engine, "before_cursor_execute")
    def _record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    def counts() -> int:
        """Statements that read letters or drafts (the directory's own checks aside)."""
        return sum(bool(re.search(r"\b(FROM|JOIN) (letter|draft_count)\b", s))
                   for s in statements)

    try:
        assert client.get("/summits/DE?lang=en").status_code == 200
        assert counts() == 1  # the first page counts every country at once
        before = len(statements)
        assert client.get("/summits/DE?lang=en").status_code == 200
        assert len(statements) == before  # kept: no query at all
        for url in ("/summits/FR?lang=en", "/summits?lang=en", "/summits?lang=de",
                    f"/c/{SLUG}?lang=en", f"/c/{SLUG}?lang=nl", "/summits/FR?lang=en"):
            assert client.get(url).status_code == 200
        assert counts() == 1
    finally:
        event.remove(engine, "before_cursor_execute", _record)


def test_a_kept_page_goes_out_compressed_as_each_client_accepts(client):
    plain = client.get("/summits/DE?lang=en")
    assert "Content-Encoding" not in plain.headers
    for encoding, decode in (("gzip", gzip.decompress), ("br", brotli.decompress)):
        first = client.get("/summits/DE?lang=en", headers={"Accept-Encoding": encoding})
        again = client.get("/summits/DE?lang=en", headers={"Accept-Encoding": encoding})
        assert first.headers["Content-Encoding"] == encoding
        assert decode(first.data) == decode(again.data) == plain.data
    vary = {v.strip() for v in plain.headers["Vary"].split(",")}
    assert {"Accept-Language", "Accept-Encoding"} <= vary
    assert plain.headers["Cache-Control"] == "public, max-age=60"
    assert plain.headers["Content-Security-Policy"].startswith("default-src 'self'")


# --- without the shipped data ------------------------------------------------------------

def test_the_pages_hold_with_no_summit_data_and_a_country_chosen_by_district(app):
    """The web tests' directory: no summits at all, and the United States' members of
    Congress chosen by district."""
    client = app.test_client()
    page = page_text(client.get("/summits?lang=en"))
    assert "<h1>The AI summits</h1>" in page
    assert "0 of 0 countries" in page
    assert "<svg" not in page  # no summit to colour the map by
    page = page_text(client.get("/summits/US?lang=en"))
    assert "We have no record of United States at the AI summits." in page
    assert "Members of parliament are elected by district here" in page
    assert f'href="/c/{SLUG}?country=US&lang=en">Write to them</a>' in page
