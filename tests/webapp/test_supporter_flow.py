"""The supporter's way end to end: form, targets, letters, draft links, send, confirm, receipt."""

from __future__ import annotations

import base64
import re
from email import policy
from email.parser import BytesParser
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import func, select

from webapp.app_state import app_state
from webapp.models import DraftCount, Letter, LetterEvent, LetterState, Notice, Submission

from .flow import (
    SLUG,
    STREET_ADDRESS,
    confirm_latest,
    letters_form,
    read_outbox,
    run_worker,
    step_one,
    step_two,
)
from .pages import csrf_token, text


def count(app, model) -> int:
    with app_state(app).database.session_factory() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_home_shows_default_campaign_with_form(client):
    response = client.get("/")
    assert response.status_code == 200
    page = text(response)
    assert "A treaty at the next AI summit" in page
    assert 'name="email"' in page and 'name="country"' in page
    assert "anonymous count" in page  # says what is kept


def test_country_names_in_visitor_language_and_preselected(client):
    page = text(client.get(f"/c/{SLUG}", headers={"Accept-Language": "nl-NL,nl;q=0.9"}))
    assert '<html lang="nl">' in page
    assert ('<option selected value="NL">Nederland — regering, Europees Parlement</option>'
            in page)
    assert "Verenigd Koninkrijk" in page
    english = text(client.get(f"/c/{SLUG}?lang=en", headers={"Accept-Language": "en-GB"}))
    assert re.search(r'<option selected value="GB">United Kingdom — government</option>', english)


def test_unknown_campaign_is_a_clear_404(client):
    response = client.get("/c/no-such-campaign")
    assert response.status_code == 404
    assert "There is no page at this address" in text(response)


def test_targets_grouped_with_letters_in_their_language(client):
    response = step_one(client)
    assert response.status_code == 200, text(response)
    page = text(response)
    assert "Government and summit delegation" in page
    assert "Your members of the European Parliament" in page
    assert "Anna de Vries" in page and "Pieter JANSEN" in page
    # Dutch targets get the Dutch letter, each with their own salutation.
    assert "Opens with: Geachte mevrouw De Vries," in page
    assert "Opens with: Geachte heer Jansen," in page
    fields = dict(letters_form(response))
    bodies = [v for k, v in fields.items() if k.endswith("-body")]
    assert len(bodies) == 2  # a minister and an MEP are asked different things
    for body in bodies:
        assert "Jane Doe" in body and "Utrecht" in body
        assert "My daughter will grow up" in body
        assert "verdrag" in body


def test_many_recipients_of_one_kind_share_one_text(app, client):
    """Two MEPs get one editable text; each letter still opens with its own salutation."""
    from representatives.tables import ContactDetail, Membership, Person

    from .data import _contact, _membership, _person

    with app_state(app).database.session_factory() as session:
        session.add(_person("t:nl-mep2", "Sara Bakker", "Sara", "Bakker", gender="female"))
        session.flush()
        session.add_all([
            _membership("t:nl-mep2", "t:ep", "mep", "Member of the European Parliament",
                        "NL", "nl"),
            _contact("t:nl-mep2", "email", "sara.bakker@ep.example.org"),
        ])
        session.commit()
    app_state(app).directory.refresh()  # requests would go on with the old one meanwhile
    try:
        _share_one_text(app, client)
    finally:
        # The PostgreSQL database is shared by the tests: leave it as it was.
        with app_state(app).database.session_factory() as session:
            for model in (ContactDetail, Membership, Person):
                column = model.id if model is Person else model.person_id
                session.execute(model.__table__.delete().where(column == "t:nl-mep2"))
            session.commit()


def _share_one_text(app, client):
    response = step_one(client)
    fields = letters_form(response)
    assert len([k for k, _ in fields if k.endswith("-body")]) == 2
    step_two(client, fields, action="send")
    assert confirm_latest(app, client).status_code == 303
    with app_state(app).database.session_factory() as session:
        letters = {letter.target_id: letter for letter in session.scalars(select(Letter))}
        bodies = {target_id: letter.body for target_id, letter in letters.items()}
        assert letters["t:nl-mep"].text_id == letters["t:nl-mep2"].text_id  # stored once
    assert bodies["t:nl-mep"].startswith("Geachte heer Jansen,\n\n")
    assert bodies["t:nl-mep2"].startswith("Geachte mevrouw Bakker,\n\n")
    assert bodies["t:nl-mep"].split("\n\n", 1)[1] == bodies["t:nl-mep2"].split("\n\n", 1)[1]


def _links(page: str, prefix: str) -> list:
    return [urlsplit(href.replace("&amp;", "&"))
            for href in re.findall(rf'href="({re.escape(prefix)}[^"]+)"', page)]


