"""Which offices need the supporter's street address, and where it goes in their letter."""

from __future__ import annotations

import pytest

from letters.sender_address import (
    NEEDS_STREET_ADDRESS,
    address_fits,
    address_lines,
    clean_address,
    needs_street_address,
    signed_with_address,
)
from representatives.model import TargetKind

from .conftest import make_target

LETTER = "Dear Ms Smith,\n\nPlease act.\n\nYours sincerely,\n\nJane Doe\nSpringfield\n"
ADDRESS = "12 Elm Street\nSpringfield, IL 62701"


@pytest.mark.parametrize(("country", "kind", "needed"), [
    ("US", TargetKind.MP, True),
    ("GB", TargetKind.MP, True),
    ("gb", TargetKind.MP, True),  # a code as some file spells it
    ("GB", TargetKind.MINISTER, False),  # a department answers anyone
    ("US", TargetKind.MINISTER, False),
    ("NL", TargetKind.MP, False),
    ("DE", TargetKind.MEP, False),
])
def test_only_the_offices_of_the_table_need_it(country, kind, needed):
    assert needs_street_address(make_target(country=country, kind=kind)) is needed


def test_every_entry_says_why():
    assert all(reason.strip() for reason in NEEDS_STREET_ADDRESS.values())


def test_address_is_read_as_trimmed_lines_without_empty_ones():
    typed = "  12 Elm Street \r\n\r\n Springfield, IL 62701\r"
    assert address_lines(typed) == ["12 Elm Street", "Springfield, IL 62701"]
    assert clean_address(typed) == ADDRESS
    assert clean_address(" \n ") == ""


@pytest.mark.parametrize(("address", "fits"), [
    (ADDRESS, True),
    ("12 Elm Street\tApt 4", False),  # a tab inside a line
    ("12 Elm Street\x00", False),
    ("12 Elm Street\u2028Springfield", False),  # a line break Python's mail sees as one
    ("Flat 2, 5 Rue de l'Église\nBruxelles", True),
])
def test_each_line_must_fit_a_printed_line(address, fits):
    assert address_fits(address) is fits


def test_the_address_goes_below_the_name_in_place_of_the_town():
    signed = signed_with_address(LETTER, "Jane Doe", ADDRESS, town="Springfield")
    assert signed == ("Dear Ms Smith,\n\nPlease act.\n\nYours sincerely,\n\n"
                      "Jane Doe\n12 Elm Street\nSpringfield, IL 62701\n")


def test_a_town_the_address_does_not_name_stays():
    signed = signed_with_address(LETTER, "Jane Doe", "12 Elm Street\nOak Park, IL 60302",
                                 town="Springfield")
    assert signed.endswith("Jane Doe\n12 Elm Street\nOak Park, IL 60302\nSpringfield\n")


def test_below_the_last_line_with_the_name_only():
    text = "Jane Doe here, writing to you.\n\nJane Doe\n"
    assert signed_with_address(text, "Jane Doe", ADDRESS) == (
        "Jane Doe here, writing to you.\n\nJane Doe\n12 Elm Street\nSpringfield, IL 62701\n")


def test_without_the_name_in_the_text_the_address_ends_the_letter():
    text = "Dear Ms Smith,\n\nPlease act.\n\nJ.\n"
    assert signed_with_address(text, "Jane Doe", ADDRESS) == (
        "Dear Ms Smith,\n\nPlease act.\n\nJ.\n\n12 Elm Street\nSpringfield, IL 62701\n")


def test_signed_once_and_nothing_without_an_address():
    signed = signed_with_address(LETTER, "Jane Doe", ADDRESS, town="Springfield")
    assert signed_with_address(signed, "Jane Doe", ADDRESS, town="Springfield") == signed
    assert signed_with_address(LETTER, "Jane Doe", "  \n") == LETTER
