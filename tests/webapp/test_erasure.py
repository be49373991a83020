"""Erasing a supporter's data at once: from the link in every mail to them, or by staff."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select, update

from database import utcnow
from webapp.app_state import app_state
from webapp.delivery.retention import purge
from webapp.models import (
    DataReport,
    DataReportKind,
    Letter,
    LetterEvent,
    LetterState,
    Notice,
    Submission,
)
from webapp.partners import service as partners
from webapp.partners.models import Partner, PartnerConsent
from webapp.supporters import erasure

from .flow import confirm_latest, letters_form, read_outbox, run_worker, step_one, step_two
from .pages import csrf_token, text
from .personal_data import where_found

# ASCII, and unlike anything in the directory or the campaign's texts.
WILMA = {"name": "Wilhelmina Quistorp", "email": "w.quistorp.erase@example.org",
         "town": "Zierikzeeveld", "own_words": "Quokkas deserve a binding treaty on this."}


def _personal(**changes) -> dict[str, str]:
    data = {**WILMA, **changes}
    return {"name": data["name"], "email": data["email"], "town": data["town"],
            "letter text": data["own_words"]}


def _erase_link(message) -> str:
    match = re.search(r"http://127\.0\.0\.1:5000(/erase/[^\s?]+)\?lang=\w+", _body(message))
    assert match, _body(message)
    return match.group(1)


def _body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _mails_to(outbox, address: str) -> list:
    return [m for m in read_outbox(outbox) if address in str(m["To"])]


def _send_letters(client, **changes):
    response = step_two(client, letters_form(step_one(client, **{**WILMA, **changes})))
    assert response.status_code == 200, text(response)


def _engine(app):
    return app_state(app).database.engine


def test_every_mail_to_a_supporter_links_to_erasure(app, client, outbox):
    _send_letters(client)
    run_worker(app)
    [confirmation] = _mails_to(outbox, WILMA["email"])
    assert _erase_link(confirmation)
    confirm_latest(app, client)
    run_worker(app)
    run_worker(app)
    mails = _mails_to(outbox, WILMA["email"])
    assert len(mails) == 2 and "sent your letters" in _body(mails[1])
    assert _erase_link(mails[1]) == _erase_link(confirmation)  # the same supporter


def test_the_link_erases_nothing_until_the_button_is_pressed(app, client, outbox):
    """Mail scanners open links: a GET shows the button and changes nothing."""
    _send_letters(client)
    run_worker(app)
    link = _erase_link(_mails_to(outbox, WILMA["email"])[0])
    page = client.get(link)
    assert page.status_code == 200 and "Erase my data now" in text(page)
    with app_state(app).database.session_factory() as session:
        submission = session.scalar(select(Submission))
        assert submission.supporter_email == WILMA["email"] and submission.pending()
    assert client.post(link, data={}).status_code == 400  # no CSRF token: nothing done
    with app_state(app).database.session_factory() as session:
        assert session.scalar(select(Submission.supporter_name)) == WILMA["name"]


def test_a_link_we_did_not_make_erases_nothing(app, client):
    _send_letters(client)
    page = client.get("/erase/forged-token")
    assert page.status_code == 404 and "not valid" in text(page)
    other = client.get("/erase/" + erasure.ErasureTokens("another secret").make("x"))
    assert other.status_code == 404


def test_nothing_personal_remains_after_erasure_from_a_mail(app, client, outbox):
    """Everything the supporter left anywhere: two submissions (one confirmed, its letters
    still queued, one waiting), a partner's consent, a report quoting their address, errors
    and reasons quoting their name. After the link in their mail: none of it, anywhere."""
    _send_letters(client, wants_updates="y")
    run_worker(app)
    confirm_latest(app, client)  # queued, not sent: no worker runs after this
    _send_letters(client, email=WILMA["email"].upper())  # the same address, typed otherwise
    with app_state(app).database.session_factory() as session:
        session.query(Partner).filter_by(code="erasure-test").delete()
        partner = partners.create_partner(session, code="erasure-test", name="P", origins=[],
                                          consent_text="Mail me")
        partners.record_consent(session, partner, campaign_id=1, name=WILMA["name"],
                                email=WILMA["email"], language="en", consent_text="Mail me")
        session.add(DataReport(kind=DataReportKind.SUGGESTION, campaign_slug="x", country="NL",
                               message=f"Write to my MP, says {WILMA['email']}"))
        letter_ids = list(session.scalars(select(Letter.id)))
        session.execute(update(Letter).values(
            last_error=f"550 refused for {WILMA['name']} <{WILMA['email']}>"))
        session.add_all(LetterEvent(letter_id=letter_id, from_state="queued", to_state="queued",
                                    reason=f"held: {WILMA['name']} of {WILMA['town']}")
                        for letter_id in letter_ids)
        session.commit()
    personal = _personal()
    found = where_found(_engine(app), personal)
    assert {table for table, _, _ in found} >= {
        "submission", "letter_text", "letter", "letter_event", "partner_consent", "data_report"}

    link = _erase_link(_mails_to(outbox, WILMA["email"])[0])
    page = client.get(link)
    done = client.post(link, data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    assert done.status_code == 200 and 'data-erased="2"' in text(done)

    assert where_found(_engine(app), personal) == []
    with app_state(app).database.session_factory() as session:
        letters = session.scalars(select(Letter)).all()
        # What the counts need stays: its letters, cancelled, by target.
        assert len(letters) == len(letter_ids) == 2
        assert {letter.state for letter in letters} == {LetterState.CANCELLED}
        assert session.scalars(select(Notice)).all() == []
        assert session.scalar(select(DataReport.message)) == "Write to my MP, says <erased>"
        assert all(s.erased_at is not None for s in session.scalars(select(Submission)))
    mails_before = len(read_outbox(outbox))
    run_worker(app)
    assert len(read_outbox(outbox)) == mails_before  # the cancelled letters never go out
    again = client.get(link)
    assert again.status_code == 200 and "erased" in text(again)


def test_erasure_leaves_other_supporters_alone(app, client):
    _send_letters(client)
    _send_letters(client, name="Piet Jansen", email="piet@example.org", town="Delft")
    with app_state(app).database.session_factory() as session:
        erased = erasure.erase_supporter(session, " " + WILMA["email"].title() + " ")
        session.commit()
        assert (erased.submissions, erased.letters_cancelled) == (1, 0)
        assert sorted(session.scalars(select(Submission.supporter_email))) == [
            "", "piet@example.org"]
        # His name, in his details and the signature of his letters waiting to be confirmed.
        assert where_found(_engine(app), {"piet": "Piet Jansen"}) == [
            ("submission", "pending_letters", "piet"), ("submission", "supporter_name", "piet")]


def test_an_erased_submission_can_no_longer_be_confirmed(app, client):
    _send_letters(client)
    with app_state(app).database.session_factory() as session:
        erasure.erase_supporter(session, WILMA["email"])
        session.commit()
    with app_state(app).database.session_factory() as session:
        public_id = session.scalar(select(Submission.public_id))
    response = client.get(f"/confirm/{app_state(app).confirmation_tokens.make(public_id)}")
    assert response.status_code == 410
    with app_state(app).database.session_factory() as session:
        assert session.scalars(select(Letter)).all() == []


def test_an_empty_address_erases_nobody(app, client):
    _send_letters(client)
    with app_state(app).database.session_factory() as session:
        session.execute(update(Submission).values(erased_at=utcnow(), supporter_email=""))
        session.commit()
    _send_letters(client, email="other@example.org")
    with app_state(app).database.session_factory() as session:
        assert not erasure.erase_supporter(session, "  ").anything
        session.commit()
        assert "other@example.org" in session.scalars(select(Submission.supporter_email)).all()


# --- the contact period -------------------------------------------------------------------

def test_keep_me_informed_lasts_the_contact_period(app, client):
    _send_letters(client, wants_updates="y")
    confirm_latest(app, client)
    run_worker(app)
    run_worker(app)
    config = app_state(app).config
    period = config.contact_retention_months
    with app_state(app).database.session_factory() as session:
        session.query(Partner).filter_by(code="erasure-test").delete()
        partner = partners.create_partner(session, code="erasure-test", name="P", origins=[])
        partners.record_consent(session, partner, campaign_id=1, name="A", email="a@example.org",
                                language="en", consent_text="Mail me")
        session.commit()

    def purged(days: int):
        with app_state(app).database.session_factory() as session:
            result = purge(session, retention_days=config.retention_days,
                           confirm_max_age_seconds=config.confirm_max_age_seconds,
                           contact_months=period, now=utcnow() + timedelta(days=days))
            session.commit()
            return result, session.scalar(select(Submission.supporter_email))

    result, email = purged(config.retention_days + 1)
    assert result.erased_submissions == 1 and email == WILMA["email"]  # kept for updates
    result, email = purged(period * 30)
    assert result.contacts_expired == 0 and email == WILMA["email"]
    result, email = purged(period * 31)
    assert result.contacts_expired == 2 and email == ""  # the address and the consent
    with app_state(app).database.session_factory() as session:
        assert session.scalars(select(PartnerConsent)).all() == []
        assert session.scalar(select(Submission.supporter_name)) == ""


def test_the_form_says_how_long_an_address_is_kept(app, client):
    page = text(client.get("/c/treaty-at-next-summit?lang=en"))
    months = app_state(app).config.contact_retention_months
    assert f"We keep your address for {months} months" in page


def test_a_partner_consent_keeps_the_link_working_past_the_letters_retention(app, client,
                                                                            outbox):
    """The letters' texts go after the retention period, but while a partner holds the
    supporter's consent their address stays, so that the link in their mails erases both."""
    _send_letters(client)
    run_worker(app)
    confirm_latest(app, client)
    run_worker(app)
    run_worker(app)
    with app_state(app).database.session_factory() as session:
        session.query(Partner).filter_by(code="erasure-test").delete()
        partner = partners.create_partner(session, code="erasure-test", name="P", origins=[])
        partners.record_consent(session, partner, campaign_id=1, name=WILMA["name"],
                                email=WILMA["email"], language="en", consent_text="Mail me")
        session.execute(update(Submission).values(partner_consent_text="Mail me"))
        session.commit()
    config = app_state(app).config
    with app_state(app).database.session_factory() as session:
        purge(session, retention_days=config.retention_days,
              confirm_max_age_seconds=config.confirm_max_age_seconds,
              now=utcnow() + timedelta(days=config.retention_days + 1))
        session.commit()
    assert {label for _, _, label in where_found(_engine(app), _personal())} == {
        "name", "email"}  # the texts are gone; the consent and its address stay

    link = _erase_link(_mails_to(outbox, WILMA["email"])[0])
    page = client.get(link)
    assert "Erase my data now" in text(page)
    client.post(link, data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    assert where_found(_engine(app), _personal()) == []
