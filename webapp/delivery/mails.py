"""The mails the app writes to supporters, and turning outbox rows into messages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, render_template
from flask_babel import force_locale
from sqlalchemy.orm import object_session

from letters.compose import OutgoingMail, build_letter_message, build_notice_message

from ..app_state import app_state
from ..config import Config
from ..followup.mails import questionnaire_text
from ..models import Letter, LetterState, Notice, NoticeKind, PendingLetter, Submission
from ..moderation import cancelled_to_tell
from ..partners.service import get_partner
from ..supporters.erasure import erase_link
from ..supporters.share_links import campaign_page_url
from ..supporters.share_step import share_step
from ..supporters.tokens import ConfirmationTokens


def _title(content, language: str) -> str:
    return content.titles.get(language) or content.titles["en"]


def _erase_link(config: Config, submission: Submission) -> str:
    """Every mail to a supporter carries it: the link that erases their data at once."""
    return erase_link(config.base_url, config.secret_key, submission.public_id,
                      submission.language)


def confirmation_text(app: Flask, submission: Submission, reminder: bool = False
                      ) -> tuple[str, str]:
    """Subject and body of the mail that asks the supporter to confirm, in their language."""
    config: Config = app_state(app).config
    content = app_state(app).campaigns.get(submission.campaign.slug)
    token = app_state(app).confirmation_tokens.make(submission.public_id)
    link = f"{config.base_url}/confirm/{token}?lang={submission.language}"
    with app.app_context(), force_locale(submission.language):
        title = _title(content, submission.language)
        subject = render_template("mail/confirmation_subject.txt", title=title,
                                  reminder=reminder).strip()
        body = render_template(
            "mail/confirmation.txt", submission=submission, link=link, title=title,
            reminder=reminder,
            texts=distinct_texts(submission.letters_as_written()),
            days=config.confirm_max_age_seconds // 86400,
            erase_link=_erase_link(config, submission),
        )
    return subject, body


def consent_mail_text(app: Flask, submission: Submission) -> tuple[str, str]:
    """Subject and body of the mail asking to confirm consents ticked on the draft path
    (supporters.consent), in the supporter's language."""
    config: Config = app_state(app).config
    content = app_state(app).campaigns.get(submission.campaign.slug)
    token = consent_tokens(config).make(submission.public_id)
    link = f"{config.base_url}/keep-informed/{token}?lang={submission.language}"
    with app.app_context(), force_locale(submission.language):
        title = _title(content, submission.language)
        subject = render_template("mail/consent_subject.txt", title=title).strip()
        body = render_template(
            "mail/consent.txt", submission=submission, link=link, title=title,
            partner=_partner_name(submission),
            days=config.confirm_max_age_seconds // 86400,
            months=config.contact_retention_months,
            erase_link=_erase_link(config, submission))
    return subject, body


def consent_tokens(config: Config) -> ConfirmationTokens:
    """The links that confirm consents: a salt of their own, valid as long as a letter's."""
    return ConfirmationTokens(config.secret_key, config.confirm_max_age_seconds,
                              salt="confirm-consent")


def _partner_name(submission: Submission) -> str | None:
    """The partner whose consent box the supporter ticked; None if none (or switched off)."""
    session = object_session(submission)
    if session is None or not submission.partner_consent_text or not submission.partner_code:
        return None
    partner = get_partner(session, submission.partner_code)
    return partner.name if partner else None


def distinct_texts(
    letters: list[Letter] | list[PendingLetter],
) -> list[tuple[list[Letter | PendingLetter], Letter | PendingLetter]]:
    """Letters grouped by their shared text, to show each text once with its recipients.

    Letters written (rows in `letter`) or still waiting for confirmation (in the submission).
    """
    groups: dict[int, list[Letter | PendingLetter]] = {}
    for letter in letters:
        groups.setdefault(letter.text_id, []).append(letter)
    return [(group, group[0]) for group in groups.values()]


