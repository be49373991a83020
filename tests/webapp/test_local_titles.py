"""An office the letter goes to by its title is named in the reader's language where that is the
office's own: the card on a French page says "Président de la République", an English or a
German page the English title; and the letter, written in French, goes to "Président de la
République" whatever the page's language: stored so, on the confirmation page, in the mail's To.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from representatives.tables import ContactDetail, Membership, Organization, Person
from tests.apps import import_shipped_data, migrated_sqlite, running_app
from webapp.app_state import app_state
from webapp.models import Letter, Submission

from .data import SOURCE, load_test_directory
from .flow import SLUG, letters_form, read_outbox, run_worker, step_one, step_two
from .pages import csrf_token, text

ADDRESS = "president@elysee.example.org"
FRENCH, ENGLISH = "Président de la République", "President of the Republic"
FRENCH_BODY = "Présidence de la République (Palais de l'Élysée)"


def _with_the_elysee(app) -> None:
    """The test directory, and France's president as representatives/data/governments/fr.json
    gives the office (titles in English and in French), with a made-up address."""
    load_test_directory(app)
    with app_state(app).database.session_factory() as session:
        session.add_all([
            Organization(id="t:fr-elysee", name="Presidency of the Republic",
                         local_name=FRENCH_BODY, classification="government", country="FR",
                         source=SOURCE),
            Person(id="t:fr-president", name=ENGLISH, by_title=True, source=SOURCE),
        ])
        session.flush()
        session.add_all([
            Membership(id="t:fr-president@t:fr-elysee", person_id="t:fr-president",
                       organization_id="t:fr-elysee", kind="head_of_government", role=ENGLISH,
                       local_role=FRENCH, country="FR", language="fr", source=SOURCE,
                       source_url="https://elysee.example.org", verified_on=date(2026, 12, 3)),
            ContactDetail(person_id="t:fr-president", kind="email", value=ADDRESS,
                          source=SOURCE, source_url="https://elysee.example.org/contact",
                          verified_on=date(2026, 12, 3)),
        ])
        session.commit()


@pytest.fixture(scope="module")
def elysee_database(tmp_path_factory) -> str:
    return migrated_sqlite(tmp_path_factory.mktemp("local-titles"), _with_the_elysee)


@pytest.fixture
def elysee_app(elysee_database, tmp_path):
    with running_app(tmp_path, elysee_database) as app:
        yield app


def _card(page: str, target_id: str = "t:fr-president") -> str:
    start = page.index(f'data-target="{target_id}"')
    return page[start:page.index("</article>", start)]


@pytest.mark.parametrize(("lang", "name", "body"), [
    ("fr", FRENCH, FRENCH_BODY),
    ("en", ENGLISH, "Presidency of the Republic"),
    ("de", ENGLISH, "Presidency of the Republic"),
])
def test_the_card_names_the_office_in_the_pages_language_where_it_is_the_offices(
        elysee_app, lang, name, body):
    response = step_one(elysee_app.test_client(), lang=lang, country="FR", town="Paris")
    assert response.status_code == 200, text(response)
    card = _card(text(response))
    assert f"<strong>{name}</strong>, {body}</span>" in card
    other = ENGLISH if name == FRENCH else FRENCH
    assert other not in card


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_the_letter_in_french_goes_to_the_french_title(elysee_app, lang):
    """A German reader writes to France in French (German is not one of its languages): the
    letter's recipient is the French title, on the confirmation page and in the mail's To."""
    client = elysee_app.test_client()
    fields = letters_form(step_one(client, lang=lang, country="FR", town="Paris"))
    [packed] = [value for name, value in fields if name.endswith("recipients")]
    assert packed.startswith("fr:") and packed.endswith(":t:fr-president"), packed
    assert step_two(client, fields, action="send", lang=lang).status_code == 200

    database = app_state(elysee_app).database
    with database.session_factory() as session:
        submission = session.scalars(select(Submission).order_by(Submission.id.desc())).first()
        assert [p.target_name for p in submission.pending()] == [FRENCH]
    link = f"/confirm/{app_state(elysee_app).confirmation_tokens.make(submission.public_id)}"
    page = text(client.get(f"{link}?lang={lang}"))
    assert f"{FRENCH}" in page and ENGLISH not in page
    assert client.post(link, data={"csrf_token": csrf_token(page)}).status_code == 303
    with database.session_factory() as session:
        letter = session.scalars(select(Letter).where(
            Letter.submission_id == submission.id)).one()
        assert letter.target_name == FRENCH

    run_worker(elysee_app)
    [mail] = [message for message in read_outbox(app_state(elysee_app).config.mail_outbox_dir)
              if message["X-Letter-Id"] == str(letter.id)]
    [to] = mail["To"].addresses
    assert (to.display_name, to.addr_spec) == (FRENCH, ADDRESS)


def test_a_letter_in_english_to_the_office_goes_to_the_english_title(elysee_app):
    """A supporter may write in English instead: the letter then names the office in English."""
    client = elysee_app.test_client()
    fields = letters_form(step_one(client, lang="en", country="FR", town="Paris"))
    index = next(name.split("-")[1] for name, value in fields if name.endswith("recipients"))
    # Choose English in the letter's list of languages and press its "Change" button.
    data = [(k, v) for k, v in fields if k != f"groups-{index}-language"]
    data += [(f"groups-{index}-language", "en"), ("switch", index)]
    switched = letters_form(client.post(f"/c/{SLUG}/letters?lang=en", data=MultiDict(data)))
    assert next(value for name, value in switched
                if name.endswith("recipients")).startswith("en:")
    response = step_two(client, switched, action="send", lang="en")
    assert response.status_code == 200, text(response)
    with app_state(elysee_app).database.session_factory() as session:
        submission = session.scalars(select(Submission).order_by(Submission.id.desc())).first()
        assert [(p.target_name, p.language) for p in submission.pending()] == [(ENGLISH, "en")]


@pytest.fixture(scope="module")
def shipped_database(tmp_path_factory) -> str:
    return migrated_sqlite(tmp_path_factory.mktemp("shipped"), import_shipped_data)


@pytest.mark.parametrize(("lang", "shown", "not_shown"), [
    ("fr", f"<strong>{FRENCH}</strong>, {FRENCH_BODY}", ENGLISH),
    ("en", f"<strong>{ENGLISH}</strong>, Presidency of the Republic", FRENCH),
    ("de", f"<strong>{ENGLISH}</strong>, Presidency of the Republic", FRENCH),
])
def test_the_shipped_french_president_is_named_in_french_on_a_french_page(
        shipped_database, tmp_path, lang, shown, not_shown):
    with running_app(tmp_path, shipped_database) as app:
        response = step_one(app.test_client(), lang=lang, country="FR", town="Paris")
    assert response.status_code == 200, text(response)
    card = _card(text(response), "fr:president")
    assert shown in card and not_shown not in card
