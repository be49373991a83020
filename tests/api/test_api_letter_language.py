"""The API's per-letter language: a letter written in another language the campaign has."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.webapp.flow import SLUG
from webapp.app_state import app_state
from webapp.models import Submission

JANE = {"name": "Jane Doe", "email": "jane@example.org", "town": "Utrecht", "country": "NL"}


def test_render_in_another_language(client, auth):
    response = client.post(f"/api/v1/campaigns/{SLUG}/render", headers=auth,
                           json={"supporter": JANE, "target_id": "t:nl-mep", "language": "de"})
    assert response.status_code == 200, response.get_json()
    letter = response.get_json()
    assert letter["language"] == "de"
    assert letter["body"].startswith("Sehr geehrter Herr Jansen,")
    assert "Vertrag" in letter["body"]


@pytest.mark.parametrize("language", ["tlh", "fr-ca", "", 12, ["de"]])
def test_a_language_the_campaign_does_not_have_is_refused(app, client, auth, language):
    render = client.post(f"/api/v1/campaigns/{SLUG}/render", headers=auth,
                         json={"supporter": JANE, "target_id": "t:nl-mep",
                               "language": language})
    assert render.status_code == 422
    assert "One of the campaign's languages" in render.get_json()["error"]["fields"][
        "language"][0]
    submit = client.post(f"/api/v1/campaigns/{SLUG}/submissions", headers=auth,
                         json={"supporter": JANE, "letters": [
                             {"target_id": "t:nl-mep", "language": language}]})
    assert submit.status_code == 422
    assert "letters[0].language" in submit.get_json()["error"]["fields"]
    with app_state(app).database.session_factory() as session:
        assert session.scalars(select(Submission)).all() == []


def test_submitted_letters_keep_the_language_asked_for(app, client, auth):
    response = client.post(f"/api/v1/campaigns/{SLUG}/submissions", headers=auth, json={
        "supporter": JANE, "letters": [
            {"target_id": "t:nl-mep", "language": "fr"},
            {"target_id": "t:nl-minister", "language": "en", "subject": "A treaty",
             "body": "Dear Minister,\n\nA treaty, please.\n\nJane"}]})
    assert response.status_code == 202, response.get_json()
    with app_state(app).database.session_factory() as session:
        letters = {letter.target_id: letter
                   for letter in session.scalars(select(Submission)).one().pending()}
    assert letters["t:nl-mep"].language == "fr" and "traité" in letters["t:nl-mep"].body
    assert letters["t:nl-minister"].language == "en"
