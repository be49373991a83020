"""The default letter and the summit series: the next summit by name, the supporter's country's
record, the EU's own threshold, and wording that differs from one supporter to the next."""

from __future__ import annotations

import itertools

import pytest

from letters.rendering import Supporter
from letters.similarity import similarity
from letters.summit_views import and_list, country_name, next_summit_view, record_view
from representatives.model import TargetKind

from .conftest import CAMPAIGN, COUNTRY, make_target
from .test_letters_rendering import LETTER_LANGUAGES

# Two supporters' unedited letters to one target must not read as copies (issue 23).
MAX_MEAN_SIMILARITY = 0.8


def _letter(renderer, summits, language, *, country="DE", kind=TargetKind.MEP,
            target_country=None, seed="seed"):
    target = make_target(kind=kind, language=language, gender="female",
                         country=target_country or COUNTRY.get(language, "GB"))
    supporter = Supporter(name="Ann Lee", email="ann@example.net", town="Leeds",
                          country=country, variant_seed=seed)
    return renderer.render(CAMPAIGN, target, supporter, summits=summits)


def test_the_series_knows_the_next_summit_and_each_record(summits):
    assert summits.next is not None and (summits.next.city, summits.next.year) == ("Geneva", 2027)
    assert summits.next.host_country == "CH"
    germany = summits.record("DE")
    assert germany.signed == ("bletchley-2023", "seoul-2024", "paris-2025")
    assert germany.endorsed == ("delhi-2026",)
    assert summits.record("US").declined == ("paris-2025",)
    assert summits.record("AQ").rows == ()


def test_views_speak_the_letter_language(summits):
    assert next_summit_view(summits, "de").host == "Schweiz"
    assert next_summit_view(summits, "de").when == "2027"
    assert next_summit_view(summits, "en").announced
    assert record_view(summits, "DE", "fr").country == "Allemagne"
    assert country_name("DE", "pt-br") == "Alemanha"
    assert and_list("de", ["a", "b", "c"]) == "a, b und c"
    assert and_list("en", ["x", "y"], {"x": "X", "y": "Y"}) == "X and Y"
    assert next_summit_view(None, "en") is None


@pytest.mark.parametrize("language", LETTER_LANGUAGES)
def test_every_language_names_the_next_summit_and_the_record(renderer, summits, language):
    letter = _letter(renderer, summits, language)
    assert "2027" in letter.body  # Geneva, 2027, from the data
    assert "^" not in letter.body  # powers of ten as typography
    assert "10²⁵" in letter.body
    # Without a next summit in the data the letter still reads, and says "the next summit".
    without = _letter(renderer, None, language)
    assert "2027" not in without.body
    # The record sentence follows the supporter's country: Germany signed and endorsed, the
    # United States declined at Paris, and a country the data does not know gets neither.
    german, american, unknown = (
        _letter(renderer, summits, language, country=c).body for c in ("DE", "US", "AQ"))
    assert len({german, american, unknown}) == 3
    assert len(unknown) < len(german)


@pytest.mark.parametrize("language", LETTER_LANGUAGES)
def test_eu_targets_hear_of_the_ai_act(renderer, summits, language):
    inside = _letter(renderer, summits, language, kind=TargetKind.MINISTER, target_country="DE")
    outside = _letter(renderer, summits, language, kind=TargetKind.MINISTER, target_country="JP")
    assert inside.body.count("10²⁵") == outside.body.count("10²⁵") + 1


@pytest.mark.parametrize("language", LETTER_LANGUAGES)
def test_two_supporters_letters_differ(renderer, summits, language):
    letters = [_letter(renderer, summits, language, seed=f"supporter-{n}") for n in range(12)]
    texts = [f"{letter.subject}\n{letter.body}" for letter in letters]
    assert len({letter.subject for letter in letters}) >= 2  # the subject varies too
    scores = [similarity(a, b) for a, b in itertools.combinations(texts, 2)]
    assert sum(scores) / len(scores) < MAX_MEAN_SIMILARITY


def test_a_german_letter_to_a_german_mep(renderer, summits):
    letter = _letter(renderer, summits, "de", country="DE", target_country="DE")
    assert "Genf" in letter.body and "2027" in letter.body
    assert "Deutschland" in letter.body and "Bletchley" in letter.body
    assert "EU-KI-Verordnung" in letter.body or "AI Act" in letter.body


def test_the_host_is_told_it_shapes_the_agenda(renderer, summits):
    host = _letter(renderer, summits, "en", kind=TargetKind.MINISTER, target_country="CH")
    other = _letter(renderer, summits, "en", kind=TargetKind.MINISTER, target_country="JP")
    assert "As the host of that summit" in host.body
    assert "As the host" not in other.body
