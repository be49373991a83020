"""The campaign dashboard: every count from known letters, whether counted afresh or kept
(DashboardCount), and the page for viewers and editors."""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from webapp.app_state import app_state
from webapp.models import DashboardCount, DashboardCursor
from webapp.staff import dashboard
from webapp.staff.dashboard import SETTLE, campaign_dashboard

from . import dashboard_data as data
from .conftest import login
from .dashboard_data import DAY_1, DAY_2, EXPECTED, NOW, SLUG

PAGE = f"/staff/campaigns/{SLUG}/dashboard"


@pytest.fixture
def filled(app):
    """The app with the known letters (tests/staff/dashboard_data.py); their ids."""
    with app_state(app).database.session_factory() as session:
        data.clear(session)
        ids = data.fill(session)
        session.commit()
    yield ids
    with app_state(app).database.session_factory() as session:
        data.clear(session)


def _page(app, now):
    state = app_state(app)
    with state.database.session_factory() as session:
        campaign = session.scalars(select(dashboard.Campaign)
                                   .where(dashboard.Campaign.slug == SLUG)).one()
        page = campaign_dashboard(session, campaign, state.directory.get().get, now)
        session.commit()
        return page


def _words(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _assert_known_numbers(page) -> None:
    assert page.letters == EXPECTED["letters"]
    assert page.countries == EXPECTED["countries"]
    assert page.kinds == EXPECTED["kinds"]
    assert page.partners == EXPECTED["partners"]
    assert page.languages == EXPECTED["languages"]
    assert (page.submitted, page.confirmed) == (EXPECTED["submitted"], EXPECTED["confirmed"])
    assert page.confirmation_rate == pytest.approx(3 / 4)
    assert page.drafts == EXPECTED["drafts"]
    states = dict(page.states)
    assert {state: states[state] for state in EXPECTED["states"]} == EXPECTED["states"]
    assert states["held"] == states["cancelled"] == 0
    by_day = dict(zip(page.days, zip(page.written_by_day, page.drafts_by_day, strict=True),
                      strict=True))
    assert by_day[DAY_1.date()] == (2, 4)
    assert by_day[DAY_2.date()] == (3, 2)
    assert sum(page.written_by_day) == 5
    queued = dict(zip(page.days, page.states_by_day["queued"], strict=True))
    assert (queued[DAY_1.date()], queued[DAY_2.date()]) == (2, 3)
    assert page.states_by_day["bounced"][-1] == 1  # today
    assert page.states_by_day["failed"][page.days.index(DAY_2.date())] == 1
    targets = {t.target_id: (t.kind, t.letters) for t in page.targets}
    assert targets == {"t:nl-minister": ("minister", 1), "t:nl-mep": ("mep", 1),
                       "t:gb-minister": ("minister", 1), "mep:999": ("mep", 1),
                       "zz:1": ("unknown", 1)}
    assert page.target_count == 5
    assert {t.name for t in page.targets} >= {"Anna de Vries", "Pieter JANSEN"}


def test_counts_rows_not_yet_kept(app, filled):
    page = _page(app, NOW)
    _assert_known_numbers(page)
    with app_state(app).database.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(DashboardCount)) == 0


def test_many_letters_are_counted_alike(app, filled, monkeypatch):
    """Above BULK_IDS letters the counts join tables instead: the same numbers."""
    monkeypatch.setattr(dashboard, "BULK_IDS", 0)
    _assert_known_numbers(_page(app, NOW))
    _assert_known_numbers(_page(app, NOW + SETTLE))


def test_the_command_counts_what_settled(app, filled):
    runner = app.test_cli_runner()
    with app_state(app).database.session_factory() as session:
        newest = session.scalar(select(func.max(dashboard.Letter.id)))
    assert runner.invoke(args=["staff", "dashboard-counts"]).exit_code == 0
    with app_state(app).database.session_factory() as session:
        cursor = session.get(DashboardCursor, "letter")
        assert (cursor.counted_through, cursor.pending_through) == (0, newest)
        cursor.pending_since = cursor.pending_since - SETTLE
        session.commit()
    result = runner.invoke(args=["staff", "dashboard-counts"])
    assert f"letter {newest}" in result.output
    _assert_known_numbers(_page(app, NOW))


def test_the_delivery_sweep_keeps_the_counts_without_cron(app, filled):
    from webapp.delivery.worker import sweep_and_enqueue

    with app_state(app).database.session_factory() as session:
        newest = session.scalar(select(func.max(dashboard.Letter.id)))
    sweep_and_enqueue(app)
    with app_state(app).database.session_factory() as session:
        cursor = session.get(DashboardCursor, "letter")
        assert (cursor.counted_through, cursor.pending_through) == (0, newest)
        cursor.pending_since = cursor.pending_since - SETTLE
        session.commit()
    sweep_and_enqueue(app)  # a minute later, as the worker's periodic sweep
    with app_state(app).database.session_factory() as session:
        assert session.get(DashboardCursor, "letter").counted_through == newest
        assert session.scalar(select(func.count()).select_from(DashboardCount)) > 0
    _assert_known_numbers(_page(app, NOW))


