"""The staff page that steers sending, and the operations it shares with `flask delivery`."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.webapp.pages import text
from webapp.app_state import app_state
from webapp.delivery.controls import (
    DeliveryChange,
    DeliveryControlError,
    change_delivery,
    lift_pauses,
    parse_window,
)
from webapp.models import Campaign, DeliveryPause

from .conftest import token
from .letters_data import SLUG, audit_actions

PAGE = f"/staff/campaigns/{SLUG}/delivery"


def campaign(app) -> Campaign:
    with app_state(app).database.session_factory() as session:
        row = session.scalar(select(Campaign).where(Campaign.slug == SLUG))
        session.expunge(row)
        return row


@pytest.fixture
def delivery_app(staff_app):
    yield staff_app
    with app_state(staff_app).database.session_factory() as session:
        session.query(DeliveryPause).delete()
        row = session.scalar(select(Campaign).where(Campaign.slug == SLUG))
        row.send_window_tz, row.sending_paused, row.test_recipient = "UTC", False, None
        row.send_window_start = row.send_window_end = row.per_target_hourly_cap = None
        session.commit()


def add_pause(app, reason: str = "auth") -> None:
    with app_state(app).database.session_factory() as session:
        session.add(DeliveryPause(reason=reason, detail="401 from the mail service"))
        session.commit()


def post(client, path: str, **data):
    return client.post(f"{PAGE}{path}", data={"csrf_token": token(client, PAGE), **data})


# --- the operations ------------------------------------------------------------------------


def test_change_is_checked_whole_before_anything_is_set(delivery_app):
    with app_state(delivery_app).database.session_factory() as session:
        row = session.scalar(select(Campaign).where(Campaign.slug == SLUG))
        with pytest.raises(DeliveryControlError) as refused:
            change_delivery(session, row, DeliveryChange(
                stop=True, cap=5, window=(9, 17), time_zone="Mars/Olympus"))
        assert refused.value.field == "time_zone"
        assert not row.sending_paused and row.per_target_hourly_cap is None
        assert change_delivery(session, row, DeliveryChange(
            cap=5, window=(22, 6), time_zone="Europe/Amsterdam",
            test_recipient=" Staff@Campaign.example ")) == [
            "cap=5", "window_start=22", "window_end=6", "time_zone=Europe/Amsterdam",
            "test_recipient=Staff@campaign.example"]
        # The same again changes nothing; 0 and "" turn the cap and test mode off.
        assert change_delivery(session, row, DeliveryChange(cap=5, window=(22, 6))) == []
        assert change_delivery(session, row, DeliveryChange(cap=0, test_recipient="",
                                                            window=())) == [
            "cap=", "window_start=", "window_end=", "test_recipient="]


@pytest.mark.parametrize("change, field", [
    (DeliveryChange(window=(9, 9)), "window"),
    (DeliveryChange(window=(24, 3)), "window"),
    (DeliveryChange(cap=-1), "cap"),
    (DeliveryChange(test_recipient="not an address"), "test_recipient"),
])
def test_refused_changes(delivery_app, change, field):
    with app_state(delivery_app).database.session_factory() as session:
        row = session.scalar(select(Campaign).where(Campaign.slug == SLUG))
        with pytest.raises(DeliveryControlError) as refused:
            change_delivery(session, row, change)
        assert refused.value.field == field


@pytest.mark.parametrize("typed, window", [("9-17", (9, 17)), (" 22-6 ", (22, 6)), ("", ())])
def test_parse_window(typed, window):
    assert parse_window(typed) == window


@pytest.mark.parametrize("typed", ["9", "9-", "a-b", "9:00-17:00"])
def test_parse_window_refuses(typed):
    with pytest.raises(DeliveryControlError):
        parse_window(typed)


def test_lift_pauses(delivery_app):
    add_pause(delivery_app, "auth")
    add_pause(delivery_app, "rate_limit")
    with app_state(delivery_app).database.session_factory() as session:
        assert lift_pauses(session) == ["auth", "rate_limit"]
        assert lift_pauses(session) == []
        session.commit()
        assert session.scalars(select(DeliveryPause)).all() == []


def test_command_uses_the_same_rules(delivery_app):
    runner = delivery_app.test_cli_runner()
    result = runner.invoke(args=["delivery", "campaign", SLUG, "--window", "9-17",
                                 "--tz", "Asia/Tokyo", "--cap", "4"])
    assert result.exit_code == 0, result.output
    assert "window 9-17 Asia/Tokyo" in result.output and "cap 4/hour" in result.output
    refused = runner.invoke(args=["delivery", "campaign", SLUG, "--tz", "Nowhere/Town"])
    assert refused.exit_code != 0
    assert "--tz: not a time zone; give an IANA name" in refused.output
    refused = runner.invoke(args=["delivery", "campaign", SLUG, "--window", "9"])
    assert "--window: give the window as two hours, such as 9-17" in refused.output
    assert campaign(delivery_app).send_window_tz == "Asia/Tokyo"


# --- the staff page ------------------------------------------------------------------------


def test_viewer_sees_the_state_but_cannot_change_it(delivery_app, viewer):
    add_pause(delivery_app)
    page = text(viewer.get(PAGE))
    assert "Sending on" in page and "401 from the mail service" in page
    assert "Stop sending" not in page and "Lift the pause" not in page
    response = viewer.post(f"{PAGE}/sending", data={"csrf_token": token(viewer, PAGE),
                                                    "sending": "stop"})
    assert response.status_code == 403
    assert not campaign(delivery_app).sending_paused


def test_editor_stops_and_resumes_sending(delivery_app, editor):
    response = post(editor, "/sending", sending="stop")
    assert response.status_code == 303
    assert campaign(delivery_app).sending_paused
    assert "Sending stopped" in text(editor.get(PAGE))
    post(editor, "/sending", sending="go")
    assert not campaign(delivery_app).sending_paused
    actions = [(a, s) for _, a, s, _ in audit_actions(delivery_app) if a.startswith("delivery")]
    assert actions == [("delivery.stop", f"campaign/{SLUG}"), ("delivery.go", f"campaign/{SLUG}")]


def test_editor_changes_the_settings(delivery_app, editor):
    response = post(editor, "/settings", window_start="8", window_end="18",
                    time_zone="Europe/Paris", cap="3", test_recipient="staff@campaign.example")
    assert response.status_code == 303
    row = campaign(delivery_app)
    assert (row.send_window_start, row.send_window_end, row.send_window_tz,
            row.per_target_hourly_cap, row.test_recipient) == (
        8, 18, "Europe/Paris", 3, "staff@campaign.example")
    page = text(editor.get(PAGE))
    assert "8:00–18:00 (Europe/Paris)" in page and "staff@campaign.example" in page
    [entry] = [e for e in audit_actions(delivery_app) if e[1] == "delivery.settings"]
    assert entry[0] == "editor@campaign.example" and "time_zone=Europe/Paris" in entry[3]


@pytest.mark.parametrize("fields, message", [
    ({"time_zone": "Mars/Olympus"}, "Choose a time zone from the list."),
    ({"window_start": "9"}, "Give both hours of the window, or neither."),
    ({"window_start": "9", "window_end": "9"},
     "The window must not start and end at the same hour."),
    ({"window_start": "25", "window_end": "3"}, "An hour from 0 to 23."),
    ({"cap": "-4"}, "A whole number from 1 to 100000, or empty."),
    ({"test_recipient": "=cmd|' /C calc'!A0"}, "Not an e-mail address."),
])
def test_bad_settings_are_refused_and_kept_in_the_form(delivery_app, editor, fields, message):
    data = {"window_start": "", "window_end": "", "time_zone": "UTC", "cap": "",
            "test_recipient": "", **fields}
    response = post(editor, "/settings", **data)
    assert response.status_code == 400
    page = text(response)
    assert message in page
    for value in fields.values():
        if value and value != "Mars/Olympus":
            assert f'value="{value}"' in page
    row = campaign(delivery_app)
    assert (row.send_window_start, row.send_window_tz, row.per_target_hourly_cap,
            row.test_recipient) == (None, "UTC", None, None)
    assert not [e for e in audit_actions(delivery_app) if e[1] == "delivery.settings"]


def test_editor_lifts_the_mail_services_pause(delivery_app, editor):
    add_pause(delivery_app)
    assert "Lift the pause" in text(editor.get(PAGE))
    response = post(editor, "/resume")
    assert response.status_code == 303
    with app_state(delivery_app).database.session_factory() as session:
        assert session.scalars(select(DeliveryPause)).all() == []
    assert [e[3] for e in audit_actions(delivery_app) if e[1] == "delivery.resume"] == ["auth"]
    again = editor.post(f"{PAGE}/resume", data={"csrf_token": token(editor, PAGE)},
                        follow_redirects=True)
    assert "Sending was not paused." in text(again)
    assert len([e for e in audit_actions(delivery_app) if e[1] == "delivery.resume"]) == 1


def test_unknown_campaign_and_bad_action(delivery_app, editor):
    assert editor.get("/staff/campaigns/no-such-campaign/delivery").status_code == 404
    assert post(editor, "/sending", sending="explode").status_code == 400


def test_campaign_page_links_the_new_pages(delivery_app, viewer):
    page = text(viewer.get(f"/staff/campaigns/{SLUG}"))
    assert f"/staff/campaigns/{SLUG}/delivery" in page
    assert f"/staff/campaigns/{SLUG}/letters-sent" in page
    assert "supporters.csv" not in page  # editors only