def test_open_in_mail_app_links_and_nothing_stored(app, client):
    fields = letters_form(step_one(client))
    response = step_two(client, fields, action="draft")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    addresses = {"minister@ezk.example.org", "pieter.jansen@ep.example.org"}
    gmail = _links(page, "https://mail.google.com/mail/?view=cm")
    assert {parse_qs(link.query)["to"][0] for link in gmail} == addresses
    assert all("Jane Doe" in parse_qs(link.query)["body"][0] for link in gmail)
    outlook = _links(page, "https://outlook.live.com/mail/0/deeplink/compose")
    assert all("Geachte" in parse_qs(link.query)["body"][0] for link in outlook)
    eml = re.search(r'href="data:message/rfc822;base64,([^"]+)"', page).group(1)
    message = BytesParser(policy=policy.default).parsebytes(base64.b64decode(eml))
    assert message["To"].addresses[0].addr_spec in addresses
    assert "Jane Doe" in message.get_content()
    assert count(app, Submission) == 0 and count(app, Letter) == 0
    with app_state(app).database.session_factory() as session:
        assert session.scalar(select(DraftCount.letters)) == 2


def test_short_letter_opens_whole_in_mail_app(client):
    fields = letters_form(step_one(client))
    body_field = next(k for k, _ in fields if k.endswith("-body"))
    short = "Zet een verdrag op de agenda & snel.\n\nJane Doe"
    page = step_two(client, fields, action="draft", changes={body_field: short}) \
        .get_data(as_text=True)
    bodies = [parse_qs(link.query).get("body", [""])[0] for link in _links(page, "mailto:")]
    assert "Geachte mevrouw De Vries,\r\n\r\n" + short.replace("\n", "\r\n") in bodies
    assert [unquote(link.path) for link in _links(page, "mailto:")][0] in {
        "minister@ezk.example.org", "pieter.jansen@ep.example.org"}


