"""Mail links, draft .eml files and outgoing messages built from one letter text."""

from __future__ import annotations

from email import message_from_bytes
from email.policy import default
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from letters.compose import (
    MAILTO_SAFE_LENGTH,
    blank_compose_links,
    build_notice_message,
    compose_links,
    gmail_compose_url,
    letter_eml,
    mailto_too_long,
    mailto_url,
    outlook_compose_url,
)

from .conftest import CAMPAIGN, make_target
from .conftest import letter_message as make_letter_message

TO = ["jane.smith@parliament.example", "office+ai@ministry.example"]
SUBJECT = "Un traité – pause & sécurité? 100% #1 a+b=c"
BODY = "Geachte heer Jansen,\n\nÉén regel & nog één: a+b=c?\r\nZeer 100% #zeker\n\nGroet,\nZoë\n"


def query(url: str) -> dict[str, str]:
    values = parse_qs(urlsplit(url).query, keep_blank_values=True, strict_parsing=True)
    assert all(len(v) == 1 for v in values.values())
    return {key: v[0] for key, v in values.items()}


def lf(text: str) -> str:
    return text.replace("\r\n", "\n")


def test_mailto_round_trip():
    url = mailto_url(TO, SUBJECT, BODY)
    parts = urlsplit(url)
    assert parts.scheme == "mailto"
    assert [unquote(a) for a in parts.path.split(",")] == TO
    fields = query(url)
    assert fields["subject"] == SUBJECT
    assert lf(fields["body"]) == lf(BODY)


def test_mailto_uses_crlf_and_no_plus_for_space():
    url = mailto_url(TO, "a b", "line one\nline two\r\nline three")
    assert "%0D%0A" in url
    assert "%0A" not in url.replace("%0D%0A", "")
    assert "+" not in url.split("?", 1)[1]  # "+" means "+" in mailto, so spaces are %20
    assert "subject=a%20b" in url


def test_mailto_without_subject_or_body():
    assert mailto_url(["a@example.org"], "", "") == "mailto:a@example.org"


def test_gmail_round_trip():
    url = gmail_compose_url(TO, SUBJECT, BODY)
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "mail.google.com", "/mail/")
    fields = query(url)
    assert fields["view"] == "cm" and fields["fs"] == "1"
    assert fields["to"].split(",") == TO
    assert fields["su"] == SUBJECT
    assert lf(fields["body"]) == lf(BODY)


def test_outlook_round_trip():
    url = outlook_compose_url(TO, SUBJECT, BODY)
    parts = urlsplit(url)
    assert (parts.netloc, parts.path) == ("outlook.live.com", "/mail/0/deeplink/compose")
    fields = query(url)
    assert fields["to"].split(",") == TO
    assert fields["subject"] == SUBJECT
    assert lf(fields["body"]) == lf(BODY)


def test_blank_compose_links():
    links = blank_compose_links(TO[:1])
    assert links.mailto == "mailto:jane.smith@parliament.example"
    assert query(links.gmail)["su"] == "" and query(links.gmail)["body"] == ""
    assert query(links.outlook)["to"] == TO[0]
    assert query(links.outlook)["subject"] == ""


def test_compose_links_match_the_single_functions():
    links = compose_links(TO, SUBJECT, BODY)
    assert links.mailto == mailto_url(TO, SUBJECT, BODY)
    assert links.gmail == gmail_compose_url(TO, SUBJECT, BODY)
    assert links.outlook == outlook_compose_url(TO, SUBJECT, BODY)


def test_mailto_too_long():
    assert MAILTO_SAFE_LENGTH == 2000
    assert not mailto_too_long("mailto:a@example.org")
    assert not mailto_too_long("m" * MAILTO_SAFE_LENGTH)
    assert mailto_too_long("m" * (MAILTO_SAFE_LENGTH + 1))


def test_a_full_letter_is_too_long_for_mailto(renderer, supporter):
    letter = renderer.render(CAMPAIGN, make_target(), supporter)
    assert mailto_too_long(mailto_url(TO, letter.subject, letter.body))


def test_addresses_with_line_breaks_are_refused():
    with pytest.raises(ValueError):
        mailto_url(["a@example.org\r\nBcc: b@example.org"], "s", "b")


