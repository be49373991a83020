"""Form bodies split and decoded by fast-query-parsers rather than urllib's parse_qsl."""

from __future__ import annotations

import io
import re

from fast_query_parsers import parse_query_string
from flask import Request
from werkzeug.formparser import FormDataParser


class FastFormDataParser(FormDataParser):
    """Werkzeug's form parser, with url-encoded bodies parsed by fast-query-parsers (Rust).

    Step two's form carries each letter's text, thousands of characters that the browser
    percent-encodes (every line break, comma and accent); urllib's pure-Python unquote took a
    twelfth of that request, fast-query-parsers a seventh of that. It gives the same pairs as
    Werkzeug (tested against it) but where a name is encoded: it decodes a pair before
    splitting it at the "=", so an encoded "=" in a name ("a%3Db=1") splits it, and it leaves a
    pair without "=" ("a%26b") undecoded; and a pair whose escapes are not UTF-8 it returns
    whole. Such a body goes to Werkzeug's own parser: no form of ours has an encoded name, and
    browsers send UTF-8.
    """

    def _parse_urlencoded(self, stream, mimetype, content_length, options):
        body = stream.read()
        # As Werkzeug does: a body that is not UTF-8 raises ValueError, which gives an empty
        # form (the views then say what is missing).
        body.decode()
        if b"%3d" not in body.lower() or not _ENCODED_EQUALS_IN_A_NAME.search(b"&" + body):
            pairs = parse_query_string(body, "&")
            # What it gets wrong shows in the names: a pair without "=" comes back undecoded
            # ("%"), a pair whose escapes are not UTF-8 ("a=%C3") comes back whole ("=").
            if not any("%" in name or "=" in name for name, _value in pairs):
                return stream, self.cls(pairs), self.cls()
        return super()._parse_urlencoded(io.BytesIO(body), mimetype, content_length, options)


# A name (what follows an "&" up to the next "=" or "&") with an encoded "=" in it. Searched
# for only in a body with an encoded "=" somewhere, and with an "&" put before it: a pattern
# that starts with a literal is searched for quickly, one that starts with (?:^|&) was slower
# than parsing the body.
_ENCODED_EQUALS_IN_A_NAME = re.compile(rb"&[^&=]*%3[dD]")


class AppRequest(Request):
    form_data_parser_class = FastFormDataParser

