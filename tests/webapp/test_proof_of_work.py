"""The proof of work a campaign can ask for before "send it for me" (ALTCHA), through Flask's
test client: solutions computed with the altcha library's own solver, on a small complexity."""

from __future__ import annotations

import base64
import json
import re
from datetime import timedelta

import pytest
from altcha import Challenge, Payload, solve_challenge
from sqlalchemy import func, select, update
from werkzeug.datastructures import MultiDict

from database import utcnow
from tests.apps import make_config
from tests.embed.support import EMBED, QUERY, add_partner, clear_partners, step_one_form
from tests.webapp.flow import SLUG, letters_form, step_one, step_two
from tests.webapp.pages import text
from webapp import create_app
from webapp.app_state import app_state
from webapp.delivery.retention import purge
from webapp.models import Campaign, DraftCount, Notice, SpentChallenge, Submission
from webapp.supporters.proof_of_work import ProofOfWork

# Small, so that the library's solver (pure Python) finds each solution at once.
COMPLEXITY = 6
CHALLENGE_URL = "/proof-of-work/challenge"
MISSING = "your browser does a short check, which needs JavaScript"
NOT_ACCEPTED = "The check your browser did before sending was not accepted"
EXPIRED = "The check your browser did before sending has expired"


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(make_config(tmp_path, database_url, proof_of_work_complexity=COMPLEXITY))
    yield app
    app_state(app).database.dispose()


def ask_for_proof(app, on: bool = True) -> None:
    with app_state(app).database.session_factory() as session:
        session.execute(update(Campaign).where(Campaign.slug == SLUG).values(proof_of_work=on))
        session.commit()


@pytest.fixture
def proving(app):
    """The default campaign with the proof of work on."""
    ask_for_proof(app)
    return app


def solution_of(challenge: dict) -> str:
    """What the widget sends: the challenge and its solution, base64 JSON."""
    parsed = Challenge.from_dict(challenge)
    solution = solve_challenge(parsed, timeout=30)
    assert solution is not None
    return Payload(parsed, solution).to_base64()


def solve(client) -> str:
    response = client.get(CHALLENGE_URL)
    assert response.status_code == 200
    return solution_of(response.get_json())


def count(app, model) -> int:
    with app_state(app).database.session_factory() as session:
        return session.scalar(select(func.count()).select_from(model))


def stored(app) -> tuple[int, int]:
    return count(app, Submission), count(app, Notice)


def edited(fields) -> list[tuple[str, str]]:
    """Step two's fields with the first letter's text changed by the supporter."""
    return [(k, v + "\nEdited by hand." if k.endswith("-body") and k.startswith("groups-0")
             else v) for k, v in fields]


def test_with_the_setting_off_nothing_changes(app, client):
    response = step_one(client)
    assert "altcha-widget" not in text(response)
    sent = step_two(client, letters_form(response), "send")
    assert sent.status_code == 200, text(sent)
    assert "Please check your inbox" in text(sent)
    assert stored(app) == (1, 1)


def test_step_two_carries_the_self_hosted_widget(proving, client):
    page = text(step_one(client))
    widget = re.search(r"<altcha-widget[^>]*>", page).group(0)
    assert f'challenge="{CHALLENGE_URL}"' in widget and 'auto="onsubmit"' in widget
    assert 'language="en"' in widget
    # Everything it loads comes from our own static files; nothing names another host.
    loaded = re.findall(r'(?:src|href|data-worker)="([^"]*(?:altcha|proof-of-work)[^"]*)"',
                        page)
    # The stylesheet, the worker, the widget, ours, and ours in the head that holds an early press.
    assert len(loaded) == 5
    for address in loaded:
        assert address.startswith("/static/"), address
        response = client.get(address)
        assert response.status_code == 200, address
        response.close()
    # Without JavaScript, the page says so before the button is pressed.
    assert "<noscript>" in page and "needs JavaScript" in page


def test_the_widget_speaks_the_supporters_language(proving, client):
    page = step_one(client, lang="nl").get_data(as_text=True)
    strings = json.loads(re.search(r"data-strings='([^']*)'", page).group(1))
    assert set(strings) >= {"label", "verifying", "verified", "error", "expired"}
    assert "check" not in strings["verifying"].lower()  # Dutch, not English
    assert 'language="nl"' in page


def test_challenges_are_fresh_signed_and_expire(proving, client):
    first, second = client.get(CHALLENGE_URL), client.get(CHALLENGE_URL)
    assert first.headers["Cache-Control"] == "no-store"
    assert first.mimetype == "application/json"
    one, two = first.get_json(), second.get_json()
    assert one["signature"] != two["signature"]
    parameters = one["parameters"]
    assert parameters["algorithm"] == "PBKDF2/SHA-256"
    max_age = app_state(proving).config.proof_of_work_max_age_seconds
    assert 0 < parameters["expiresAt"] - utcnow().timestamp() <= max_age


def test_send_without_a_solution_is_refused_and_stores_nothing(proving, client):
    response = step_one(client)
    fields = edited(letters_form(response))
    refused = step_two(client, fields, "send")
    assert refused.status_code == 422
    page = text(refused)
    assert MISSING in page and "open the letters in your mail app" in page
    # Step two again, the letters as the supporter left them, the same form key.
    again = dict(letters_form(refused))
    assert again["groups-0-body"].endswith("Edited by hand.")
    assert again["form_key"] == dict(fields)["form_key"]
    assert stored(proving) == (0, 0)


