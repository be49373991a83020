"""The street address that members of the US Congress and UK MPs need: asked on step two
when a ticked letter goes to one, put in those letters only, and kept only as long as they."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from sqlalchemy import select

from database import utcnow
from webapp.app_state import app_state
from webapp.delivery.retention import purge
from webapp.models import Letter, Submission
from webapp.supporters import erasure

from .area_data import gb_members  # noqa: F401 (a fixture)
from .flow import confirm_latest, letters_form, read_outbox, run_worker, step_one, step_two
from .pages import text
from .personal_data import where_found

# Unlike anything in the directory, the campaign's texts or the other test data.
ADDRESS = "77 Quillfeather Lane\nSan Francisco, CA 94110"
TYPED = {"street_address": "  77 Quillfeather Lane \r\n\r\nSan Francisco, CA 94110\r\n"}
SIGNED = "Jane Doe\n77 Quillfeather Lane\nSan Francisco, CA 94110\nUtrecht\n"


def _us_letters(client):
    response = step_one(client, country="US", postcode="94110")
    assert response.status_code == 200, text(response)
    return response, letters_form(response)


def _welsh_letters(client):
    """A supporter in Ynys Môn: the minister (any supporter) and their MP (constituents)."""
    response = step_one(client, country="GB", area="Ynys Môn")
    assert response.status_code == 200, text(response)
    return letters_form(response)


def _pending_texts(app) -> dict[str, str]:
    with app_state(app).database.session_factory() as session:
        [submission] = session.scalars(select(Submission)).all()
        return {letter.to_address: letter.body for letter in submission.pending()}


def test_step_two_asks_for_it_where_a_member_of_congress_is_listed(client):
    response, _fields = _us_letters(client)
    page = text(response)
    assert 'id="field-street-address"' in page and 'name="street_address"' in page
    assert "read letters only from people who live in their constituency" in page
    # The page's script shows the field while one of these is ticked.
    assert 'value="t:us-rep-12" checked class="target-toggle" data-needs-address' in page

    dutch = text(step_one(client))  # ministers and MEPs: nobody who needs it
    assert "street_address" not in dutch and "data-needs-address" not in dutch


def test_required_when_a_ticked_letter_needs_it_and_the_letters_are_kept(client):
    _response, fields = _us_letters(client)
    subject = next(k for k, _ in fields if k.endswith("-subject"))
    response = step_two(client, fields, action="draft",
                        changes={subject: "My own subject, kept"})
    page = text(response)
    assert response.status_code == 422
    assert ("Please give your street address: letters to Robin Diaz, Jordan Lee must show "
            "that you live in their constituency or district.") in page
    assert 'value="My own subject, kept"' in page


@pytest.mark.usefixtures("gb_members")
def test_not_required_when_no_ticked_letter_needs_it(app, client):
    fields = [(k, v) for k, v in _welsh_letters(client) if v != "t:gb-mp-ynys"]
    response = step_two(client, fields, action="send")
    assert response.status_code == 200, text(response)
    assert list(_pending_texts(app)) == ["minister@dsit.example.org"]


@pytest.mark.parametrize(("address", "message"), [
    ("7 Long Road " * 30, "Please keep this under 300 characters."),
    ("\n".join(f"Line {n}" for n in range(7)), "Please keep your address to 6 lines."),
    ("77 Quillfeather Lane\tFlat 2", "Please write your address in plain lines"),
    ("77 Quillfeather Lane\u2028San Francisco", "Please write your address in plain lines"),
])
def test_a_bad_address_is_refused_with_its_reason_and_kept(app, client, address, message):
    _response, fields = _us_letters(client)
    response = step_two(client, fields, action="send", changes={"street_address": address})
    page = text(response)
    assert response.status_code == 422
    assert message in html.unescape(page)
    assert html.escape(address.splitlines()[0][:40], quote=False) in page  # as typed
    with app_state(app).database.session_factory() as session:
        assert session.scalars(select(Submission)).all() == []


@pytest.mark.usefixtures("gb_members")
def test_sent_letters_carry_it_below_the_name_and_no_other_letter_does(app, client, outbox):
    response = step_two(client, _welsh_letters(client), action="send", changes=TYPED)
    assert response.status_code == 200, text(response)
    texts = _pending_texts(app)
    assert texts["llinos@commons.example.org"].endswith(SIGNED)
    assert "Quillfeather" not in texts["minister@dsit.example.org"]

    confirm_latest(app, client)
    run_worker(app)
    run_worker(app)
    with app_state(app).database.session_factory() as session:
        bodies = {letter.to_address: letter.body for letter in session.scalars(select(Letter))}
    assert bodies["llinos@commons.example.org"].endswith(SIGNED)
    assert "Quillfeather" not in bodies["minister@dsit.example.org"]
    [mail] = [m for m in read_outbox(outbox) if "llinos@commons.example.org" in str(m["To"])]
    assert SIGNED in mail.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")


def test_letters_to_send_oneself_carry_it_too(client):
    _response, fields = _us_letters(client)
    page = html.unescape(text(step_two(client, fields, action="draft", changes=TYPED)))
    assert "https://senator.example.org/contact" in page
    # The senator's text to paste into the form, and the representative's in the mail app.
    assert page.count(SIGNED) == 2


def _erased_everywhere(app) -> bool:
    found = where_found(app_state(app).database.engine,
                        {"street": "Quillfeather", "line": "77 Quillfeather Lane"})
    return found == []


def _purge(app, days: float):
    config = app_state(app).config
    with app_state(app).database.session_factory() as session:
        purge(session, retention_days=config.retention_days,
              confirm_max_age_seconds=config.confirm_max_age_seconds,
              now=utcnow() + timedelta(days=days))
        session.commit()


@pytest.mark.usefixtures("gb_members")
def test_retention_erases_it_with_the_letters(app, client):
    step_two(client, _welsh_letters(client), action="send", changes=TYPED)
    confirm_latest(app, client)
    run_worker(app)
    run_worker(app)
    assert not _erased_everywhere(app)
    config = app_state(app).config
    _purge(app, config.retention_days - 1)
    assert not _erased_everywhere(app)  # kept while the letters are
    _purge(app, config.retention_days + 1)
    assert _erased_everywhere(app)


@pytest.mark.usefixtures("gb_members")
def test_letters_never_confirmed_take_it_with_them(app, client):
    step_two(client, _welsh_letters(client), action="send", changes=TYPED)
    assert not _erased_everywhere(app)
    _purge(app, app_state(app).config.confirm_max_age_seconds / 86400 + 1)
    assert _erased_everywhere(app)


@pytest.mark.usefixtures("gb_members")
def test_erasure_at_the_supporters_request_takes_it(app, client):
    step_two(client, _welsh_letters(client), action="send", changes=TYPED)
    confirm_latest(app, client)
    with app_state(app).database.session_factory() as session:
        erased = erasure.erase_supporter(session, "jane@example.org")
        session.commit()
    assert erased.submissions == 1
    assert _erased_everywhere(app)
