"""Follow up (issue 25): the questionnaire found due at the right time, once; its links, with a
button before anything is stored; tampered links refused; the second mail only after "not
yet"; nothing for erased submissions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from database import utcnow
from webapp.app_state import app_state
from webapp.delivery.retention import erase_submissions
from webapp.delivery.worker import make_worker
from webapp.followup import operations
from webapp.followup.models import FollowupAnswer
from webapp.models import Letter, NoticeKind, NoticeState, Submission

from .flow import run_worker
from .followup_support import last_sent, links_in, notices, questionnaire_mails, sent_submission
from .pages import csrf_token


def session(app):
    return app_state(app).database.session_factory()


def add_due(app, now):
    with session(app) as db:
        added = operations.add_due_questionnaires(db, now)
        db.commit()
    return added


def test_due_two_weeks_after_the_last_letter_once(app, client):
    submission_id = sent_submission(app, client)
    sent = last_sent(app, submission_id)
    assert add_due(app, sent + timedelta(days=13)).first == 0
    assert notices(app, submission_id, NoticeKind.FOLLOWUP) == []
    assert add_due(app, sent + timedelta(days=14, minutes=1)).first == 1
    # A sweep that runs again, or later, adds nothing more.
    assert add_due(app, sent + timedelta(days=14, minutes=2)).first == 0
    assert add_due(app, sent + timedelta(days=20)).first == 0
    [notice] = notices(app, submission_id, NoticeKind.FOLLOWUP)
    assert notice.state == NoticeState.QUEUED and notice.to_address == "jane@example.org"


def test_letters_sent_long_ago_are_not_asked_about(app, client):
    submission_id = sent_submission(app, client)
    sent = last_sent(app, submission_id)
    assert add_due(app, sent + operations.ASK_WITHIN + timedelta(days=1)).first == 0
    assert notices(app, submission_id, NoticeKind.FOLLOWUP) == []


def test_no_questionnaire_for_an_erased_submission(app, client):
    submission_id = sent_submission(app, client)
    with session(app) as db:
        db.execute(update(Submission).where(Submission.id == submission_id)
                   .values(erased_at=utcnow()))
        db.commit()
    assert add_due(app, last_sent(app, submission_id) + timedelta(days=15)).first == 0


def test_no_questionnaire_while_a_letter_is_unfinished(app, client):
    submission_id = sent_submission(app, client)
    with session(app) as db:
        first = db.scalar(select(Letter.id).where(Letter.submission_id == submission_id))
        db.execute(update(Letter).where(Letter.id == first).values(state="held"))
        db.commit()
    assert add_due(app, last_sent(app, submission_id) + timedelta(days=15)).first == 0


def test_two_sweeps_that_found_the_same_supporter_add_one_mail(app, client):
    """Both found the supporter due before either stored anything (a crash and a retry, or
    two sweeps at once): the unique (submission, kind) lets one notice in."""
    submission_id = sent_submission(app, client)
    now = last_sent(app, submission_id) + timedelta(days=15)
    with session(app) as one, session(app) as other:
        due_one = operations.due_first(one, now)
        due_other = operations.due_first(other, now)
        one.commit()
        other.commit()
        assert due_one == due_other == [(submission_id, "jane@example.org")]
        assert operations._add_notices(one, NoticeKind.FOLLOWUP, due_one, now) == 1
        one.commit()
        assert operations._add_notices(other, NoticeKind.FOLLOWUP, due_other, now) == 0
        other.commit()
    assert len(notices(app, submission_id, NoticeKind.FOLLOWUP)) == 1


def test_the_sweep_adds_and_queues_the_questionnaire(app, client):
    submission_id = sent_submission(app, client)
    with session(app) as db:
        db.execute(update(Letter).where(Letter.submission_id == submission_id)
                   .values(sent_at=utcnow() - timedelta(days=15)))
        db.commit()
    with app.app_context():
        result = make_worker(app, with_queue=False).sweep()
    [notice] = notices(app, submission_id, NoticeKind.FOLLOWUP)
    assert ("notice", notice.id) in result.to_enqueue
    with app.app_context():
        assert make_worker(app, with_queue=False).sweep().to_enqueue.count(
            ("notice", notice.id)) <= 1
    assert len(notices(app, submission_id, NoticeKind.FOLLOWUP)) == 1


def asked(app, client, outbox):
    """A supporter whose questionnaire the worker sent; its mail."""
    submission_id = sent_submission(app, client)
    add_due(app, last_sent(app, submission_id) + timedelta(days=15))
    run_worker(app)
    [mail] = questionnaire_mails(outbox)
    return submission_id, mail


def answers(app, submission_id):
    with session(app) as db:
        return {row.letter_id: (row.answer, row.reply_text) for row in db.scalars(
            select(FollowupAnswer).where(FollowupAnswer.submission_id == submission_id))}


def test_the_mail_asks_about_each_letter_in_the_supporters_language(app, client, outbox):
    submission_id, mail = asked(app, client, outbox)
    assert mail["To"].addresses[0].addr_spec == "jane@example.org"
    assert mail["Subject"].startswith("Did they reply?")
    body = mail.get_content()
    with session(app) as db:
        names = db.scalars(select(Letter.target_name)
                           .where(Letter.submission_id == submission_id)).all()
    for name in names:
        assert name in body
    assert len(links_in(mail)) == 4 * len(names)


def test_a_link_shows_a_button_and_only_the_button_records(app, client, outbox):
    submission_id, mail = asked(app, client, outbox)
    yes_link = links_in(mail)[0]
    assert "/yes?" in yes_link
    page = client.get(yes_link)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"  # it names the supporter's letter
    text = page.get_data(as_text=True)
    assert 'value="yes" checked' in text and "Save my answer" in text
    # A mail scanner opening every link stores nothing.
    for link in links_in(mail):
        assert client.get(link).status_code == 200
    assert answers(app, submission_id) == {}
    action = yes_link.split("/yes?")[0]
    response = client.post(action, data={"csrf_token": csrf_token(text), "answer": "yes",
                                         "reply": "Thank you for your letter.\r\nWe agree."})
    assert response.status_code == 303
    assert "saved=1" in response.headers["Location"]
    [(letter_id, stored)] = answers(app, submission_id).items()
    assert stored == ("yes", "Thank you for your letter.\nWe agree.")
    # Answered again without a reply: the answer changes, the pasted reply stays.
    client.post(action, data={"csrf_token": csrf_token(text), "answer": "no"})
    assert answers(app, submission_id)[letter_id] == ("no", "Thank you for your letter.\nWe agree.")
    assert "Thank you: your answer is saved" in client.get(response.headers["Location"]).get_data(
        as_text=True)


def test_bad_answers_are_refused_with_the_input_kept(app, client, outbox):
    submission_id, mail = asked(app, client, outbox)
    link = links_in(mail)[3]
    text = client.get(link).get_data(as_text=True)
    action = link.split("?")[0]
    response = client.post(action, data={"csrf_token": csrf_token(text), "answer": "maybe",
                                         "reply": "Kept words"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Please choose an answer." in page and "Kept words" in page
    response = client.post(action, data={"csrf_token": csrf_token(text), "answer": "yes",
                                         "reply": "x" * (operations.REPLY_MAX_LENGTH + 1)})
    assert response.status_code == 400
    assert client.get(link.split("?")[0] + "/perhaps").status_code == 404
    assert answers(app, submission_id) == {}


@pytest.mark.parametrize("change", ["flip", "other_secret", "other_letter"])
def test_tampered_links_are_refused(app, client, outbox, change):
    submission_id, mail = asked(app, client, outbox)
    link = links_in(mail)[0]
    token = link.split("/")[2]
    if change == "flip":
        forged = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    elif change == "other_secret":
        from webapp.followup.tokens import FollowupTokens

        with session(app) as db:
            public_id = db.scalar(select(Submission.public_id)
                                  .where(Submission.id == submission_id))
            letter_id = db.scalar(select(Letter.id).where(Letter.submission_id == submission_id))
        forged = FollowupTokens("not-our-secret").make(public_id, letter_id)
    else:
        # A link of ours, but for a letter of another submission.
        from webapp.followup.tokens import FollowupTokens

        with session(app) as db:
            public_id = db.scalar(select(Submission.public_id)
                                  .where(Submission.id == submission_id))
        forged = FollowupTokens(app_state(app).config.secret_key).make(public_id, 10**6)
    page = client.get(f"/followup/{forged}/yes").get_data(as_text=True)
    assert "Save my answer" not in page
    response = client.post(f"/followup/{forged}", data={
        "csrf_token": csrf_token(client.get(link).get_data(as_text=True)), "answer": "yes"})
    assert response.status_code == 410
    assert answers(app, submission_id) == {}


def test_ask_again_only_after_not_yet(app, client, outbox):
    submission_id, mail = asked(app, client, outbox)
    [first] = notices(app, submission_id, NoticeKind.FOLLOWUP)
    assert first.state == NoticeState.SENT
    later = first.sent_at + operations.ASK_AGAIN_AFTER + timedelta(minutes=1)
    # No answer at all: not asked again.
    assert add_due(app, later).again == 0
    links = links_in(mail)
    text = client.get(links[2]).get_data(as_text=True)  # the first letter's "not yet"
    client.post(links[2].split("/not_yet")[0], data={"csrf_token": csrf_token(text),
                                                     "answer": "not_yet"})
    assert add_due(app, first.sent_at + timedelta(days=13)).again == 0
    assert add_due(app, later).again == 1
    assert add_due(app, later + timedelta(days=1)).again == 0
    run_worker(app)
    second = [m for m in questionnaire_mails(outbox) if m["Subject"].startswith("Have they")]
    assert len(second) == 1
    # It asks only about the letter still waiting for an answer.
    assert len(links_in(second[0])) == 4


def test_erasing_a_submission_erases_its_pasted_replies(app, client, outbox):
    submission_id, mail = asked(app, client, outbox)
    link = links_in(mail)[0]
    text = client.get(link).get_data(as_text=True)
    client.post(link.split("/yes")[0], data={"csrf_token": csrf_token(text), "answer": "yes",
                                             "reply": "Dear Jane, we agree."})
    with session(app) as db:
        erase_submissions(db, [submission_id], utcnow(), keep_subscribers=False)
        db.commit()
    assert list(answers(app, submission_id).values()) == [("yes", "")]
    # Nothing left to answer about.
    assert client.get(link).status_code == 410