def test_send_confirm_deliver_and_receipt(app, client, outbox):
    fields = letters_form(step_one(client))
    response = step_two(client, fields, action="send")
    assert response.status_code == 200
    assert "Please check your inbox" in text(response)
    assert count(app, Submission) == 1 and count(app, Letter) == 0  # written when confirmed

    run_worker(app)
    [confirmation] = read_outbox(outbox)
    assert confirmation["To"].addresses[0].addr_spec == "jane@example.org"
    body = confirmation.get_content()
    assert "Geachte" in body  # the full text of the letters
    link = re.search(r"http://127\.0\.0\.1:5000(/confirm/\S+)", body).group(1)

    # Following the link (as a mail scanner would) only shows a button.
    page = client.get(link)
    assert page.status_code == 200 and "Yes, send my letters" in text(page)
    run_worker(app)
    assert len(read_outbox(outbox)) == 1
    with app_state(app).database.session_factory() as session:
        # Until confirmed, the letters wait in their submission's row, not in the outbox.
        assert session.scalars(select(Letter)).all() == []
        [submission] = session.scalars(select(Submission)).all()
        assert sorted(letter.target_name for letter in submission.pending()) == [
            "Anna de Vries", "Pieter JANSEN"]

    confirmed = client.post(link, data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    assert confirmed.status_code == 303
    assert "on their way" in text(client.get(confirmed.headers["Location"]))
    run_worker(app)
    messages = read_outbox(outbox)
    letters = [m for m in messages if m["X-Letter-Id"]]
    assert len(letters) == 2
    for letter in letters:
        [sender] = letter["From"].addresses
        assert sender.display_name.startswith("Jane Doe via ")
        assert sender.addr_spec == "letters@campaign.example"
        assert letter["Reply-To"].addresses[0].addr_spec == "jane@example.org"
    run_worker(app)
    receipts = [m for m in read_outbox(outbox) if "sent" in str(m["Subject"]).lower()
                and "jane@example.org" in str(m["To"]) and not m["X-Letter-Id"]]
    assert len(receipts) == 1
    assert "Anna de Vries" in receipts[0].get_content()
    assert "Pieter JANSEN" in receipts[0].get_content()

    # Confirming again sends nothing twice.
    assert "already confirmed" in text(client.get(link))
    again = client.post(link, data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    assert again.status_code == 303
    run_worker(app)
    assert len(read_outbox(outbox)) == 4
    with app_state(app).database.session_factory() as session:
        assert set(session.scalars(select(Letter.state))) == {LetterState.SENT}
        events = session.scalars(select(LetterEvent.to_state)).all()
        assert events.count(LetterState.SENT) == 2


def test_double_submit_stores_once(app, client):
    fields = letters_form(step_one(client))
    first = step_two(client, fields, action="send")
    second = step_two(client, fields, action="send")
    assert first.status_code == second.status_code == 200
    assert count(app, Submission) == 1 and count(app, Notice) == 1
    with app_state(app).database.session_factory() as session:
        assert len(session.scalars(select(Submission)).one().pending()) == 2


def test_edited_subject_and_body_are_sent_and_unticked_target_is_not(app, client):
    fields = letters_form(step_one(client))
    first_body = next(k for k, _ in fields if k.endswith("-body"))
    prefix = first_body[: -len("body")]
    changes = {f"{prefix}subject": "My own subject", first_body: "My own words."}
    other = next(k for k, _ in fields if k.endswith("-targets") and not k.startswith(prefix))
    changes[other] = None  # unticked
    response = step_two(client, fields, action="send", changes=changes)
    assert response.status_code == 200, text(response)
    with app_state(app).database.session_factory() as session:
        [letter] = session.scalars(select(Submission)).one().pending()
        assert letter.subject == "My own subject"
        assert letter.body == "Geachte mevrouw De Vries,\n\nMy own words."


def test_postcode_across_districts_asks_which_one(client):
    # The supporter chooses their district before step two (test_area_choice.py).
    response = step_one(client, country="US", postcode="94999")
    page = text(response)
    assert response.status_code == 200, page
    assert 'name="area"' in page and "California 11" in page and "California 12" in page
    assert "Casey Kim" not in page and not letters_form(response)


def test_contact_form_only_target_shows_text_and_form_link(client):
    fields = letters_form(step_one(client, country="US", postcode="94110"))
    response = step_two(client, fields, action="draft", changes=STREET_ADDRESS)
    page = text(response)
    assert "https://senator.example.org/contact" in page
    assert "contact form" in page
    # Only the representative with an address (the share step's e-mail link names nobody).
    assert len(re.findall(r'href="mailto:[^?"]', page)) == 1


def test_send_mixes_email_and_contact_form_targets(app, client):
    fields = letters_form(step_one(client, country="US", postcode="94110"))
    page = text(step_two(client, fields, action="send", changes=STREET_ADDRESS))
    assert "Please check your inbox" in page
    assert "https://senator.example.org/contact" in page  # to send themselves
    with app_state(app).database.session_factory() as session:
        [submission] = session.scalars(select(Submission)).all()
        assert [letter.to_address for letter in submission.pending()] == [
            "diaz@house.example.org"]


def test_too_long_for_mailto_offers_copy_and_blank_compose(client):
    fields = letters_form(step_one(client))
    body_field = next(k for k, _ in fields if k.endswith("-body"))
    long_body = "Geachte mevrouw,\n\n" + ("Een pauze is nodig. " * 300)
    page = text(step_two(client, fields, action="draft", changes={body_field: long_body}))
    assert "too long for some mail apps" in page
    assert 'href="mailto:minister@ezk.example.org"' in page or \
        'href="mailto:pieter.jansen@ep.example.org"' in page
    assert "Copy the letter" in page


def test_country_from_trusted_header_only_when_configured(tmp_path, database_url):
    from tests.apps import make_config
    from webapp import create_app

    headers = {"CF-IPCountry": "GB", "Accept-Language": "en"}
    trusting = create_app(make_config(tmp_path, database_url,
                                      trusted_country_header="CF-IPCountry"))
    page = text(trusting.test_client().get(f"/c/{SLUG}", headers=headers))
    assert re.search(r'<option selected value="GB">', page)
    untrusting = create_app(make_config(tmp_path, database_url))
    page = text(untrusting.test_client().get(f"/c/{SLUG}", headers=headers))
    assert "<option selected" not in page
    for app in (trusting, untrusting):
        app_state(app).database.dispose()


def test_country_without_data_says_so(app, client):
    response = step_one(client, country="FR")
    assert response.status_code == 422
    assert "We have no representatives for this country yet" in text(response)
    assert count(app, Submission) == 0


def test_zip_plus_four_is_understood(client):
    page = text(step_one(client, country="US", postcode="94110-1234"))
    assert "Robin Diaz" in page and "Casey Kim" not in page


def test_two_confirmations_at_once_write_the_letters_once(app, client):
    """Two processes confirming the same submission at the same moment (a double click
    reaching two web workers): one writes the letters, the other finds none to write."""
    import threading

    from webapp.delivery.outbox import queue_submission

    step_two(client, letters_form(step_one(client)), action="send")
    factory = app_state(app).database.session_factory
    with factory() as session:
        submission_id = session.scalar(select(Submission.id))
    start, results = threading.Barrier(2), []

    def confirm():
        with factory() as session:
            submission = session.get(Submission, submission_id)
            submission.pending()  # both have read the pending letters before either writes
            start.wait()
            results.append(queue_submission(session, submission))
            session.commit()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(len(ids) for ids in results) == [0, 2]
    assert count(app, Letter) == 2
    with factory() as session:
        submission = session.get(Submission, submission_id)
        assert submission.pending_letters is None and submission.confirmed_at is not None