def receipt_text(app: Flask, submission: Submission) -> tuple[str, str]:
    """Subject and body of the receipt, once every letter of a submission has gone its way."""
    config: Config = app_state(app).config
    content = app_state(app).campaigns.get(submission.campaign.slug)
    with app.app_context(), force_locale(submission.language):
        title = _title(content, submission.language)
        sent = [letter for letter in submission.letters
                if letter.state in (LetterState.SENT, LetterState.DELIVERED)]
        failed = [letter for letter in submission.letters
                  if letter.state in (LetterState.FAILED, LetterState.BOUNCED)]
        # No answer from the mail service: these may well have arrived, and were not sent
        # again so that they cannot arrive twice; the supporter should not resend them blindly.
        unknown = [letter for letter in failed if letter.last_error == "outcome unknown"]
        failed = [letter for letter in failed if letter not in unknown]
        directory = app_state(app).directory.get()
        # Where a letter could not be delivered, the other ways to reach that person.
        other_channels = {
            letter.id: [c for c in target.channels if c.value != letter.to_address]
            for letter in failed if (target := directory.get(letter.target_id)) is not None
        }
        # Plain text and our campaign's own address: no tracking link in a supporter's mail.
        share = content and share_step(
            content, submission.language,
            campaign_page_url(config.base_url, submission.campaign.slug))
        subject = render_template("mail/receipt_subject.txt", title=title).strip()
        body = render_template("mail/receipt.txt", submission=submission, sent=sent,
                               failed=failed, unknown=unknown, other_channels=other_channels,
                               title=title, share=share,
                               erase_link=_erase_link(config, submission))
    return subject, body


def cancelled_text(app: Flask, notice: Notice) -> tuple[str, str]:
    """Subject and body of the mail telling the supporter which letters staff did not send.

    Written when it is sent: letters of the submission cancelled until then are all in it."""
    submission = notice.submission
    content = app_state(app).campaigns.get(submission.campaign.slug)
    with app.app_context(), force_locale(submission.language):
        title = _title(content, submission.language)
        cancelled = cancelled_to_tell(notice)
        subject = render_template("mail/cancelled_subject.txt", title=title).strip()
        body = render_template("mail/cancelled.txt", submission=submission,
                               cancelled=cancelled, title=title)
    return subject, body


def _domain(config: Config) -> str:
    domain = config.mail_from_address.rpartition("@")[2] or urlsplit(config.base_url).hostname
    if not domain:
        raise ValueError("no domain for Message-IDs: MAIL_FROM_ADDRESS and BASE_URL have none")
    return domain


def letter_message(app: Flask, letter: Letter) -> OutgoingMail:
    """The letter as it goes to the target: from the campaign, on behalf of the supporter."""
    config: Config = app_state(app).config
    submission = letter.submission
    campaign = submission.campaign
    content = app_state(app).campaigns.get(campaign.slug)
    to_address, subject = letter.to_address, letter.subject
    if campaign.test_recipient:
        # Test mode: the letter goes to staff, saying whom it would have gone to.
        to_address = campaign.test_recipient
        subject = f"[TEST for {letter.target_name} <{letter.to_address}>] {subject}"[:250]
    return build_letter_message(
        campaign_title=_title(content, letter.language),
        from_address=config.mail_from_address,
        supporter_name=submission.supporter_name,
        supporter_email=submission.supporter_email,
        to_address=to_address,
        to_name=letter.target_name,
        subject=subject,
        body=letter.body,
        message_id_domain=_domain(config),
        letter_id=letter.id,
    )


def notice_message(app: Flask, notice: Notice) -> OutgoingMail:
    """The confirmation or receipt, written now, so it shows the letters' current states."""
    config: Config = app_state(app).config
    submission = notice.submission
    content = app_state(app).campaigns.get(submission.campaign.slug)
    if notice.kind == NoticeKind.RECEIPT:
        subject, body = receipt_text(app, submission)
    elif notice.kind in (NoticeKind.FOLLOWUP, NoticeKind.FOLLOWUP_AGAIN):
        subject, body = questionnaire_text(app, notice)
    elif notice.kind == NoticeKind.CONSENT:
        subject, body = consent_mail_text(app, submission)
    elif notice.kind == NoticeKind.CANCELLED:
        subject, body = cancelled_text(app, notice)
    else:
        subject, body = confirmation_text(app, submission,
                                          reminder=notice.kind == NoticeKind.REMINDER)
    return build_notice_message(
        campaign_title=_title(content, submission.language),
        from_address=config.mail_from_address,
        to_address=notice.to_address,
        to_name=submission.supporter_name,
        subject=subject,
        body=body,
        message_id_domain=_domain(config),
        notice_id=notice.id,
    )
