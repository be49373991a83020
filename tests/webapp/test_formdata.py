"""Form bodies parse as Werkzeug's own parser parses them (webapp.formdata)."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.formparser import FormDataParser

from webapp.formdata import FastFormDataParser

URLENCODED = "application/x-www-form-urlencoded"

# Pieces that make parsers disagree: separators, escapes of separators and of "%" and "+",
# broken escapes, UTF-8 whole and cut short, raw non-ASCII and bytes that are not UTF-8.
PIECES = [b"a", b"b", b"=", b"&", b"+", b"%", b"%%", b"2", b"F", b"f", b";", b" ", b"\x00",
          b"%3D", b"%3d", b"%26", b"%25", b"%2B", b"%20", b"%0D%0A", b"%C3%A9", b"%C3",
          b"%E2%82%AC", b"%E2%82", b"%ff", b"%zz", b"%2", b"\xc3\xa9", b"\xff"]


def _pairs(parser: FormDataParser, body: bytes) -> list[tuple[str, str]]:
    _stream, form, files = parser.parse(io.BytesIO(body), URLENCODED, len(body), {})
    assert not files
    return list(form.items(multi=True))


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=16).map(b"".join))
def test_any_body_parses_as_werkzeug_parses_it(body):
    assert _pairs(FastFormDataParser(), body) == _pairs(FormDataParser(), body)


def test_a_letter_parses_as_werkzeug_parses_it():
    body = (b"csrf_token=Ijk0.aw-x&groups-0-targets=mep%3A197781&groups-0-targets=mep%3A96725"
            b"&groups-0-body=Geachte+mevrouw%2C%0D%0A%0D%0AIk+vraag+u+%E2%80%93+als+%C3%A9%C3%A9n"
            b"+van+de+31+%3D+%26+%25+100%25.&own_words=&send=x")
    pairs = _pairs(FastFormDataParser(), body)
    assert pairs == _pairs(FormDataParser(), body)
    assert ("groups-0-body", "Geachte mevrouw,\r\n\r\nIk vraag u – als één van de 31 = & % 100%.") \
        in pairs
    assert [v for k, v in pairs if k == "groups-0-targets"] == ["mep:197781", "mep:96725"]


def test_the_app_reads_forms_with_it(app):
    with app.test_request_context("/", method="POST", data="name=Zo%C3%AB&x=1+2",
                                  content_type=URLENCODED):
        from flask import request

        assert isinstance(request.form_data_parser_class(), FastFormDataParser)
        assert request.form.to_dict() == {"name": "Zoë", "x": "1 2"}