def test_kept_counts_and_new_rows_add_up_once(app, filled):
    _page(app, NOW)  # notes the newest rows
    assert _page(app, NOW + SETTLE - timedelta(seconds=1)).letters == 5  # not settled yet
    page = _page(app, NOW + SETTLE)  # counts them into DashboardCount
    _assert_known_numbers(page)
    with app_state(app).database.session_factory() as session:
        kept = dict(session.execute(
            select(DashboardCount.measure, func.sum(DashboardCount.count))
            .where(DashboardCount.campaign_id == filled["campaign"])
            .group_by(DashboardCount.measure)).all())
        assert kept["language"] == 5 and kept["submitted"] == 4 and kept["confirmed"] == 3
        # One more letter, to a target written to before, after the counted rows.
        submission = session.scalars(select(dashboard.Submission)
                                     .where(dashboard.Submission.public_id == "dash-gb")).one()
        data.add_letter(session, submission, "t:gb-minister", "en", [("sent", NOW)])
        session.commit()
    for moment in (NOW + SETTLE, NOW + 2 * SETTLE, NOW + 3 * SETTLE):
        page = _page(app, moment)
        assert page.letters == 6
        assert dict(page.countries)["GB"] == 3
        assert dict(page.states)["sent"] == 3
        assert dict(page.states)["queued"] == 6
        assert page.confirmed == 3  # the same submission, not a new one
        assert {t.target_id: t.letters for t in page.targets}["t:gb-minister"] == 2
    with app_state(app).database.session_factory() as session:
        assert session.scalar(select(func.sum(DashboardCount.count))
                              .where(DashboardCount.measure == "language",
                                     DashboardCount.campaign_id == filled["campaign"])) == 6


def test_a_submission_split_by_the_cursor_is_confirmed_once(app, filled):
    """Its first letter among the kept counts, its second counted afresh."""
    with app_state(app).database.session_factory() as session:
        for source in dashboard.SOURCES:
            session.add(DashboardCursor(source=source, counted_through=0,
                                        pending_through=filled["first"],
                                        pending_since=NOW - 2 * SETTLE))
        session.commit()
    page = _page(app, NOW)
    _assert_known_numbers(page)
    with app_state(app).database.session_factory() as session:
        cursor = session.get(DashboardCursor, "letter")
        assert cursor.counted_through == filled["first"]
        assert session.scalar(select(func.sum(DashboardCount.count))
                              .where(DashboardCount.measure == "confirmed",
                                     DashboardCount.campaign_id == filled["campaign"])) == 1


def test_delivery_health(app, filled):
    health = _page(app, NOW).health
    assert health.backlog == {"queued": 2}
    assert health.oldest_queued == DAY_1
    assert health.problems == {"failed": 1, "bounced": 1}
    assert [(r.state, r.reason, r.letters) for r in health.reasons] == [
        ("bounced", "mail service: bounce", 1), ("failed", "mailbox full", 1)]
    assert [p.reason for p in health.pauses] == [data.PAUSE_REASON]


def test_a_letter_retried_after_failing_is_queued_again(app, filled):
    """Letters now in a state are those that reached it and did not leave it."""
    with app_state(app).database.session_factory() as session:
        failed = session.scalars(select(dashboard.Letter)
                                 .where(dashboard.Letter.target_id == "t:gb-minister")).one()
        session.add(dashboard.LetterEvent(letter_id=failed.id, from_state="failed",
                                          to_state="queued", reason="retried by staff",
                                          at=NOW))
        failed.state = "queued"
        session.commit()
    for moment in (NOW, NOW + SETTLE):  # counted afresh, then kept
        page = _page(app, moment)
        assert page.health.backlog == {"queued": 3}
        assert page.health.problems == {"bounced": 1}
        assert dict(page.states)["failed"] == 1  # it did fail, that day
        assert dict(page.states)["queued"] == 6


def test_kind_of_a_target_gone_from_the_directory():
    assert dashboard.kind_of("mep:197490", None) == "mep"
    assert dashboard.kind_of("t:somebody", None) == dashboard.UNKNOWN_KIND


def test_viewers_and_editors_see_the_dashboard(staff_app, filled):
    for role in ("viewer", "editor"):
        browser = staff_app.test_client()
        assert login(browser, role).status_code == 303
        response = browser.get(PAGE + "?lang=en")
        assert response.status_code == 200, role
        page = response.get_data(as_text=True)
        charts = {chart["id"]: chart for chart in json.loads(re.search(
            r'<script type="application/json" id="dashboard-charts">(.*?)</script>',
            page, re.S).group(1))["charts"]}
        assert all(f'<canvas id="{chart_id}"' in page for chart_id in charts)
        assert len(charts) == 5
        assert (charts["chart-countries"]["labels"], charts["chart-countries"]["datasets"][0]
                ["data"]) == (["Netherlands", "United Kingdom"], [3, 2])
        queued = next(s for s in charts["chart-states"]["datasets"] if s["label"] == "Queued")
        assert sum(queued["data"]) == 5
        words = _words(page)
        assert "Letters written 5" in words
        assert "Confirmation rate 75.0%" in words
        assert "Letters opened as drafts 6" in words
        assert "Mailbox full" not in words and "mailbox full" in words
        assert "Queued now 2" in words
        assert "Failed 1" in words and "Bounced 1" in words
        assert "dashboard_test : too many requests" in words
        assert "08:00 to 18:00 (Europe/Amsterdam)" in words
        assert "Letters per target per hour 7" in words
    listing = browser.get("/staff/?lang=en").get_data(as_text=True)
    assert PAGE in listing


def test_the_dashboard_of_an_unknown_campaign_is_not_found(staff_app):
    browser = staff_app.test_client()
    assert browser.get("/staff/campaigns/nothing/dashboard").status_code == 302
    assert login(browser, "viewer").status_code == 303
    assert browser.get("/staff/campaigns/nothing/dashboard").status_code == 404
