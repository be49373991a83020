"""The language a country's government corresponds in, where Babel's first is another."""

from __future__ import annotations

import pytest

from representatives.countries import main_language


@pytest.mark.parametrize(("country", "language"), [
    ("SN", "fr"), ("PY", "es"), ("KE", "en"), ("RW", "en"), ("NO", "nb"), ("PK", "en"),
    ("DE", "de"), ("FR", "fr"), ("JP", "ja"), ("BR", "pt"), ("US", "en"), ("BE", "nl"),
    # Summit signatories where Babel lists another language first.
    ("IN", "en"), ("MU", "en"), ("SC", "en"), ("BT", "en"), ("KG", "ru"), ("LU", "fr"),
])
def test_letters_go_in_the_language_of_government(country, language):
    assert main_language(country) == language
