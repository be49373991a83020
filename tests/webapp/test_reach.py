"""Every supporter has someone to write to: the country list says what each country can do, the
next summit's host is offered to all, each card shows where its address comes from, and what a
supporter knows about the data reaches staff."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, update

from representatives.tables import ContactDetail, Membership, Organization, Person, Summit
from tests.apps import migrated_sqlite, running_app
from webapp.app_state import app_state
from webapp.models import Campaign, DataReport

from .data import SOURCE, load_test_directory
from .flow import SLUG, confirm_latest, letters_form, read_outbox, run_worker, step_one, step_two
from .pages import csrf_token, text


def _with_next_host(app) -> None:
    """The test directory, and Switzerland hosting the next summit with one office to write to,
    checked only on a stored copy of its page."""
    load_test_directory(app)
    with app_state(app).database.session_factory() as session:
        session.add_all([
            Summit(id="geneva-2027", name="AI Summit Geneva", host_country="CH", city="Geneva",
                   status="next", year=2027, source=SOURCE),
            Organization(id="t:ch-fc", name="Federal Council", classification="government",
                         country="CH", source=SOURCE),
            Person(id="t:ch-fc-office", name="Federal Council", by_title=True, source=SOURCE),
        ])
        session.flush()
        session.add_all([
            Membership(id="t:ch-fc-office@t:ch-fc", person_id="t:ch-fc-office",
                       organization_id="t:ch-fc", kind="head_of_government",
                       role="Federal Council", country="CH", language="de", source=SOURCE,
                       source_url="https://admin.example.ch/bundesrat",
                       verified_on=date(2026, 12, 3), stored_copy=True),
            ContactDetail(person_id="t:ch-fc-office", kind="email", value="info@bk.example.ch",
                          source=SOURCE, source_url="https://admin.example.ch/kontakt",
                          verified_on=date(2026, 12, 3), stored_copy=True),
        ])
        session.commit()


@pytest.fixture(scope="module")
def host_database(tmp_path_factory) -> str:
    return migrated_sqlite(tmp_path_factory.mktemp("reach"), _with_next_host)


@pytest.fixture
def host_app(host_database, tmp_path):
    with running_app(tmp_path, host_database) as app:
        with app_state(app).database.session_factory() as session:
            session.execute(update(Campaign).values(write_to_next_host=True))
            session.commit()
        yield app


@pytest.fixture
def host_client(host_app):
    return host_app.test_client()


def _set_next_host(app, on: bool) -> None:
    with app_state(app).database.session_factory() as session:
        session.execute(update(Campaign).values(write_to_next_host=on))
        session.commit()


def test_the_country_list_says_what_each_country_can_do(host_client):
    page = text(host_client.get(f"/c/{SLUG}?lang=en"))
    assert ">Netherlands — government, European Parliament<" in page
    assert ">Japan — government<" in page
    assert ">Chad — the next summit's host<" in page
    assert ">Switzerland — government<" in page
    assert "you can also write to the government of Switzerland" in page


def test_the_country_list_in_the_supporters_language(host_client):
    page = text(host_client.get(f"/c/{SLUG}?lang=de"))
    assert "Tschad — " in page
    assert "the next summit" not in page


def test_a_country_with_nobody_of_its_own_gets_the_host_and_a_way_to_tell_us(host_client):
    response = step_one(host_client, country="TD", town="N'Djamena")
    assert response.status_code == 200, text(response)
    page = text(response)
    assert "The host of the next AI summit" in page
    assert "Federal Council" in page
    assert "Chosen because Switzerland hosts the next AI summit." in page
    assert "We have no contacts yet for anyone in Chad." in page
    assert f"/c/{SLUG}/suggest?lang=en&country=TD" in page
    ticked = [v for k, v in letters_form(response) if k.endswith("targets")]
    assert ticked == ["t:ch-fc-office"]


def test_a_country_with_its_own_government_gets_it_first_and_the_host_after(host_client):
    page = text(step_one(host_client, country="NL"))
    assert page.index("Anna de Vries") < page.index("The host of the next AI summit")
    assert page.index("The host of the next AI summit") < page.index("Pieter JANSEN")


def test_each_card_says_where_its_address_comes_from_and_when_it_was_checked(host_client):
    page = text(step_one(host_client, country="TD"))
    assert 'href="https://admin.example.ch/kontakt"' in page
    assert "admin.example.ch</a>, checked Dec 3, 2026 (on a stored copy of the page)" in page
    assert f"/c/{SLUG}/report?lang=en&target=t:ch-fc-office" in page
    nl_page = text(step_one(host_client, country="NL"))
    assert "example.org</a>, checked Jan 1, 2026<" in nl_page  # checked live: no note


def test_staff_can_turn_the_host_off_and_then_a_country_with_nobody_is_told_so(host_app,
                                                                                host_client):
    _set_next_host(host_app, False)
    response = step_one(host_client, country="TD")
    assert response.status_code == 422
    assert "We have no representatives for this country yet" in text(response)
    page = text(host_client.get(f"/c/{SLUG}?lang=en"))
    assert ">Chad — nobody yet<" in page
    assert "you can also write to the government" not in page
    assert "The host of the next AI summit" not in text(step_one(host_client, country="NL"))


def test_a_wrong_address_report_is_stored_without_anything_about_the_supporter(host_app,
                                                                              host_client):
    url = f"/c/{SLUG}/report?lang=en&target=t:ch-fc-office"
    page = text(host_client.get(url))
    assert "Federal Council" in page
    response = host_client.post(url, data={"csrf_token": csrf_token(page),
                                           "message": "The address bounced for me."})
    assert response.status_code == 201
    with app_state(host_app).database.session_factory() as session:
        report = session.scalars(select(DataReport).order_by(DataReport.id.desc())).first()
    assert (report.kind, report.target_id, report.target_name, report.country,
            report.message) == ("wrong_contact", "t:ch-fc-office", "Federal Council", "CH",
                                "The address bounced for me.")


def test_a_suggestion_needs_words_and_keeps_them_when_refused(host_app, host_client):
    url = f"/c/{SLUG}/suggest?lang=en&country=TD"
    page = text(host_client.get(url))
    assert "We have nobody yet in Chad" in page
    long = "x" * 1001
    refused = host_client.post(url, data={"csrf_token": csrf_token(page), "message": long})
    assert refused.status_code == 422
    assert long in text(refused)
    empty = host_client.post(url, data={"csrf_token": csrf_token(page), "message": ""})
    assert empty.status_code == 422
    ok = host_client.post(url, data={"csrf_token": csrf_token(page),
                                     "message": "The Minister of Communications, see gov.td"})
    assert ok.status_code == 201
    with app_state(host_app).database.session_factory() as session:
        kinds = session.scalars(select(DataReport.kind).where(DataReport.country == "TD")).all()
    assert "suggestion" in kinds


def test_reports_about_unknown_targets_or_countries_are_not_found(host_client):
    assert host_client.get(f"/c/{SLUG}/report?target=nobody").status_code == 404
    assert host_client.get(f"/c/{SLUG}/suggest?country=XX").status_code == 404


def test_reports_are_rate_limited_and_the_words_kept(host_database, tmp_path):
    with running_app(tmp_path, host_database, ratelimit_enabled=True,
                     ratelimit_reports="2 per hour") as app:
        client = app.test_client()
        url = f"/c/{SLUG}/suggest?lang=en&country=TD"
        token = csrf_token(text(client.get(url)))
        for n in range(2):
            sent = client.post(url, data={"csrf_token": token, "message": f"Suggestion {n}"})
            assert sent.status_code == 201
        refused = client.post(url, data={"csrf_token": token, "message": "Suggestion three"})
        assert refused.status_code == 429
        page = text(refused)
        assert "Please try again" in page or "try again" in page
        assert "Suggestion three" in page


def test_a_report_refused_before_its_view_about_an_unknown_target_is_not_a_server_error(
        host_client):
    # Without its CSRF token the form is refused in an error handler, which must not fail on
    # a target, country or campaign that does not exist.
    for url in (f"/c/{SLUG}/report?target=nobody", f"/c/{SLUG}/suggest?country=XX",
                "/c/no-such-campaign/suggest?country=TD"):
        response = host_client.post(url, data={"message": "Hello"})
        assert response.status_code == 400, url


def test_both_kinds_of_report_count_against_one_limit(host_database, tmp_path):
    with running_app(tmp_path, host_database, ratelimit_enabled=True,
                     ratelimit_reports="2 per hour") as app:
        client = app.test_client()
        suggest = f"/c/{SLUG}/suggest?lang=en&country=TD"
        report = f"/c/{SLUG}/report?lang=en&target=t:ch-fc-office"
        token = csrf_token(text(client.get(suggest)))
        for url in (suggest, report):
            sent = client.post(url, data={"csrf_token": token, "message": "A note"})
            assert sent.status_code == 201
        third = client.post(report, data={"csrf_token": token, "message": "A third"})
        assert third.status_code == 429


@pytest.mark.parametrize(("lang", "written_in"), [("fr", "fr"), ("de", "de"), ("nl", "de"),
                                                  ("en", "de")])
def test_a_government_is_written_to_in_the_supporters_language_where_it_is_official(
        host_client, lang, written_in):
    """Switzerland's government takes letters in German, French and Italian (its Languages Act,
    art. 6): a French-speaking supporter writes in French; a Dutch-speaking one in German."""
    response = step_one(host_client, lang=lang, country="TD", town="N'Djamena")
    assert response.status_code == 200, text(response)
    packed = [value for name, value in letters_form(response) if name.endswith("recipients")]
    assert len(packed) == 1 and packed[0].startswith(f"{written_in}:"), packed
    assert packed[0].endswith(":t:ch-fc-office")
    subject = next(value for name, value in letters_form(response) if name.endswith("subject"))
    assert {"fr": "sommet sur l'IA", "de": "KI-Gipfel"}[written_in] in subject


def test_members_of_parliament_keep_their_own_language_whatever_the_page(host_client):
    """Only governments take the reader's language, and only one of their country's: letters to
    the Netherlands' MEPs and government stay in Dutch for a supporter reading in English or in
    German, while the Swiss host's follows a German reader (one of its official languages)."""
    for lang, host_language in (("en", "de"), ("de", "de"), ("fr", "fr")):
        fields = letters_form(step_one(host_client, lang=lang, country="NL"))
        packed = [value for name, value in fields if name.endswith("recipients")]
        dutch = {value.split(":")[0] for value in packed if "t:ch-" not in value}
        host = {value.split(":")[0] for value in packed if "t:ch-" in value}
        assert dutch == {"nl"} and host == {host_language}, packed


def test_the_letter_in_the_supporters_language_is_the_one_that_is_sent(host_app, host_client):
    fields = letters_form(step_one(host_client, lang="fr", country="TD", town="N'Djamena"))
    assert step_two(host_client, fields, action="send", lang="fr").status_code == 200
    assert confirm_latest(host_app, host_client).status_code == 303
    run_worker(host_app)
    [letter] = [message for message in read_outbox(app_state(host_app).config.mail_outbox_dir)
                if message["X-Letter-Id"]]
    assert letter["To"].addresses[0].addr_spec == "info@bk.example.ch"
    assert "sommet sur l'IA" in str(letter["Subject"])
    assert "Madame, Monsieur" in letter.get_content()
