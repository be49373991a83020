"""Every bad input: a clear message next to the field, the input kept, nothing stored, no 500."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from webapp.app_state import app_state
from webapp.models import Campaign, CampaignStatus, Letter, Submission

from .flow import SLUG, letters_form, step_one, step_two
from .pages import csrf_token, text


def stored(app) -> tuple[int, int]:
    with app_state(app).database.session_factory() as session:
        return (session.scalar(select(func.count()).select_from(Submission)),
                session.scalar(select(func.count()).select_from(Letter)))


def error_next_to(page: str, field: str) -> str:
    """The error text shown inside the field's block."""
    start = page.index(f'id="field-{field}"')
    block = page[start: page.index("</div>", start)]
    assert 'class="error"' in block, f"no error next to {field}"
    return block


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": ""}, "email", "Please give your e-mail address."),
        ({"email": "jane.example.org"}, "email", "does not look like an e-mail address"),
        ({"email": "jane@" + "x" * 260 + ".org"}, "email", "under 254 characters"),
        ({"name": ""}, "name", "Please give your name."),
        ({"name": "J" * 101}, "name", "under 100 characters"),
        ({"name": "Jane\r\nBcc: victim@example.org"}, "name", "single line"),
        ({"name": "Jane\x00Doe"}, "name", "single line"),
        ({"town": "Utrecht\nX"}, "town", "single line"),
        ({"country": "XX"}, "country", "Please choose a country from the list."),
        ({"country": ""}, "country", "Please choose your country."),
        ({"country": "US", "postcode": ""}, "postcode", "we need your postcode"),
        ({"country": "US", "postcode": "00000"}, "postcode", "could not find this postcode"),
        ({"own_words": "x" * 1001}, "own_words", "under 1000 characters"),
    ],
)
def test_step_one_errors(app, client, changes, field, message):
    response = step_one(client, **changes)
    page = text(response)
    assert response.status_code == 422, page
    assert message in error_next_to(page, field)
    # What they typed is kept (for fields we can show).
    if changes.get("name") and "\n" not in changes["name"] and "\x00" not in changes["name"]:
        assert changes["name"] in page
    assert 'value="Jane Doe"' in page or field == "name"
    assert stored(app) == (0, 0)


def test_error_message_in_visitor_language(client):
    page = text(step_one(client, lang="nl", email=""))
    assert "Vul je e-mailadres in." in page


def test_crlf_in_subject_refused_and_letters_kept(app, client):
    fields = letters_form(step_one(client))
    subject = next(k for k, _ in fields if k.endswith("-subject"))
    response = step_two(client, fields, changes={subject: "Hello\r\nBcc: x@example.org"})
    page = text(response)
    assert response.status_code == 422
    assert "single line" in page
    assert "My daughter will grow up" in page  # the letters are still there
    assert stored(app) == (0, 0)


def test_over_long_letter_refused(app, client):
    fields = letters_form(step_one(client))
    body = next(k for k, _ in fields if k.endswith("-body"))
    response = step_two(client, fields, changes={body: "x" * 10001})
    assert response.status_code == 422
    assert "under 10000 characters" in text(response)
    assert stored(app) == (0, 0)


def test_no_target_chosen(app, client):
    fields = [(k, v) for k, v in letters_form(step_one(client)) if not k.endswith("-targets")]
    response = step_two(client, fields)
    assert response.status_code == 422
    assert "choose at least one person" in text(response)
    assert stored(app) == (0, 0)


def test_target_outside_the_match_is_refused(app, client):
    fields = letters_form(step_one(client))
    target = next(k for k, _ in fields if k.endswith("-targets"))
    recipients = next(k for k, _ in fields if k.endswith("-recipients"))
    for changes in ({target: "t:gb-minister"},
                    {recipients: "en:1:t:gb-minister", target: "t:gb-minister"}):
        response = step_two(client, fields, changes=changes)
        assert response.status_code == 422
        assert "has changed" in text(response)
    assert stored(app) == (0, 0)


def test_tampered_letter_language_is_refused(app, client):
    fields = letters_form(step_one(client))
    recipients, value = next((k, v) for k, v in fields if k.endswith("-recipients"))
    response = step_two(client, fields, changes={recipients: "x1" + value[2:]})
    assert response.status_code == 422
    assert "This letter's language is not valid." in text(response)
    assert stored(app) == (0, 0)


