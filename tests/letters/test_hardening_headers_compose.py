"""One rule for header values and addresses (letters/text.py), and the mail builder keeps to it:
what the rule accepts the builder writes, for every backend; what it refuses, the builder
refuses when the mail is built, with a message that never quotes an address."""

from __future__ import annotations

import pytest

from letters.compose import UnsendableMail, build_notice_message
from letters.text import is_header_safe, is_sendable_address, sendable_address

from .conftest import letter_message as letter

# Every C0 and C1 control, the separators around U+2028, the lone surrogates' edges, and a
# sample of ordinary letters, spaces and symbols from several scripts.
CHARACTERS = [chr(c) for c in (*range(0x00, 0x250), *range(0x2000, 0x2070), 0x3000, 0x4E2D,
                               0xD800, 0xDBFF, 0xDC00, 0xDFFF, 0xFEFF, 0xFFFD, 0x1F600)]


def notice(**overrides):
    values = dict(
        campaign_title="A treaty at the next AI summit",
        from_address="letters@campaign.example",
        to_address="zoe@example.net",
        to_name="Zoë Lee",
        subject="Please confirm",
        body="Click.\n",
        message_id_domain="campaign.example",
        notice_id=7,
    )
    values.update(overrides)
    return build_notice_message(**values)


def _written(build) -> bool:
    """Whether the builder takes the values, and the mail then serialises (SMTP, files)."""
    try:
        mail = build()
    except UnsendableMail:
        return False
    mail.as_message().as_bytes()  # any error here: the builder took what it cannot write
    return True


@pytest.mark.parametrize("field", ["supporter_name", "to_name", "subject", "campaign_title"])
def test_the_builder_takes_exactly_what_the_rule_allows(field):
    for char in CHARACTERS:
        value = f"Jane{char}Doe"
        assert _written(lambda v=value: letter(**{field: v})) is is_header_safe(value), (
            field, hex(ord(char)))


def test_the_notice_builder_too():
    for char in CHARACTERS:
        value = f"Jane{char}Doe"
        assert _written(lambda v=value: notice(to_name=v)) is is_header_safe(value), hex(ord(char))
        assert _written(lambda v=value: notice(subject=v)) is is_header_safe(value), hex(ord(char))


@pytest.mark.parametrize("value", ["Line\u2028separator", "Paragraph\u2029separator",
                                   "Next\x85line", "Lone\ud800surrogate", "Tab\there", "CR\r"])
def test_the_rule_refuses_separators_controls_and_surrogates(value):
    assert not is_header_safe(value)


@pytest.mark.parametrize("value", ["Zoë Lee", 'Lee, "Zoë"', "李小龙", "Jane\u00a0Doe",
                                   "Un traité – pause & sécurité?", "🙂"])
def test_the_rule_keeps_what_people_write(value):
    assert is_header_safe(value)


# --- addresses --------------------------------------------------------------------------------

@pytest.mark.parametrize(("address", "sendable"), [
    ("zoe@example.net", "zoe@example.net"),
    ("  zoe@example.net ", "zoe@example.net"),
    ("zoe@bücher.example", "zoe@xn--bcher-kva.example"),
    ("jösé@example.org", None),  # SMTPUTF8: no backend of ours can send it
    ("李@example.org", None),
    ("zoe@", None),
    ("@example.org", None),
    ("zoe\u2028@example.org", None),
    ("zoe@example.org\r\nBcc: x@example.org", None),
])
def test_sendable_address(address, sendable):
    assert sendable_address(address) == sendable
    assert is_sendable_address(address) is (sendable is not None)


@pytest.mark.parametrize("field", ["supporter_email", "to_address"])
@pytest.mark.parametrize("address", ["jösé@example.org", "zoe secret@example.org",
                                     "zoe@exa mple.org", "zoe-secret@"])
def test_an_unsendable_address_is_refused_when_built_without_being_quoted(field, address):
    with pytest.raises(UnsendableMail) as refused:
        letter(**{field: address})
    # It is logged and stored: neither it nor the parser's message (which quotes the address)
    # may carry the address.
    error = refused.value
    assert address.split("@")[0] not in str(error) and "@" not in str(error).replace(
        "before the @", "")
    assert error.__cause__ is None and (error.__context__ is None or error.__suppress_context__)


def test_a_supporter_with_an_accented_address_is_refused_for_sendgrid_too():
    # SendGrid is given JSON, never the message: the refusal must come when the mail is built.
    with pytest.raises(UnsendableMail):
        notice(to_address="jösé@example.org")


def test_a_non_ascii_domain_is_sent_in_its_ascii_form():
    mail = letter(to_address="office@bücher.example", supporter_email="zoe@straße.example")
    assert mail.to_address == "office@xn--bcher-kva.example"
    assert mail.reply_to_address.startswith("zoe@") and mail.reply_to_address.isascii()
    message = mail.as_message()
    assert message["To"].addresses[0].addr_spec == "office@xn--bcher-kva.example"
    assert message.as_bytes().isascii()


def test_a_body_with_a_lone_surrogate_is_refused_when_built():
    with pytest.raises(UnsendableMail):
        letter(body="Dear Jane,\ud800\n")