def test_a_valid_solution_is_taken_once_and_refused_when_replayed(proving, client):
    payload = solve(client)
    sent = step_two(client, letters_form(step_one(client)), "send",
                    changes={"altcha": payload})
    assert sent.status_code == 200, text(sent)
    assert "Please check your inbox" in text(sent)
    assert stored(proving) == (1, 1)

    # The same solution on another form (a new one-time key): refused, nothing stored.
    response = step_one(client, email="other@example.org")
    fields = edited(letters_form(response))
    replayed = step_two(client, fields, "send", changes={"altcha": payload})
    assert replayed.status_code == 422
    assert NOT_ACCEPTED in text(replayed)
    assert dict(letters_form(replayed))["groups-0-body"].endswith("Edited by hand.")
    assert stored(proving) == (1, 1)

    # A fresh solution on that form goes through.
    sent = step_two(client, fields, "send", changes={"altcha": solve(client)})
    assert sent.status_code == 200, text(sent)
    assert stored(proving) == (2, 2)


def test_the_same_form_sent_twice_with_its_solution_stores_once(proving, client):
    fields = letters_form(step_one(client))
    payload = solve(client)
    first = step_two(client, fields, "send", changes={"altcha": payload})
    second = step_two(client, fields, "send", changes={"altcha": payload})
    assert (first.status_code, second.status_code) == (200, 200)
    assert "Please check your inbox" in text(second)
    assert stored(proving) == (1, 1)


def test_an_expired_solution_is_refused(proving, client):
    # A challenge made with the app's keys, expired a minute ago.
    config = app_state(proving).config
    expired = ProofOfWork(config.secret_key, COMPLEXITY, -60).challenge()
    refused = step_two(client, edited(letters_form(step_one(client))), "send",
                       changes={"altcha": solution_of(expired)})
    assert refused.status_code == 422
    assert EXPIRED in text(refused)
    assert dict(letters_form(refused))["groups-0-body"].endswith("Edited by hand.")
    assert stored(proving) == (0, 0)


def forged_payloads(client) -> list[str]:
    genuine = json.loads(base64.b64decode(solve(client)))
    wrong_key = dict(genuine, solution=dict(genuine["solution"], derivedKey="00" * 32))
    tampered = json.loads(json.dumps(genuine))
    tampered["challenge"]["parameters"]["expiresAt"] += 3600
    other_secret = solution_of(ProofOfWork("another-secret", COMPLEXITY, 600).challenge())

    def encode(value) -> str:
        return base64.b64encode(json.dumps(value).encode()).decode()

    return [
        "not base64 at all!", encode([1, 2]), encode({"challenge": None, "solution": None,
                                                      "test": True}),
        encode(wrong_key), encode(tampered), other_secret, "x" * 100_000,
    ]


def test_wrong_solutions_are_refused_without_an_error(proving, client):
    fields = letters_form(step_one(client))
    for payload in forged_payloads(client):
        refused = step_two(client, fields, "send", changes={"altcha": payload})
        assert refused.status_code == 422, payload[:80]
        assert NOT_ACCEPTED in text(refused)
    assert stored(proving) == (0, 0)


def test_opening_in_the_mail_app_needs_no_proof(proving, client):
    drafted = step_two(client, letters_form(step_one(client)), "draft")
    assert drafted.status_code == 200, text(drafted)
    assert MISSING not in text(drafted)
    assert count(proving, DraftCount) == 1 and stored(proving) == (0, 0)


def test_the_message_is_in_the_supporters_language(proving, client):
    refused = step_two(client, letters_form(step_one(client, lang="nl")), "send", lang="nl")
    assert refused.status_code == 422
    page = text(refused)
    assert MISSING not in page and "JavaScript" in page


def test_spent_challenges_are_forgotten_once_expired(proving, client):
    with app_state(proving).database.session_factory() as session:
        session.add(SpentChallenge(signature="old", form_key="k",
                                   expires_at=utcnow() - timedelta(seconds=1)))
        session.commit()
    sent = step_two(client, letters_form(step_one(client)), "send",
                    changes={"altcha": solve(client)})
    assert sent.status_code == 200, text(sent)
    assert count(proving, SpentChallenge) == 2
    with app_state(proving).database.session_factory() as session:
        purge(session, retention_days=30, confirm_max_age_seconds=3600)
        session.commit()
        assert session.get(SpentChallenge, "old") is None
    assert count(proving, SpentChallenge) == 1


# --- the embed and the API ----------------------------------------------------------------

def embed_letters(client) -> list[tuple[str, str]]:
    response = client.post(EMBED, query_string=QUERY, data=step_one_form(client))
    assert response.status_code == 200, text(response)
    assert "altcha-widget" in text(response)
    return letters_form(response)


def embed_send(client, fields, **extra):
    data = MultiDict([*fields, ("send", "x"), *extra.items()])
    return client.post(f"{EMBED}/letters", query_string=QUERY, data=data)


def test_the_embed_asks_for_the_proof_too(proving):
    clear_partners(proving)
    add_partner(proving)
    client = proving.test_client(use_cookies=False)
    fields = embed_letters(client)
    refused = embed_send(client, fields)
    assert refused.status_code == 422 and MISSING in text(refused)
    assert "Content-Security-Policy" in refused.headers
    assert stored(proving) == (0, 0)
    sent = embed_send(client, fields, altcha=solve(client))
    assert sent.status_code == 200, text(sent)
    assert 'data-letters-done="sent"' in text(sent)
    assert stored(proving) == (1, 1)


def test_the_api_needs_no_proof(proving, client):
    clear_partners(proving)
    key = add_partner(proving)
    response = client.post(
        f"/api/v1/campaigns/{SLUG}/submissions", headers={"Authorization": f"Bearer {key}"},
        json={"supporter": {"name": "Jane Doe", "email": "jane@example.org", "country": "NL"},
              "letters": [{"target_id": "t:nl-minister"}]})
    assert response.status_code == 202, response.get_json()
    assert stored(proving) == (1, 1)