def test_eml_parses_back():
    raw = letter_eml(TO, SUBJECT, BODY, from_name="Zoë Lee", from_address="zoe@example.net")
    assert b"\r\n" in raw and raw.isascii()
    message = message_from_bytes(raw, policy=default)
    assert message["X-Unsent"] == "1"
    assert message["Subject"] == SUBJECT
    assert [a.addr_spec for a in message["To"].addresses] == TO
    assert message["From"].addresses[0].display_name == "Zoë Lee"
    assert message.get_content_charset() == "utf-8"
    assert lf(message.get_content()) == lf(BODY)


def test_eml_without_sender():
    message = message_from_bytes(letter_eml(TO[:1], "Hi", "Body\n"), policy=default)
    assert message["From"] is None and lf(message.get_content()) == "Body\n"


def letter_message(**overrides):
    return make_letter_message(**{"subject": SUBJECT, "body": BODY, **overrides})


def test_letter_message():
    parsed = message_from_bytes(letter_message().as_message().as_bytes(), policy=default)
    sender = parsed["From"].addresses[0]
    assert sender.display_name == "Zoë Lee via A treaty at the next AI summit"
    assert sender.addr_spec == "letters@campaign.example"
    assert parsed["Reply-To"].addresses[0].addr_spec == "zoe@example.net"
    assert parsed["Reply-To"].addresses[0].display_name == "Zoë Lee"
    assert parsed["To"].addresses[0].addr_spec == "jane.smith@parliament.example"
    assert parsed["Message-ID"] == "<letter-42@campaign.example>"
    assert parsed["Date"] is not None
    assert parsed["Subject"] == SUBJECT
    assert lf(parsed.get_content()) == lf(BODY)
    # DMARC: the supporter's address appears nowhere but Reply-To.
    assert "zoe@example.net" not in str(parsed["From"])


def test_names_with_commas_and_quotes_survive():
    message = letter_message(supporter_name='Lee, "Zoë"', to_name="Smith, Jane")
    parsed = message_from_bytes(message.as_message().as_bytes(), policy=default)
    assert len(parsed["From"].addresses) == 1
    assert parsed["From"].addresses[0].display_name.startswith('Lee, "Zoë" via ')
    assert parsed["To"].addresses[0].display_name == "Smith, Jane"


@pytest.mark.parametrize(
    "overrides",
    [
        {"supporter_name": "Zoë\r\nBcc: everyone@example.org"},
        {"supporter_name": "Zoë\nLee"},
        {"to_name": "Jane\x00Smith"},
        {"subject": "Hello\r\nBcc: everyone@example.org"},
        {"subject": "Hello\u2028there"},
        {"campaign_title": "Campaign\rX"},
        {"supporter_email": "zoe@example.net\r\nBcc: x@example.org"},
        {"supporter_email": "not an address"},
        {"to_address": "a@"},
        {"letter_id": "42>\r\nBcc: x"},
        {"letter_id": "a@b"},
        {"message_id_domain": "campaign.example>"},
    ],
)
def test_header_injection_is_refused(overrides):
    with pytest.raises(ValueError):
        letter_message(**overrides)


def test_eml_refuses_header_injection():
    with pytest.raises(ValueError):
        letter_eml(TO, "Subject\nBcc: x@example.org", "Body")
    with pytest.raises(ValueError):
        letter_eml(TO, "Subject", "Body", from_name="Ann\rLee", from_address="a@example.org")


def test_notice_message():
    message = build_notice_message(
        campaign_title="A treaty at the next AI summit",
        from_address="letters@campaign.example",
        to_address="zoe@example.net",
        to_name="Zoë Lee",
        subject="Please confirm your letter",
        body="Click the link to confirm.\n",
        message_id_domain="campaign.example",
        notice_id="confirm-42",
    )
    parsed = message_from_bytes(message.as_message().as_bytes(), policy=default)
    assert parsed["From"].addresses[0].display_name == "A treaty at the next AI summit"
    assert parsed["From"].addresses[0].addr_spec == "letters@campaign.example"
    assert parsed["To"].addresses[0].addr_spec == "zoe@example.net"
    assert parsed["Message-ID"] == "<notice-confirm-42@campaign.example>"
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed["Reply-To"] is None
    assert lf(parsed.get_content()) == "Click the link to confirm.\n"