def test_tampered_supporter_fields_in_step_two(app, client):
    fields = letters_form(step_one(client))
    response = step_two(client, fields, changes={"email": "not-an-address"})
    page = text(response)
    assert response.status_code == 422
    assert "does not look like an e-mail address" in error_next_to(page, "email")
    assert stored(app) == (0, 0)


def test_missing_csrf_token_rerenders_form(tmp_path, database_url):
    from tests.apps import make_config
    from webapp import create_app

    app = create_app(make_config(tmp_path, database_url))
    client = app.test_client()
    data = {"name": "Jane Doe", "email": "jane@example.org", "country": "NL"}
    response = client.post(f"/c/{SLUG}", data=data)
    page = text(response)
    assert response.status_code == 400
    assert "expired or was sent twice" in page
    assert 'value="Jane Doe"' in page and 'value="jane@example.org"' in page
    assert stored(app) == (0, 0)
    app_state(app).database.dispose()


def test_honeypot_stores_nothing(app, client):
    fields = letters_form(step_one(client))
    response = step_two(client, fields, changes={"website": "http://spam.example"})
    assert response.status_code == 200
    assert stored(app) == (0, 0)


def test_closed_campaign_says_so_and_takes_nothing(app, client):
    fields = letters_form(step_one(client))
    with app_state(app).database.session_factory() as session:
        session.execute(Campaign.__table__.update().values(status=CampaignStatus.CLOSED))
        session.commit()
    assert "has closed" in text(client.get(f"/c/{SLUG}"))
    response = step_two(client, fields)
    assert response.status_code == 409
    assert "has closed" in text(response)
    assert stored(app) == (0, 0)


@pytest.mark.parametrize("token", ["garbage", "InRlc3Qi.abc.def"])
def test_tampered_confirmation_link(client, token):
    page = client.get(f"/c/{SLUG}").get_data(as_text=True)
    posted = client.post(f"/confirm/{token}", data={"csrf_token": csrf_token(page)})
    for response in (client.get(f"/confirm/{token}"), posted):
        assert response.status_code == 410
        assert "not valid" in text(response)


def test_confirming_without_the_csrf_token_shows_the_button_again(app, client):
    fields = letters_form(step_one(client))
    step_two(client, fields)
    with app_state(app).database.session_factory() as session:
        public_id = session.scalar(select(Submission.public_id))
    link = f"/confirm/{app_state(app).confirmation_tokens.make(public_id)}"
    response = client.post(link, data={})
    page = text(response)
    assert response.status_code == 400
    assert "expired or was sent twice" in page
    assert "Yes, send my letters" in page
    with app_state(app).database.session_factory() as session:
        assert session.scalars(select(Letter)).all() == []  # still waiting for confirmation
        assert session.scalar(select(Submission.confirmed_at)) is None
    # The page shown again carries a fresh token, and confirming from it works.
    assert client.post(link, data={"csrf_token": csrf_token(page)}).status_code == 303
    with app_state(app).database.session_factory() as session:
        assert set(session.scalars(select(Letter.state))) == {"queued"}
        assert session.scalar(select(Submission.pending_letters)) is None


def test_expired_confirmation_link(app, client, monkeypatch):
    fields = letters_form(step_one(client))
    step_two(client, fields)
    with app_state(app).database.session_factory() as session:
        public_id = session.scalar(select(Submission.public_id))
    tokens = app_state(app).confirmation_tokens
    token = tokens.make(public_id)
    monkeypatch.setattr(tokens, "max_age_seconds", -1)
    response = client.get(f"/confirm/{token}")
    assert response.status_code == 410
    assert "expired" in text(response)


def test_database_gone_gives_a_clear_page_not_a_500(tmp_path):
    from tests.apps import make_config
    from webapp import create_app

    # Nothing listens on port 1: every connection is refused at once.
    app = create_app(make_config(tmp_path, "postgresql+psycopg://nobody@127.0.0.1:1/none"))
    response = app.test_client().get(f"/c/{SLUG}")
    assert response.status_code == 503
    assert "Please try again in a moment" in text(response)
    app_state(app).database.dispose()
