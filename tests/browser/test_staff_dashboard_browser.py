"""The campaign dashboard in headless Chromium: a viewer sees its charts drawn, with the same
numbers as the tables beside them."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.staff import dashboard_data
from tests.staff.conftest import PASSWORD, reset_staff_tables
from webapp.staff.auth import hash_password


@pytest.fixture
def dashboard_app(live_app):
    reset_staff_tables(live_app.app, hash_password(PASSWORD))
    with live_app.session() as session:
        dashboard_data.fill(session)
        session.commit()
    return live_app


def _drawn(page, chart_id: str) -> dict:
    """What Chart.js drew on the canvas: its labels and the numbers of each dataset."""
    return page.evaluate("""(id) => {
        const chart = Chart.getChart(document.getElementById(id));
        return {labels: chart.data.labels,
                data: chart.data.datasets.map((set) => set.data)};
    }""", chart_id)


@pytest.mark.browser
def test_a_viewer_sees_the_charts_and_their_numbers(dashboard_app, page):
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto("/staff/?lang=en")
    expect(page).to_have_url(re.compile(r"/staff/login"))
    sign_in(page, "viewer")
    page.locator(f"a[href*='/campaigns/{dashboard_data.SLUG}/dashboard']").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dashboard")

    countries = page.locator("#chart-countries")
    expect(countries).to_have_attribute("data-drawn", "1")
    assert countries.bounding_box()["height"] > 100
    assert _drawn(page, "chart-countries") == {"labels": ["Netherlands", "United Kingdom"],
                                               "data": [[3, 2]]}
    rows = page.locator("#by-country tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("td")).to_have_text(["Netherlands", "3"])
    expect(rows.nth(1).locator("td")).to_have_text(["United Kingdom", "2"])

    states = _drawn(page, "chart-states")
    queued = states["data"][0]  # the first state drawn is "queued"
    assert sum(queued) == 5
    assert (queued[-4], queued[-2]) == (2, 3)  # three days ago, yesterday (dashboard_data)
    expect(page.locator("#states-total tbody tr").first.locator("td")).to_have_text(
        ["Queued", "5"])
    expect(page.locator("#chart-kinds")).to_have_attribute("data-drawn", "1")
    expect(page.locator("#dashboard-summary")).to_contain_text("75.0%")
    assert errors == []
